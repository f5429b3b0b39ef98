"""The exchanges' record kinds in the import/export registry (see ``dataexchange.registry``)."""

from dataexchange.columns import Choice, Column, Country, Date, Decimal, ForeignKey, Integer, ManyToMany, Text
from dataexchange.registry import Kind, not_more_than, ordered, register
from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution
from faculties.models import Faculty
from staff.models import StaffMember

register(Kind(
    name="partners",
    model=PartnerInstitution,
    columns=[
        Column("name", Text()),
        Column("name_en", Text()),
        Column("name_zh", Text()),
        Column("country", Country()),
        Column("kind", Choice(PartnerInstitution.Kind)),
        Column("website", Text()),
    ],
    key=("name",),
))

register(Kind(
    name="agreements",
    model=Agreement,
    columns=[
        Column("partner", ForeignKey(PartnerInstitution, "name")),
        Column("faculties", ManyToMany(Faculty, "code")),
        Column("kind", Choice(Agreement.Kind)),
        Column("title", Text()),
        Column("signed_on", Date()),
        Column("starts_on", Date()),
        Column("ends_on", Date()),
        Column("status", Choice(Agreement.Status)),
    ],
    key=("partner", "title", "starts_on"),
    faculty="faculties",
    checks=[ordered("starts_on", "ends_on"), ordered("signed_on", "ends_on")],
))

register(Kind(
    name="funding_schemes",
    model=FundingScheme,
    columns=[
        Column("name", Text()),
        Column("year", Integer(min_value=1990, max_value=2100)),
        Column("budget", Decimal(min_value=0)),
    ],
    key=("name",),
    year="year",
))

register(Kind(
    name="mobilities",
    model=Mobility,
    columns=[
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("direction", Choice(Mobility.Direction)),
        Column("person_kind", Choice(Mobility.PersonKind)),
        Column("person_name", Text()),
        Column("person_id", Text()),
        Column("staff_no", ForeignKey(StaffMember, "staff_no", only=("faculty_id",)), field="staff_member"),
        Column("partner", ForeignKey(PartnerInstitution, "name")),
        Column("country", Country()),
        Column("activity", Choice(Mobility.Activity)),
        Column("starts_on", Date()),
        Column("ends_on", Date()),
        Column("status", Choice(Mobility.Status)),
        Column("funding_scheme", ForeignKey(FundingScheme, "name")),
        Column("amount", Decimal(min_value=0)),
    ],
    key=("faculty", "person_id", "activity", "starts_on"),
    faculty="faculty",
    year="starts_on",
    checks=[ordered("starts_on", "ends_on")],
))

register(Kind(
    name="events",
    model=Event,
    columns=[
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("kind", Choice(Event.Kind)),
        Column("title", Text()),
        Column("date", Date()),
        Column("participants_total", Integer(min_value=0)),
        Column("participants_foreign", Integer(min_value=0)),
    ],
    key=("faculty", "title", "date"),
    faculty="faculty",
    year="date",
    checks=[not_more_than("participants_foreign", "participants_total")],
))
