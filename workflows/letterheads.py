"""Each organisation's letterhead: the name, address and contact details its letters carry.

A config file, not a table: letterheads change rarely, by an administrator of the installation, and
a file is reviewed like the rest of the configuration. `workflows/letterheads.toml` holds demo
values for the demo organisations (workflows.demo); INTERVENE_LETTERHEADS names another file.
A letter records the letterhead it was rendered with (in its stored render input), so a letterhead
changed later does not change a letter already sent.
"""
from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parent / "letterheads.toml"
FIELDS = ("name", "address", "phone", "email", "website")


def letterheads_file() -> Path:
    return Path(os.environ.get("INTERVENE_LETTERHEADS") or DEFAULT_FILE)


@functools.cache
def _load(path: Path) -> dict[str, dict[str, Any]]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    found = {}
    for organisation_id, entry in raw.items():
        unknown = set(entry) - set(FIELDS)
        if unknown:
            raise ValueError(f"{path}: [{organisation_id}] has unknown keys {sorted(unknown)}; use {FIELDS}")
        address = entry.get("address") or []
        found[str(organisation_id)] = {"name": entry.get("name"), "phone": entry.get("phone"),
                                       "email": entry.get("email"), "website": entry.get("website"),
                                       "address": [address] if isinstance(address, str) else list(address)}
    return found


def letterhead(organisation_id: str | None) -> dict[str, Any] | None:
    """The organisation's letterhead, or None when it has none configured."""
    if not organisation_id:
        return None
    entry = _load(letterheads_file()).get(str(organisation_id))
    return dict(entry) if entry else None
