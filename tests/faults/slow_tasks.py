"""A task that holds the worker for a while, for the fault tests (loaded with ``celery worker -I``)."""

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="faults.hold", acks_late=True)
def hold(seconds: float, marker: str) -> str:
    """Write ``marker``.started, sleep, write ``marker``.done: proof that the task ran to its end."""
    Path(marker + ".started").write_text("started")
    time.sleep(seconds)
    Path(marker + ".done").write_text("done")
    return marker
