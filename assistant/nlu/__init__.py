"""Command understanding: a spaCy intent classifier and entity recognizer for staff commands.

Importing this package loads nothing heavy; spaCy is imported lazily by the modules that
train or run a pipeline (`train`, `model`, `rules`).
"""
