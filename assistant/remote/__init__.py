"""Hosted models, opt-in: providers, masking before a request leaves, usage and quotas.

Nothing here is used unless ASSISTANT_REMOTE_PROVIDERS names a provider; the local engine stays
what ASSISTANT_ENGINE says. `setup.with_remote` wraps it in a `HostedRouter` (router.py).
"""
