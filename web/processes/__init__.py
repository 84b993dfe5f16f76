"""/processes: the routes an organisation uses, their versions, and the process owners' modeller.

`views` lists, downloads and uploads; `modeller` is the edit page with its autosave and deploy;
`check_endpoint` is a stand-in `POST /processes/check` until the validation work lands."""
from . import check_endpoint, modeller
from .views import blueprint

__all__ = ["blueprint", "check_endpoint", "modeller"]
