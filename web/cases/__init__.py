"""Case pages, the case list and starting a case."""
