"""Wrap the local engine in the hosted router when the clinic configured hosted providers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Protocol

from assistant.remote.config import ProviderKeyError, provider_configs
from assistant.remote.providers.base import build
from assistant.remote.router import HostedRouter
from assistant.remote.usage import UsageBookDb
from inference.base import Engine, EngineUnavailable

if TYPE_CHECKING:
    from assistant.privacy.scrubber import Scrubber
    from assistant.runtime import Runtime

log = logging.getLogger(__name__)


def masking_scrubber(runtime: Runtime) -> Scrubber:
    """The analyzer behind the pseudonymiser: the scrubber's recognizers plus the contacts in
    the database (kept fresh by the router's background refresh)."""
    from assistant.privacy.scrubber import Scrubber

    log_settings = runtime.settings.log
    return Scrubber(model=log_settings.spacy_model, phone_regions=log_settings.phone_regions)


class Feed(Protocol):
    """Keeps a scrubber's list of the clinic's contacts current (crm/known_values.py's
    `ScrubberFeed`, built by the caller: this package does not import the CRM)."""

    async def sync(self) -> object:
        """Up to date now (before a call is masked)."""
        ...

    async def keep_fresh(self, every: float) -> None:
        """Up to date now and then, until cancelled."""
        ...


FeedFor = Callable[["Scrubber"], Feed]


def with_remote(
    local: Engine | None,
    runtime: Runtime,
    scrubber: Scrubber | None = None,
    feed: FeedFor | None = None,
) -> Engine | None:
    """`local` as it is when no provider is configured, else a HostedRouter around it;
    `feed` keeps the masking scrubber's list of the clinic's contacts current: in the
    background, and before every hosted call (a contact added a moment ago is masked too)."""
    remote = runtime.settings.remote
    if not remote.providers:
        return local
    try:
        providers = [build(config) for config in provider_configs(remote)]
    except ProviderKeyError as exc:
        raise EngineUnavailable(str(exc)) from None
    scrubber = scrubber or masking_scrubber(runtime)
    usage = UsageBookDb(runtime.sessions, runtime.clock, remote.quota_tokens_per_day)
    log.info(
        "hosted providers: %s (use=%s, notes %s)",
        ", ".join(remote.providers),
        remote.use,
        "allowed" if remote.allow_notes else "withheld",
    )
    known = None if feed is None else feed(scrubber)
    every = runtime.settings.log.known_values_refresh_seconds
    return HostedRouter(
        local,
        providers,
        remote,
        scrubber.analyze,
        usage,
        refresh=None if known is None else partial(known.keep_fresh, every),
        sync=None if known is None else known.sync,
        prepare=scrubber.load,
        observer=runtime.metrics,
    )
