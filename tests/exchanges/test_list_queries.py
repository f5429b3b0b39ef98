"""The number of SQL queries a list page runs does not grow with its rows."""

import pytest
from django.urls import reverse

from tests.factories import (
    AgreementFactory,
    EventFactory,
    FundingSchemeFactory,
    MobilityFactory,
    PartnerFactory,
    StaffMemberFactory,
    StudentLanguageTestFactory,
)


def make_rows(kind, n, faculty):
    partners = [PartnerFactory() for _ in range(2)]
    scheme = FundingSchemeFactory()
    for i in range(n):
        if kind == "partner":
            PartnerFactory()
        elif kind == "agreement":
            AgreementFactory(partner=partners[i % 2], faculties=[faculty])
        elif kind == "fundingscheme":
            MobilityFactory(faculty=faculty, funding_scheme=FundingSchemeFactory(), amount=100)
        elif kind == "mobility":
            MobilityFactory(faculty=faculty, partner=partners[i % 2], funding_scheme=scheme, amount=10,
                            staff_member=StaffMemberFactory(faculty=faculty))
        elif kind == "event":
            EventFactory(faculty=faculty).partners.set(partners)
        elif kind == "languagetest":
            StudentLanguageTestFactory(faculty=faculty)


# Every list page, signed in as the office, runs these queries whatever the number of rows:
#   1 session, 2 user, 3 the user's roles (groups), 4 the row count (paginator),
#   5 the unread-notification count of the navigation bar, and finally the page of rows
#   (with its partner, faculty, staff member and funding scheme joined in).
# Each list adds what its filters and columns need, once per page:
BASE = 6
EXTRA = {
    "partner": 0,        # no faculty filter; country choices are not queries
    "agreement": 3,      # faculty choices of the filter, the "expiring within 90 days" count,
                         # the faculties of the page's agreements (one prefetch)
    "fundingscheme": 0,  # committed and spent are annotated on the page query
    "mobility": 2,       # faculty choices and funding-scheme choices of the filter
    "event": 2,          # faculty choices of the filter, the partners of the page's events (prefetch)
    "languagetest": 1,   # faculty choices of the filter
}


@pytest.mark.parametrize("kind", list(EXTRA))
def test_list_query_count_does_not_depend_on_the_number_of_rows(office_client, faculty_a, kind,
                                                                 django_assert_num_queries):
    url = reverse(f"exchanges:{kind}-list")
    make_rows(kind, 1, faculty_a)
    with django_assert_num_queries(BASE + EXTRA[kind]):
        assert office_client.get(url).status_code == 200
    make_rows(kind, 29, faculty_a)
    with django_assert_num_queries(BASE + EXTRA[kind]):
        response = office_client.get(url)
    assert len(response.context["object_list"]) == 25  # a full page was rendered


def test_a_coordinator_list_adds_only_the_lookup_of_their_faculties(coord_a_client, faculty_a,
                                                                    django_assert_num_queries):
    make_rows("mobility", 30, faculty_a)
    # The office's queries for this list, plus the coordinator's faculty memberships.
    with django_assert_num_queries(BASE + EXTRA["mobility"] + 1):
        response = coord_a_client.get(reverse("exchanges:mobility-list"))
    assert len(response.context["object_list"]) == 25
