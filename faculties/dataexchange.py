"""The faculties' record kinds in the import/export registry (see ``dataexchange.registry``)."""

from dataexchange.columns import Choice, Column, Date, ForeignKey, Integer, Text
from dataexchange.registry import ImportWorkflow, Kind, ordered, register
from faculties.models import Faculty, FacultyYear, InternationalizationPlan

register(Kind(
    name="faculties",
    model=Faculty,
    columns=[
        Column("code", Text()),
        Column("name_zh", Text()),
        Column("name_en", Text()),
        Column("foreign_site_url", Text()),
        Column("foreign_site_updated_on", Date()),
    ],
    key=("code",),
))

register(Kind(
    name="faculty_years",
    model=FacultyYear,
    columns=[
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("year", Integer(min_value=1990, max_value=2100)),
        Column("teachers", Integer(min_value=0)),
        Column("students", Integer(min_value=0)),
    ],
    key=("faculty", "year"),
    faculty="faculty",
    year="year",
))

# Plans: the office imports them (faculty=None); everyone exports what they may see.  A status
# the import sets is recorded as a workflow step (``workflow``).  An approved plan is read-only,
# so a row that would change one is refused like any other edit.
register(Kind(
    name="plans",
    model=InternationalizationPlan,
    columns=[
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("first_year", Integer(min_value=1990, max_value=2100)),
        Column("last_year", Integer(min_value=1990, max_value=2100)),
        Column("title", Text()),
        Column("status", Choice(InternationalizationPlan.Status)),
    ],
    key=("faculty", "first_year", "title"),
    checks=[ordered("first_year", "last_year")],
    year="first_year",
    workflow=ImportWorkflow("status", initial=InternationalizationPlan.Status.DRAFT),
))
