# CPU image: the app with llama.cpp in process.
#   docker build -t clinic-copilot .
#   docker run -p 8000:8000 -v $PWD/var:/app/var -e ASSISTANT_MODEL=/app/var/models/qwen2.5-1.5b-instruct-q4_k_m.gguf clinic-copilot
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY assistant ./assistant
COPY inference ./inference
COPY server ./server
COPY web ./web
COPY models ./models
# A portable llama.cpp build (no -march=native) so the image runs on any x86-64 host.
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF"
# Editable: the NLU configs and the model catalog are read from /app/models.
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -e '.[llamacpp]'

FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 app
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH="/venv/bin:$PATH" ASSISTANT_DATA_DIR=/app/var
RUN mkdir -p /app/var && chown app /app/var
USER app
EXPOSE 8000
# First start: schema, key file (kept in the mounted var/), command model; then serve.
CMD ["sh", "-c", "assistant db upgrade && assistant keys create && assistant nlu build && exec assistant serve --host 0.0.0.0 --port 8000"]
