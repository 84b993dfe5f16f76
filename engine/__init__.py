"""Generic BPMN runtime: SpiffWorkflow state persisted with SQLAlchemy, timers swept by APScheduler.

Knows BPMN; knows nothing of schools. The domain plugs in through `engine.hooks`.
"""
