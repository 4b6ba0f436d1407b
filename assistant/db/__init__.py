"""The data layer: engines, sessions, tables and migrations."""
