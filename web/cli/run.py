"""`intervene serve`, `intervene worker` and `intervene timers fire-due`: the long-running parts."""
from __future__ import annotations

import logging
import os
import signal
import threading

import click

from engine.timers import TimerService, default_worker_id, fire_due
from workflows.dashboard_snapshots import REFRESH_MINUTES, refresh_job
from workflows.mail import REMINDERS_EVERY_MINUTES, reminders_job, sender_from_env

from .common import command, emit, session_factory
from .logs import configure_logging

#: How long `intervene worker` lets a sweep finish the timer it is firing once told to stop.
STOP_SECONDS = 3.0


@click.group("timers")
def timers_group() -> None:
    """BPMN timers."""


@command(timers_group, "fire-due")
def fire_due_command(as_json: bool) -> None:
    """Fire every timer that is due now, once, and exit."""
    fired = fire_due(session_factory())
    emit({"fired": fired}, as_json, lambda r: f"fired {r['fired']} timer(s)")


def _serve_timers(poll_seconds: float) -> TimerService:
    factory, worker_id = session_factory(), default_worker_id()
    sender, where = sender_from_env()
    reminders = ("reminders", reminders_job(factory, worker_id, sender), REMINDERS_EVERY_MINUTES)
    dashboards = ("dashboards", refresh_job(factory), REFRESH_MINUTES)
    service = TimerService(factory, poll_seconds=poll_seconds, worker_id=worker_id, extra_jobs=[reminders, dashboards])
    click.echo(f"reminders: {where}", err=True)
    service.start()
    return service


@click.command("worker")
@click.option("--poll", "poll_seconds", default=2.0, show_default=True, type=click.FloatRange(0.2, 60),
              help="Seconds between sweeps; the worker also wakes at the next due time.")
@click.option("--json", "as_json", is_flag=True, help="Log as JSON lines.")
def worker_command(poll_seconds: float, as_json: bool) -> None:
    """Fire timers as they fall due, until stopped. Run as many as you like on PostgreSQL."""
    configure_logging(as_json)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    service = _serve_timers(poll_seconds)
    click.echo(f"timer worker {service.worker_id} running; Ctrl-C to stop", err=True)
    stop.wait()
    # A service manager expects the worker gone within seconds: the sweep stops after the timer
    # it is firing. If that timer is stuck (waiting on a database lock), leave without it: its
    # transaction rolls back and its lease runs out, so another worker fires it.
    if not service.shutdown(timeout=STOP_SECONDS):
        logging.getLogger(__name__).warning("sweep still busy %s s after the stop signal; exiting without it",
                                            STOP_SECONDS)
        os._exit(0)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--no-timers", is_flag=True, help="Leave timers to separate `intervene worker` processes.")
@click.option("--json", "as_json", is_flag=True, help="Log as JSON lines.")
def serve_command(host: str, port: int, threads: int, no_timers: bool, as_json: bool) -> None:
    """Serve the web app with waitress, with the timer scheduler in the same process."""
    from waitress import serve

    from web.app import create_app

    configure_logging(as_json)
    app = create_app()
    service = None if no_timers else _serve_timers(2.0)
    click.echo(f"Intervene on http://{host}:{port}/" + ("" if no_timers else " (timers in-process)"), err=True)
    try:
        serve(app, host=host, port=port, threads=threads, ident="intervene")
    finally:
        if service is not None:
            service.shutdown()


cli = timers_group
commands = (worker_command, serve_command)
