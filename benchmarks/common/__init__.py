"""Shared benchmark code. Stable API (other benchmarks build on it):

- `env.capture(engine=, model=, settings=)`: the environment block (CPU, GPU, libraries, engine,
  model file/size/random weights, settings, git commit).
- `stats`: `percentile`, `summarize` (n/mean/p50/p90/p99/min/max), `RequestTiming` (TTFT, TPOT,
  ITL, E2EL of one request), `SLO.parse("ttft:MS,tpot:MS")`, `serving_metrics(timings,
  duration, slo)` (throughputs, summaries in ms, goodput), `paired_difference`, `ratio`.
- `report`: `Report(benchmark, title, environment, parameters, columns)`, `.add(label,
  params=, metrics=)`, `.print()`, `.write(out, plots=[Plot(filename, render)])` -> JSON
  validated against benchmarks/result.schema.json + Markdown + PNGs; `validate(doc)`.
- `plots`: `bars`, `lines`, `cdf` (matplotlib, Agg).
- `progress.live(total, description)`: a rich progress bar on stderr (`bar.advance()`).
"""
