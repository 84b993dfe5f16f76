"""Holds no tables: the domain's live in the `*_models` modules, which workflows.migrate finds by name."""
