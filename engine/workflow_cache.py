"""Workflows this process saved last, so the next command on the same case skips deserializing.

An entry is keyed by instance id and the lock_version the workflow was saved at, and it is only
published once the saving transaction has committed: a save that rolls back leaves nothing behind
whose version number another process could later reach with a different workflow. Until the
commit the workflow is kept on its session, where it is the current one for that transaction.
"""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from .models import ProcessInstance

_SAVED_IN_SESSION = "intervene_saved_workflows"
_CACHE: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
_LOCK = Lock()
_SIZE = 512
_enabled = True


def set_enabled(enabled: bool) -> bool:
    """Turn the cache on or off (and empty it); returns the previous setting."""
    global _enabled
    previous, _enabled = _enabled, enabled
    clear()
    return previous


def clear() -> None:
    with _LOCK:
        _CACHE.clear()


def remember(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """Keep a just-saved workflow on its session; it reaches the cache if the session commits."""
    if _enabled:
        session.info.setdefault(_SAVED_IN_SESSION, {})[instance.id] = (instance.lock_version, workflow)


def take(instance: ProcessInstance) -> BpmnWorkflow | None:
    """The saved workflow of this instance at its current lock_version, if this process has it."""
    if not _enabled:
        return None
    session = object_session(instance)
    saved = session.info.get(_SAVED_IN_SESSION, {}) if session is not None else {}
    found = saved.pop(instance.id, None)
    if found is None:
        with _LOCK:
            found = _CACHE.pop(instance.id, None)
    if found is not None and found[0] == instance.lock_version:
        return found[1]
    return None


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    saved = session.info.pop(_SAVED_IN_SESSION, None)
    if not saved or not _enabled:
        return
    with _LOCK:
        for instance_id, entry in saved.items():
            _CACHE[instance_id] = entry
            _CACHE.move_to_end(instance_id)
        while len(_CACHE) > _SIZE:
            _CACHE.popitem(last=False)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    """Any rollback, even of a savepoint, may have undone a save: drop what the session holds."""
    saved = session.info.pop(_SAVED_IN_SESSION, None)
    if not saved:
        return
    with _LOCK:
        for instance_id in saved:
            _CACHE.pop(instance_id, None)
