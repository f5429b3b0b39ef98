"""The office's decisions on the evidence awaiting verification, many at a time.

The list sends back, for each item ticked, ``<model label>:<pk>:<version>``: the version the
office saw.  Each item is decided on its own (``intlportal.verification.verify`` / ``reject``,
with that version as ``expected_version``), so an item changed since the page was opened is
refused and stays pending — the office verifies exactly what it read — while the others go
through.  Nothing here decides what verifying means: ``intlportal.verification`` does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.db.models import Model
from django.utils.translation import gettext as _

from intlportal import verification
from intlportal.versioning import StaleEdit
from workqueue.selectors import kind_key, verification_kinds


@dataclass
class Outcome:
    """What became of a batch: the records decided, and a sentence for each item refused."""

    decided: list[Model] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ticked:
    """One item as the list sent it back."""

    token: str
    model: type[Model] | None
    pk: int | None
    version: str


def parse(tokens) -> list[Ticked]:
    """The items of a POST, each once, in the order sent; a token that names no verifiable
    record kind (edited by hand) keeps ``model`` None."""
    kinds = {kind_key(model): model for model in verification_kinds()}
    result, seen = [], set()
    for token in tokens:
        if token in seen:
            continue
        seen.add(token)
        label, _sep, rest = token.partition(":")
        pk, _sep, version = rest.partition(":")
        model = kinds.get(label)
        result.append(Ticked(token, model if pk.isdigit() else None, int(pk) if pk.isdigit() else None, version))
    return result


def load(ticked: list[Ticked]) -> dict[str, Model]:
    """The records the tokens name (one query per kind), by token; the deleted are missing."""
    wanted: dict[type[Model], set[int]] = defaultdict(set)
    for item in ticked:
        if item.model is not None:
            wanted[item.model].add(item.pk)
    found = {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}
    return {item.token: found[item.model][item.pk] for item in ticked
            if item.model is not None and item.pk in found[item.model]}


def decide(tokens, *, verified: bool, by, comment: str = "") -> Outcome:
    """Verify (``verified``) or reject every item ``tokens`` names, each at the version the
    office saw; a rejection needs ``comment`` (``verification.reject`` refuses it otherwise)."""
    ticked = parse(tokens)
    records = load(ticked)
    outcome = Outcome()
    for item in ticked:
        obj = records.get(item.token)
        if item.model is None:
            outcome.refused.append(_("“%(item)s” is not an item of the list.") % {"item": item.token})
            continue
        if obj is None:
            outcome.refused.append(_("An item was deleted after you opened the page."))
            continue
        try:
            if verified:
                decided = verification.verify(obj, by=by, expected_version=item.version, comment=comment)
            else:
                decided = verification.reject(obj, by=by, comment=comment, expected_version=item.version)
        except StaleEdit:
            outcome.refused.append(_("“%(record)s” changed since you opened the page: it was left pending. "
                                     "Look at it again.") % {"record": obj})
        except verification.VerificationError as refusal:
            outcome.refused.append(str(refusal))
        except IntegrityError:
            outcome.refused.append(_("“%(record)s” conflicts with a record saved meanwhile: it was left pending. "
                                     "Look at it again.") % {"record": obj})
        else:
            outcome.decided.append(decided)
    return outcome
