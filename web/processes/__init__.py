"""/processes: the routes an organisation uses, their versions, and the process owners' modeller.

`views` lists, downloads and uploads; `modeller` is the edit page with its autosave and deploy. The
page's check and dry run are web/process_tools' JSON endpoints (`/processes/check`, `/processes/dry-run`)."""
from . import modeller
from .views import blueprint

__all__ = ["blueprint", "modeller"]
