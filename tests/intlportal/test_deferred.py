"""Work deferred until the response is sent (``intlportal.deferred``): run when the server closes
the response, once per key, errors logged; at once outside a request."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from intlportal import deferred


def test_outside_a_request_the_work_runs_at_once():
    done = []
    deferred.after_response(lambda: done.append(1))
    assert done == [1] and not deferred.in_request()


@pytest.mark.django_db  # closing a response closes old database connections too
def test_in_a_request_the_work_runs_when_the_response_is_closed_once_per_key(monkeypatch):
    done = []

    def view(request):
        assert deferred.in_request()
        deferred.after_response(lambda: done.append("a"), key="a")
        deferred.after_response(lambda: done.append("a again"), key="a")
        deferred.after_response(lambda: 1 / 0, key="broken")
        deferred.after_response(lambda: done.append("b"), key="b")
        return HttpResponse("ok")

    logger = mock.Mock()
    monkeypatch.setattr(deferred, "logger", logger)
    response = deferred.AfterResponseMiddleware(view)(RequestFactory().get("/"))
    assert done == [] and not deferred.in_request()  # the response is not sent yet
    response.close()  # what the WSGI server does once it has sent the last byte
    assert done == ["a", "b"]  # the broken one in between was logged, and the next one still ran
    logger.exception.assert_called_once()


def test_the_middleware_comes_first():
    assert settings.MIDDLEWARE[0] == "intlportal.deferred.AfterResponseMiddleware"
