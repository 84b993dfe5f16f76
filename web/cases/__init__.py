"""Case pages, the case list, starting a case, and correcting and managing one: each module adds its
routes to the one blueprint `views` defines."""
from . import case_in_error, files, letter_corrections, manage, start
from .views import blueprint

__all__ = ["blueprint", "case_in_error", "files", "letter_corrections", "manage", "start"]
