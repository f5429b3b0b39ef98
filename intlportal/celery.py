"""The Celery application.  Without ``CELERY_BROKER_URL`` tasks run in-process (eager).

The Redis broker goes through :class:`RedisTransport` (``CELERY_BROKER_TRANSPORT`` in the
settings), kombu's Redis transport with one repair that keeps the worker alive when Redis
restarts while it holds a message.  The cause, found by killing Redis under a worker running a
slow task with celery 5.7.0 / kombu 5.7.0 / redis-py 8.1.0 (the pinned versions, the newest
there are):

1. The consumer loses the connection and calls ``on_connection_error_after_connected``, which
   first runs ``connection.collect()``: for Redis that closes the default channel, but the
   channel was blocked in ``BRPOP``, reading the dead socket raises ``ConnectionError`` before
   the channel marks itself closed, and ``collect()`` then detaches the transport
   (``transport.client = None``).
2. Celery then calls ``connection.close()``, which closes the same channel again.  This time the
   channel gets as far as restoring its unacknowledged messages — there is one whenever a task
   is held: with ``CELERY_TASK_ACKS_LATE`` the running task, and with any ``countdown``/ETA
   task (every counted save's recompute) the waiting one.  Restoring needs a new Redis
   connection pool, built from ``transport.client``, now ``None``:
   ``AttributeError: 'NoneType' object has no attribute 'hostname'``.
3. That is not one of the transport's connection errors, so ``ignore_errors`` lets it through
   and the worker stops with "Unrecoverable error".  The held task's late ack fails the same
   way (``'NoneType' object has no attribute 'client'`` once the channel is closed).

No released kombu fixes it and no transport option avoids the restore, so the channel here
remembers the connection parameters it was opened with: restoring and acknowledging after the
transport is gone then talk to Redis directly — a plain ``ConnectionError`` while Redis is down
(which kombu expects and ignores; the message stays in Redis's unacked set and is redelivered
after the visibility timeout), a real ack once Redis is back.
"""

import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intlportal.settings")


class _Detached:
    """What a closed channel's ``connection`` looks like while it builds a connection pool."""

    def __init__(self, client, default_port):
        self.client = client
        self.default_port = default_port


class RedisChannel(kombu_redis.Channel):
    _opened_with = None

    def __init__(self, connection, *args, **kwargs):
        # Remember the kombu Connection (host, port, db, password) before anything can detach it.
        self._opened_with = _Detached(connection.client, connection.default_port)
        super().__init__(connection, *args, **kwargs)

    def _connparams(self, asynchronous=False):
        transport = self.connection
        if (transport is not None and transport.client is not None) or self._opened_with is None:
            return super()._connparams(asynchronous=asynchronous)
        # The channel outlived its transport (closed after a lost connection): build the pool
        # from the parameters it was opened with instead of failing with AttributeError.
        self.connection = self._opened_with
        try:
            return super()._connparams(asynchronous=asynchronous)
        finally:
            self.connection = transport


class RedisTransport(kombu_redis.Transport):
    Channel = RedisChannel


app = Celery("intlportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
