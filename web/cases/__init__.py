"""Case pages, the case list, starting a case, and correcting and managing one: each module adds its
routes to the one blueprint `views` defines."""
from . import correction, manage, start
from .views import blueprint

__all__ = ["blueprint", "correction", "manage", "start"]
