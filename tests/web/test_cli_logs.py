"""`intervene serve --json` and `intervene worker --json` write one valid JSON object per line, whatever
the message holds (the old format string wrote broken JSON when a message had a quote in it)."""
from __future__ import annotations

import json
import logging

import pytest

from web.cli.logs import configure_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_logs_are_one_valid_object_per_line_even_with_quotes_and_newlines(restore_logging, capsys):
    configure_logging(as_json=True)
    logging.getLogger("engine.timers").warning('case "Ash Grove" failed:\nline two')
    logging.getLogger("apscheduler.scheduler").info("a sweep")  # quietened: a line every sweep is noise
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    [record] = [json.loads(line) for line in lines]
    assert record["event"] == 'case "Ash Grove" failed:\nline two'
    assert record["level"] == "warning" and record["logger"] == "engine.timers" and "timestamp" in record


def test_plain_logs_are_for_people(restore_logging, capsys):
    configure_logging(as_json=False)
    logging.getLogger("engine.timers").warning("timer fired late")
    err = capsys.readouterr().err
    assert "timer fired late" in err and not err.lstrip().startswith("{")
