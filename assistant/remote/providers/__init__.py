"""Hosted providers: one module per vendor SDK, chosen by name through `registry`."""
