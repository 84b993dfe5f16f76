"""/processes/<key>/compare and /processes/<key>/migrate: what changed between two versions of a
route, and moving running cases from one to the other."""
from .views import blueprint

__all__ = ["blueprint"]
