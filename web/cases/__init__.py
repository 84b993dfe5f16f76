"""Case pages, the case list and starting a case: `views` and `start` add their routes to one blueprint."""
from .start import blueprint  # start imports views, so both modules' routes are on it

__all__ = ["blueprint"]
