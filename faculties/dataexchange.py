"""The faculties' record kinds in the import/export registry (see ``dataexchange.registry``).

A faculty's last website update is not a column of the faculties: it is the website update
log's ("site_updates"), whose import refreshes the faculties' copy of it on
``records_imported`` (bulk writes send no ``post_save``).
"""

from dataexchange.columns import Choice, Column, Date, ForeignKey, Integer, Text
from dataexchange.registry import ImportWorkflow, Kind, ordered, register
from dataexchange.signals import records_imported
from faculties.models import Faculty, FacultyYear, InternationalizationPlan, SiteUpdate
from faculties.services import site_updated_on_refresh

register(Kind(
    name="faculties",
    model=Faculty,
    columns=[
        Column("code", Text()),
        Column("name_zh", Text()),
        Column("name_en", Text()),
        Column("foreign_site_url", Text()),
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

register(Kind(
    name="site_updates",
    model=SiteUpdate,
    columns=[
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("updated_on", Date()),
        Column("url", Text()),
        Column("note", Text()),
    ],
    key=("faculty", "updated_on"),
    faculty="faculty",
    year="updated_on",
))


def site_updates_imported(sender, **kwargs) -> None:
    site_updated_on_refresh()


records_imported.connect(site_updates_imported, sender=SiteUpdate, dispatch_uid="site-update-copy:imported")

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
