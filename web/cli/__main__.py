"""`python -m web.cli` is `intervene` (tests start worker processes this way)."""
from web.cli import main

main()
