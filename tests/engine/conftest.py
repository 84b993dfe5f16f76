from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions
from engine.models import HumanTask
from tests.conftest import FIXTURES

ENGINE_FIXTURES = FIXTURES / "engine"


def read_fixture(name: str) -> str:
    return (ENGINE_FIXTURES / f"{name}.bpmn").read_text(encoding="utf-8")


def deploy_fixture(session, name: str, actor: str = "owner@test"):
    return definitions.deploy(session, read_fixture(name), actor)


def open_tasks(session, instance_id: int) -> list[HumanTask]:
    session.flush()
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.is_open.is_(True))
                                .order_by(HumanTask.created_at, HumanTask.bpmn_id)))


@pytest.fixture
def deploy(session):
    return lambda name: deploy_fixture(session, name)
