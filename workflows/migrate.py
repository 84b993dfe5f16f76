"""Run the Alembic migrations from code (the CLI's `db upgrade`, the test fixtures)."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parent.parent

#: Packages whose `models` (or `*_models`) modules define tables.
MODEL_PACKAGES = ("engine", "workflows")


def import_all_models() -> None:
    for package_name in MODEL_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__):
            if module.name == "models" or module.name.endswith("_models"):
                importlib.import_module(f"{package_name}.{module.name}")


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    # A plain connection: the migration environment begins (and commits) the transaction itself, so
    # that on SQLite it can switch foreign keys off around a table rebuild first.
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
