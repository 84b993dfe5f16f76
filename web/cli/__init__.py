"""The `intervene` command line. Each module here contributes a click group or command named `cli`
(or several, listed in `commands`).

Every command takes --json; bad input prints one clear line on stderr and exits 2, never a
traceback.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from workflows.registry import install

from .common import EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Intervene: statutory school-intervention routes as BPMN processes."""
    install()


def _load_commands() -> None:
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "common" or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found = [getattr(module, "cli", None), *getattr(module, "commands", ())]
        for command in found:
            if isinstance(command, click.Command):
                cli.add_command(command)


_load_commands()


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_USAGE)
