"""The import's Celery tasks, for Celery's discovery of ``<app>.tasks``: the background steps
of an import (``check_import``, ``commit_import``) and the watchdog that fails imports whose
worker died (``fail_stale_imports``, a beat task).

They are defined in ``dataexchange.services``, next to the code that queues them and the code
they run, so that neither module imports the other back.
"""

from dataexchange.services import check_import, commit_import, fail_stale_imports, run_step

__all__ = ["check_import", "commit_import", "fail_stale_imports", "run_step"]
