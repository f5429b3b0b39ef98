"""The faculties' record kinds in the import/export registry (see ``dataexchange.registry``)."""

from dataexchange.columns import Column, Date, ForeignKey, Integer, Text
from dataexchange.registry import Kind, register
from faculties.models import Faculty, FacultyYear

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
