"""Work a request causes but its user need not wait for: run after the response is sent.

Without a Celery broker (``make run``, a one-machine install) a task runs in the process that
sends it, at once — inside a web request, the user would wait for it: recomputing the
assessment after a save took most of a second on the demo data.  ``after_response(fn)`` runs
``fn`` once the response has gone out instead: ``AfterResponseMiddleware`` attaches the work to
the response as a resource closer, which Django calls when the WSGI server closes the response,
after the last byte is written (and the test client when it returns it).  Outside a request (a
management command, the shell, a worker) ``fn`` runs at once.

The work runs in the same worker thread, with its database connection still open (closers run
before ``request_finished`` closes it), outside the request's transaction; an error is logged,
never shown to anybody — whoever defers work must leave a durable trace of it (the assessment's
``PendingRecompute`` rows) so that nothing is lost when it fails or the process stops first.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Hashable
from functools import partial

logger = logging.getLogger(__name__)

# The current request's deferred work by key (None outside a request).
_pending: contextvars.ContextVar[dict[Hashable, Callable[[], object]] | None] = contextvars.ContextVar(
    "intlportal_after_response", default=None)


def in_request() -> bool:
    return _pending.get() is not None


def after_response(fn: Callable[[], object], *, key: Hashable | None = None) -> None:
    """Run ``fn()`` after the current response is sent, or now outside a request.  Work given
    the same ``key`` twice in one request runs once (the first)."""
    pending = _pending.get()
    if pending is None:
        _run(fn)
        return
    pending.setdefault(fn if key is None else key, fn)


def _run(*work: Callable[[], object]) -> None:
    for fn in work:
        try:
            fn()
        except Exception:  # after the response nobody can be told: log it, the caller's trace stays
            logger.exception("deferred work %r failed", fn)


class AfterResponseMiddleware:
    """Collects the request's ``after_response`` work and hands it to the response's closers.
    Placed first in ``MIDDLEWARE``: the response it sees is the one the server sends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pending.set({})
        try:
            response = self.get_response(request)
        finally:
            work = list(_pending.get().values())
            _pending.reset(token)
        if work:
            response._resource_closers.append(partial(_run, *work))
        return response
