"""Publishing a year's assessment: the office makes a stored run the year's official result.

Runs are computed again and again — the office's "Recalculate", and the automatic recompute
while a year is still open — but the incentive fund is paid from one result that must not
move afterwards (ASSESSMENT.md: "A published year is frozen").  Publishing points at a
stored run, so what the office confirmed is exactly what every page, the export, the API and
``run_assessment --published`` serve, to the fen; the run's rows refuse every change from then
on (``models.PublishedRunChange``).  Publishing again makes a new version and keeps the earlier
ones, with the office's reason, so every announced result can be shown and compared.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessment.models import AssessmentRun, Publication


class PublishError(Exception):
    """Why a run cannot be published (a translated message for the office)."""


def publish(run: AssessmentRun, *, by=None, reason: str = "") -> Publication:
    """Publish ``run`` as the official result of its year and return the new publication.

    Only the year's latest run can be published (a newer calculation has to be reviewed
    first), never the one already published, and from version 2 on with a reason.  Two offices
    publishing the same year at once: the second is refused (the versions are unique).
    """
    reason = reason.strip()
    newest = AssessmentRun.objects.latest_for(run.year)
    if newest is None or newest.pk != run.pk:
        raise PublishError(_("A newer calculation of %(year)s has been stored since: review it before publishing.")
                           % {"year": run.year})
    current = Publication.objects.current_for(run.year)
    if current is not None and current.run_id == run.pk:
        raise PublishError(_("These results of %(year)s are already published (version %(version)s).")
                           % {"year": run.year, "version": current.version})
    if current is not None and not reason:
        raise PublishError(_("Say why the results of %(year)s are published again: the reason is kept with "
                             "the new version.") % {"year": run.year})
    try:
        with transaction.atomic():
            return Publication.objects.create(
                year=run.year, run=run, version=(current.version if current else 0) + 1, published_by=by,
                reason=reason,
            )
    except IntegrityError as exc:
        raise PublishError(_("The results of %(year)s were published by someone else meanwhile: review the "
                             "page again.") % {"year": run.year}) from exc
