"""The interactive wizard (questionary). Imported only by `prdkit new` and `prdkit edit`."""

from .flow import run_edit, run_new

__all__ = ["run_new", "run_edit"]
