"""The shared machinery of record workflows (mobility approval, plan approval, …).

``transition`` locks the row, checks the current state, moves it, bumps the version and
records who did it, when and why.  Apps wrap it in their own named services
(``mobility_approve``, ``plan_submit``) that add their rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal
from django.utils.translation import gettext as _

from intlportal.models import WorkflowTransition

# Sent inside the transition's transaction after every step of every workflow, with
# ``record``, ``from_state``, ``to_state``, ``state_field``, ``by`` and ``comment``: the
# notifications app tells the people who act next (what a receiver writes commits with the step).
workflow_step = Signal()


class WorkflowError(Exception):
    """A transition that is not allowed; the message is translated and shown to the user."""


def transition(
    *,
    model: type[Model],
    pk: int,
    allowed_from: Iterable[str],
    to_state: str,
    by,
    comment: str = "",
    state_field: str = "status",
    extra_updates: dict | None = None,
) -> Model:
    """Move one record from one of ``allowed_from`` to ``to_state``.

    Must be called inside ``transaction.atomic()`` when the caller does more in the same
    transaction; it opens one itself otherwise.  The row is locked with ``select_for_update``
    so two reviewers acting at once are serialised: the second sees the new state and is
    refused.
    """
    allowed = set(allowed_from)
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        current = getattr(obj, state_field)
        if current not in allowed:
            field = obj._meta.get_field(state_field)
            labels = dict(field.flatchoices)
            raise WorkflowError(
                _("This %(kind)s is “%(state)s”; it cannot be moved to “%(target)s” from there.")
                % {
                    "kind": obj._meta.verbose_name,
                    "state": labels.get(current, current),
                    "target": labels.get(to_state, to_state),
                }
            )
        setattr(obj, state_field, to_state)
        for name, value in (extra_updates or {}).items():
            setattr(obj, name, value)
        obj.version = obj.version + 1
        obj._change_reason = comment or f"{current} → {to_state}"
        obj.save()
        WorkflowTransition.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=obj.pk,
            from_state=current,
            to_state=to_state,
            by=by if getattr(by, "is_authenticated", False) else None,
            comment=comment,
        )
        workflow_step.send(sender=model, record=obj, from_state=current, to_state=to_state,
                           state_field=state_field, by=by, comment=comment)
    return obj


def timeline(obj: Model):
    """The record's transitions, oldest first, with the users loaded."""
    return (
        WorkflowTransition.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("by")
        .order_by("at", "pk")
    )


def labelled_timeline(obj: Model, choices) -> list:
    """``timeline(obj)`` with each step's ``to_label``: the state's label from ``choices`` (the
    kind's status choices), for the record's page."""
    labels = dict(choices)
    steps = list(timeline(obj))
    for entry in steps:
        entry.to_label = labels.get(entry.to_state, entry.to_state)
    return steps
