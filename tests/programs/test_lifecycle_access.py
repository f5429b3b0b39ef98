"""Who moves a cooperative program along its lifecycle is the access module's decision
(``access.can_move_program``); the services ask it instead of checking roles themselves."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from intlportal import access
from programs import services
from programs.models import CooperativeProgram
from tests.factories import CooperativeProgramFactory

pytestmark = pytest.mark.django_db
Status = CooperativeProgram.Status


@pytest.mark.parametrize(("persona", "allowed"), [("office", True), ("leader", False), ("coord_a", False)])
def test_only_the_office_may_move_a_program(request, persona, allowed):
    assert access.can_move_program(request.getfixturevalue(persona)) is allowed


def test_an_anonymous_visitor_may_not_move_a_program():
    assert access.can_move_program(AnonymousUser()) is False


def test_require_refuses_what_is_not_allowed():
    access.require(True)
    with pytest.raises(PermissionDenied):
        access.require(False)


def test_the_lifecycle_services_follow_the_access_module(office, monkeypatch):
    """With the rule withdrawn from everyone, not even the office moves a program: the
    service holds no role check of its own."""
    program = CooperativeProgramFactory(status=Status.PROPOSED)
    monkeypatch.setattr(access, "can_move_program", lambda user: False)
    with pytest.raises(PermissionDenied):
        services.program_declare(program=program, by=office)
    program.refresh_from_db()
    assert program.status == Status.PROPOSED
