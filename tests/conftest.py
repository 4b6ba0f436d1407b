from __future__ import annotations

pytest_plugins = [
    "tests.plugins.services",
    "tests.plugins.app",
    "tests.plugins.models",
    "tests.plugins.nlu",
    "tests.plugins.commands",
    "tests.plugins.browser",
    "tests.plugins.cluster",
]
