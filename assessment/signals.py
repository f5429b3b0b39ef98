"""Which data changes make the assessment stale (wired in ``AssessmentConfig.ready``; an
import's ``records_imported`` is connected by the assessment's ``dataexchange`` module, which
the data exchange loads: the assessment imports no app above it)."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

# Every record kind an indicator, a denominator or a parameter reads.
WATCHED = [
    "faculties.Faculty", "faculties.FacultyYear", "faculties.InternationalizationPlan",
    "staff.StaffMember", "staff.TeachingAssignment", "staff.LanguageAssessment", "staff.Publication",
    "exchanges.Agreement", "exchanges.Mobility", "exchanges.Event",
    "programs.CooperativeProgram", "programs.ProgramTeacherTraining",
    "assessment.Indicator", "assessment.Target", "assessment.IncentivePool",
]
DISPATCH_PREFIX = "assessment-recompute"


def _record_changed(sender, instance=None, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    from assessment.tasks import schedule_recompute

    schedule_recompute()


def records_imported_receiver(sender, years=None, **kwargs):
    from assessment.tasks import schedule_recompute

    schedule_recompute(years)


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"{DISPATCH_PREFIX}:{label}"
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"{uid}:delete")
    through = apps.get_model("exchanges.Agreement").faculties.through
    m2m_changed.connect(_record_changed, sender=through, dispatch_uid=f"{DISPATCH_PREFIX}:agreement-faculties")
