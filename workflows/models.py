"""Domain tables, imported here so Alembic and the test schema see them all."""
