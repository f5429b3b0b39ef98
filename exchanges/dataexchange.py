"""The exchanges' record kinds in the import/export registry (see ``dataexchange.registry``).

An agreement's row follows the form's rule (``Agreement.clean``): a terminated agreement
gives its termination date, not before it starts nor in the future; any other status has none.

Mobilities follow their workflow (only the office imports a state other than "planned") and
their funding: the file's rows must fit the schemes' budgets, each row and all of them
together, as the form's ``exchanges.services.check_funding`` requires of one mobility.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _

from dataexchange.columns import Choice, Column, Country, Date, Decimal, ForeignKey, Integer, ManyToMany, Text
from dataexchange.registry import ImportWorkflow, Kind, PlannedRow, not_more_than, ordered, register, same_faculty
from exchanges.models import COMMITTED_STATES, Agreement, Event, FundingScheme, Mobility, PartnerInstitution
from exchanges.services import overspend_message
from faculties.models import Faculty
from staff.models import StaffMember

FUNDED_STATES = (*COMMITTED_STATES, Mobility.Status.COMPLETED)


def funding_within_budget(rows: Sequence[PlannedRow]) -> dict[int, dict[str | None, str]]:
    """Refuse the rows whose amounts would take a funding scheme past its budget.

    The rows are taken in file order; each must fit what is left once the database's other
    mobilities and the file's earlier rows are counted.  A row that changes a mobility
    replaces its old amount.  Runs inside the import's write transaction and locks the
    schemes' rows, as ``check_funding`` does, so a form saved meanwhile waits for the import.
    """
    funded = [row for row in rows if row.record.funding_scheme_id and row.record.amount
              and row.record.status in FUNDED_STATES]
    if not funded:
        return {}
    ids = sorted({row.record.funding_scheme_id for row in funded})
    schemes = {scheme.pk: scheme for scheme in FundingScheme.objects.select_for_update().filter(pk__in=ids)
               .order_by("pk")}
    in_file = {row.record.pk for row in rows if row.record.pk is not None}
    committed: dict[int, decimal.Decimal] = defaultdict(decimal.Decimal)
    spent: dict[int, decimal.Decimal] = defaultdict(decimal.Decimal)
    others = (Mobility.objects.filter(funding_scheme_id__in=ids, status__in=FUNDED_STATES, amount__isnull=False)
              .values_list("pk", "funding_scheme_id", "status", "amount"))
    for pk, scheme_id, status, amount in others.iterator():
        if pk not in in_file:
            (spent if status == Mobility.Status.COMPLETED else committed)[scheme_id] += amount
    stored = {scheme_id: committed[scheme_id] + spent[scheme_id] for scheme_id in ids}
    errors: dict[int, dict[str | None, str]] = {}
    for row in funded:
        mobility, scheme = row.record, schemes[row.record.funding_scheme_id]
        available = scheme.budget - committed[scheme.pk] - spent[scheme.pk]
        if mobility.amount <= available:
            (spent if mobility.status == Mobility.Status.COMPLETED else committed)[scheme.pk] += mobility.amount
            continue
        message = overspend_message(scheme, mobility.amount, committed=committed[scheme.pk], spent=spent[scheme.pk])
        earlier = committed[scheme.pk] + spent[scheme.pk] - stored[scheme.pk]
        if earlier:
            message += " " + _("Earlier rows of this file take %(earlier)s yuan of it.") % {"earlier": earlier}
        errors[row.number] = {"amount": message}
    return errors


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
        # Added with issue 14: files kept from before need not have it.
        Column("terminated_on", Date(), optional=True),
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
    checks=[ordered("starts_on", "ends_on"), same_faculty("staff_no", "faculty")],
    # Others than the office create planned rows only: submitting for approval is a step of its
    # own, taken on the mobility's page, not a state to import.
    workflow=ImportWorkflow("status", initial=Mobility.Status.PLANNED),
    batch_checks=[funding_within_budget],
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
