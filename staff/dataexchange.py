"""The staff record kinds in the import/export registry (see ``dataexchange.registry``).

Contracts are exported and imported with their salary and work permit by the office alone:
those columns are ``personal``, so anyone else's export leaves them out.

A staff import writes in bulk, without ``post_save``: its ``records_imported`` brings the
staff members' dated standings (category, overseas degree) up to the rows it wrote, as
``staff.receivers`` does for a single save.
"""

from dataexchange.columns import Bool, Choice, Column, Country, Date, Decimal, ForeignKey, Integer, Text
from dataexchange.registry import Kind, ordered, register
from dataexchange.signals import records_imported
from faculties.models import Faculty
from staff.models import (
    SEMESTER_RE,
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
)
from staff.services import standings_sync


def _staff_no():
    # The staff member's faculty decides whether a coordinator may import the row.
    return ForeignKey(StaffMember, "staff_no", only=("faculty_id",))


def semester_year(assignment: TeachingAssignment) -> int | None:
    """The calendar year a semester falls in: autumn in its first year, spring in its second."""
    match = SEMESTER_RE.match(assignment.semester)
    if not match:
        return None
    start, end, term = match.groups()
    return int(start) if term == "1" else int(end)


register(Kind(
    name="staff",
    model=StaffMember,
    columns=[
        Column("staff_no", Text()),
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("name", Text()),
        Column("nationality", Country()),
        Column("category", Choice(StaffMember.Category)),
        Column("title", Choice(StaffMember.Title)),
        Column("hired_on", Date()),
        Column("left_on", Date()),
        Column("has_overseas_degree", Bool()),
    ],
    key=("staff_no",),
    faculty="faculty",
    year=lambda member: (member.left_on or member.hired_on).year if (member.left_on or member.hired_on) else None,
    checks=[ordered("hired_on", "left_on")],
))


def staff_imported(sender, **kwargs) -> None:
    standings_sync()


records_imported.connect(staff_imported, sender=StaffMember, dispatch_uid="staff-standings:imported")

register(Kind(
    name="contracts",
    model=ForeignTeacherContract,
    columns=[
        Column("staff_no", _staff_no(), field="staff_member"),
        Column("category", Choice(ForeignTeacherContract.Category)),
        Column("starts_on", Date()),
        Column("ends_on", Date()),
        Column("status", Choice(ForeignTeacherContract.Status)),
        Column("salary", Decimal(min_value=0), personal=True),
        Column("work_permit_no", Text(), personal=True),
        Column("work_permit_expires_on", Date(), personal=True),
    ],
    key=("staff_no", "starts_on"),
    faculty="staff_no",
    checks=[ordered("starts_on", "ends_on")],
))

register(Kind(
    name="teaching_assignments",
    model=TeachingAssignment,
    columns=[
        Column("staff_no", _staff_no(), field="staff_member"),
        Column("semester", Text()),
        Column("course", Text()),
        Column("hours", Integer(min_value=1)),
        Column("context", Choice(TeachingAssignment.Context)),
    ],
    key=("staff_no", "semester", "course"),
    faculty="staff_no",
    year=semester_year,
))

register(Kind(
    name="language_assessments",
    model=LanguageAssessment,
    columns=[
        Column("staff_no", _staff_no(), field="staff_member"),
        Column("date", Date()),
        Column("language", Text()),
        Column("result", Choice(LanguageAssessment.Result)),
        Column("score", Decimal(min_value=0)),
    ],
    key=("staff_no", "date", "language"),
    faculty="staff_no",
    year="date",
))

register(Kind(
    name="publications",
    model=Publication,
    columns=[
        Column("staff_no", _staff_no(), field="staff_member"),
        Column("year", Integer(min_value=1990, max_value=2100)),
        Column("title", Text()),
        Column("journal", Text()),
        Column("is_international", Bool()),
        Column("doi", Text()),
    ],
    key=("staff_no", "year", "title"),
    faculty="staff_no",
    year="year",
))
