"""The cooperative program kinds in the import/export registry (see ``dataexchange.registry``).

Programs are the office's (``COORDINATOR_CREATES = False``), so only the office imports
them; an import may set any status, as when the office loads its existing programs, and each
status it sets is recorded as a workflow step (``workflow``) — day-to-day moves go through
the lifecycle actions on the program's page.  A status an import sets (or a program it
creates in a status) is also a dated step of the program's status history, which the
assessment reads: the import's ``records_imported`` writes it (``services.status_history_sync``;
bulk writes send no ``post_save``).
"""

from django.utils.translation import gettext as _

from dataexchange.columns import Choice, Column, Date, ForeignKey, Integer, Text
from dataexchange.registry import ImportWorkflow, Kind, ordered, register
from dataexchange.signals import records_imported
from faculties.models import Faculty
from programs.models import CooperativeProgram, ProgramTeacherTraining
from programs.services import status_history_sync


def date_in_year(values: dict) -> dict[str, str]:
    """A training's date falls in its year."""
    year, day = values.get("year"), values.get("date")
    if year is not None and day is not None and day.year != year:
        return {"date": _("The date must fall in the training year (%(year)s).") % {"year": year}}
    return {}


register(Kind(
    name="programs",
    model=CooperativeProgram,
    columns=[
        Column("code", Text()),
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("name_zh", Text()),
        Column("name_en", Text()),
        Column("level", Choice(CooperativeProgram.Level)),
        Column("form", Choice(CooperativeProgram.Form)),
        Column("status", Choice(CooperativeProgram.Status)),
        Column("approval_no", Text()),
        Column("approved_on", Date()),
        Column("expires_on", Date()),
    ],
    key=("code",),
    faculty="faculty",
    year=lambda program: program.approved_on.year if program.approved_on else None,
    checks=[ordered("approved_on", "expires_on")],
    workflow=ImportWorkflow("status", initial=CooperativeProgram.Status.PROPOSED),
))


def programs_imported(sender, user=None, **kwargs) -> None:
    status_history_sync(by=user)


records_imported.connect(programs_imported, sender=CooperativeProgram, dispatch_uid="program-status-history:imported")

register(Kind(
    name="program_trainings",
    model=ProgramTeacherTraining,
    columns=[
        Column("program", ForeignKey(CooperativeProgram, "code", only=("faculty_id",))),
        Column("year", Integer(min_value=1990, max_value=2100)),
        Column("date", Date()),
        Column("title", Text()),
        Column("participants", Integer(min_value=0)),
    ],
    key=("program", "year", "title"),
    faculty="program",
    year="year",
    checks=[date_in_year],
))
