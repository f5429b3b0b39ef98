"""Project-level tasks."""

from celery import shared_task


@shared_task(name="intlportal.ping")
def ping(message: str = "pong") -> str:
    """Answer with the message: proves a worker takes tasks from the broker."""
    return message
