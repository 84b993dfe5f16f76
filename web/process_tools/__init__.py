"""Checking and trying out process models: the modeller page's JSON endpoints (`/processes/check`,
`/processes/dry-run`) and a page any officer can use to dry-run a deployed route
(`/processes/<key>/dry-run`). Two blueprints, so the JSON endpoints answer every error in JSON and
the page answers in GOV.UK pages."""
from __future__ import annotations

from .checks import blueprint as checks_blueprint
from .dry_run_page import blueprint as page_blueprint

blueprints = (checks_blueprint, page_blueprint)
