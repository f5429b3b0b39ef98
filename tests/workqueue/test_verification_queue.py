"""The office's list of evidence awaiting verification (issue 14), and where everybody sees a
record's verification state: its page and its kind's list.

The list shows every pending record of every verifiable kind, oldest entry first, with what
it changes; the office ticks items and verifies or rejects them in bulk, each at the version it
saw.  Texts are asserted in English (the office user's language): the Chinese wording is the
translators'.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Event, Mobility
from faculties.models import FacultyYear, SiteUpdate
from intlportal.models import Verification
from intlportal.verification import counted, save_change, verifiable_models
from programs.models import ProgramTeacherTraining
from staff.models import LanguageAssessment, Publication, StaffMember, TeachingAssignment
from tests.factories import (
    EventFactory,
    FacultyYearFactory,
    LanguageAssessmentFactory,
    MobilityFactory,
    PartnerFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
)
from workqueue import views

pytestmark = pytest.mark.django_db
URL = "/work-queue/verification/"


# Each verifiable kind: how to make a verified record of a faculty (the n-th), and a change a
# coordinator may propose to it (values, and many-to-many values).
KINDS = {
    FacultyYear: (lambda faculty, n: FacultyYearFactory(faculty=faculty, year=2001 + n),
                  lambda: ({"teachers": 40}, None)),
    SiteUpdate: (lambda faculty, n: SiteUpdateFactory(faculty=faculty),
                 lambda: ({"note": "Only the home page"}, None)),
    StaffMember: (lambda faculty, n: StaffMemberFactory(faculty=faculty),
                  lambda: ({"has_overseas_degree": True}, None)),
    TeachingAssignment: (lambda faculty, n: TeachingAssignmentFactory(staff_member__faculty=faculty),
                         lambda: ({"hours": 64}, None)),
    LanguageAssessment: (lambda faculty, n: LanguageAssessmentFactory(staff_member__faculty=faculty),
                         lambda: ({"score": Decimal("91.50")}, None)),
    Publication: (lambda faculty, n: PublicationFactory(staff_member__faculty=faculty),
                  lambda: ({"journal": "Comparative Education Review"}, None)),
    Mobility: (lambda faculty, n: MobilityFactory(faculty=faculty),
               lambda: ({"partner": PartnerFactory()}, None)),
    Event: (lambda faculty, n: EventFactory(faculty=faculty),
            lambda: ({"participants_total": 120}, {"partners": [PartnerFactory()]})),
    ProgramTeacherTraining: (lambda faculty, n: ProgramTeacherTrainingFactory(program__faculty=faculty),
                             lambda: ({"participants": 30}, None)),
}
ORDER = list(KINDS)


def test_every_verifiable_kind_is_covered_here():
    assert set(KINDS) == set(verifiable_models()), "a new verifiable kind needs a row in KINDS"


def entered(model, faculty, by, n: int = 0):
    """A record as a coordinator enters it: pending, never verified, its history crediting them."""
    obj = KINDS[model][0](faculty, n)
    type(obj)._default_manager.filter(pk=obj.pk).update(verification=Verification.PENDING, verified_at=None)
    obj.history.update(history_user=by)
    obj.refresh_from_db()
    return obj


def proposed(model, faculty, by, n: int = 0):
    """A verified record, and a coordinator's change to it staged (``save_change``)."""
    obj = KINDS[model][0](faculty, n)
    values, many = KINDS[model][1]()
    for name, value in values.items():
        setattr(obj, name, value)
    return save_change(obj, by=by, expected_version=obj.version, many=many)


def make(n: int, faculty, by, start: int = 0):
    """``n`` items, the kinds in turn, new records and proposed changes alternating by round."""
    return [(entered if (i // len(ORDER)) % 2 == 0 else proposed)(ORDER[i % len(ORDER)], faculty, by, start + i)
            for i in range(n)]


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def office_client(office_client, office):
    office.language = "en"
    office.save()
    return office_client


# --- who may open it ---------------------------------------------------------------------------


def test_the_url_name():
    assert reverse("workqueue:verification") == URL


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 403), ("coord_a", 403), ("coord_b", 403)])
def test_only_the_office_verifies(personas, who, status, faculty_a, coord_a):
    item = entered(FacultyYear, faculty_a, coord_a)
    assert personas[who].get(URL).status_code == status
    token = f"faculties.facultyyear:{item.pk}:{item.version}"
    response = personas[who].post(URL, {"item": token, "action": "verify"})
    assert response.status_code == (302 if who == "office" else 403)
    item.refresh_from_db()
    assert (item.verified_at is not None) == (who == "office")


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


# --- what it lists -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ORDER, ids=[m.__name__ for m in ORDER])
def test_every_kind_is_listed_when_pending_and_only_then(model, office_client, faculty_a, coord_a):
    new = entered(model, faculty_a, coord_a, 1)
    change = proposed(model, faculty_a, coord_a, 2)
    settled = KINDS[model][0](faculty_a, 3)
    rejected = entered(model, faculty_a, coord_a, 4)
    type(rejected)._default_manager.filter(pk=rejected.pk).update(verification=Verification.REJECTED)
    tokens = {item.token for item in office_client.get(URL).context["items"]}
    label = model._meta.label_lower
    assert tokens == {f"{label}:{new.pk}:{new.version}", f"{label}:{change.pk}:{change.version}"}
    assert settled.pk not in {new.pk, change.pk}


def test_oldest_entry_first_whatever_the_kind(office_client, faculty_a, coord_a):
    now = timezone.now()
    newest = entered(Mobility, faculty_a, coord_a)
    oldest = proposed(FacultyYear, faculty_a, coord_a)
    middle = entered(Publication, faculty_a, coord_a)
    Mobility.objects.filter(pk=newest.pk).update(updated_at=now - datetime.timedelta(hours=1))
    FacultyYear.objects.filter(pk=oldest.pk).update(staged_at=now - datetime.timedelta(days=3))
    Publication.objects.filter(pk=middle.pk).update(updated_at=now - datetime.timedelta(days=1))
    records = [item.record for item in office_client.get(URL).context["items"]]
    assert records == [oldest, middle, newest]


def test_a_change_shows_old_and_new_values_with_names_for_related_records(office_client, faculty_a, coord_a):
    year = proposed(FacultyYear, faculty_a, coord_a)
    mobility = MobilityFactory(faculty=faculty_a, partner=PartnerFactory(name="Old Partner University"))
    mobility.partner = PartnerFactory(name="New Partner University")
    save_change(mobility, by=coord_a, expected_version=mobility.version)
    event = EventFactory(faculty=faculty_a, title="Summer forum")
    event.partners.set([PartnerFactory(name="Kept Partner University")])
    save_change(event, by=coord_a, expected_version=event.version,
                many={"partners": [PartnerFactory(name="Added Partner University")]})
    response = office_client.get(URL)
    items = {type(item.record): item for item in response.context["items"]}
    assert [(c.field, c.old, c.new) for c in items[FacultyYear].changes] == [("teachers", "100", "40")]
    assert [(c.old, c.new) for c in items[Mobility].changes] == [("Old Partner University", "New Partner University")]
    assert [(c.old, c.new) for c in items[Event].changes] == [("Kept Partner University", "Added Partner University")]
    assert items[FacultyYear].entered_by == coord_a and items[FacultyYear].faculty == faculty_a
    body = response.content.decode()
    assert "<del>Old Partner University</del> → <ins>New Partner University</ins>" in body
    assert year.get_absolute_url() in body


def test_a_new_record_shows_its_main_values_and_who_entered_it(office_client, faculty_a, coord_a):
    entered(Publication, faculty_a, coord_a)
    Publication.objects.update(title="Mobility and rankings", journal="Higher Education")
    item = office_client.get(URL).context["items"][0]
    assert item.is_new and item.changes == [] and item.entered_by == coord_a
    values = dict(item.values)
    assert values["title"] == "Mobility and rankings" and values["journal"] == "Higher Education"


def test_filters_by_faculty_kind_and_who_entered(office_client, faculty_a, faculty_b, coord_a, coord_b):
    a_year = proposed(FacultyYear, faculty_a, coord_a)
    a_event = entered(Event, faculty_a, coord_a)
    b_year = proposed(FacultyYear, faculty_b, coord_b, 1)

    def shown(**query):
        return {item.record for item in office_client.get(URL, query).context["items"]}

    assert shown() == {a_year, a_event, b_year}
    assert shown(faculty=faculty_a.pk) == {a_year, a_event}
    assert shown(kind="faculties.facultyyear") == {a_year, b_year}
    assert shown(entered_by=coord_b.pk) == {b_year}
    assert shown(entered_by=coord_a.pk, kind="exchanges.event") == {a_event}


def test_fifty_items_a_page(office_client, faculty_a, coord_a):
    make(52, faculty_a, coord_a)
    first = office_client.get(URL).context
    assert len(first["items"]) == views.TO_VERIFY_PER_PAGE == 50 and first["paginator"].count == 52
    assert len(office_client.get(URL, {"page": 2}).context["items"]) == 2


def test_the_number_of_queries_does_not_grow_with_the_items(office_client, faculty_a, coord_a,
                                                            django_assert_max_num_queries):
    make(18, faculty_a, coord_a)  # every kind, new and changed
    with CaptureQueriesContext(connection) as few:
        assert len(office_client.get(URL).context["items"]) == 18
    make(45, faculty_a, coord_a, start=18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(office_client.get(URL).context["items"]) == 50


def test_the_empty_list_says_where_entries_come_from(office_client):
    body = office_client.get(URL).content.decode()
    assert "Nothing awaits verification." in body and "When a coordinator enters a record" in body


# --- deciding ----------------------------------------------------------------------------------------


def token(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}:{obj.version}"


def test_verify_selected_makes_the_entries_count(office_client, office, faculty_a, coord_a):
    year = proposed(FacultyYear, faculty_a, coord_a)
    mobility = entered(Mobility, faculty_a, coord_a)
    untouched = entered(Event, faculty_a, coord_a)
    filtered = f"{URL}?faculty={faculty_a.pk}"
    response = office_client.post(filtered, {"item": [token(year), token(mobility)], "action": "verify"})
    assert response.status_code == 302 and response["Location"] == filtered
    assert texts(response) == ["2 entries verified: they count in the assessment from now on."]
    year.refresh_from_db()
    assert (year.teachers, year.verification, year.staged, year.verified_by) == (40, "verified", {}, office)
    assert Mobility.objects.filter(counted(), pk=mobility.pk).exists()
    untouched.refresh_from_db()
    assert untouched.verification == "pending" and untouched.verified_at is None


def test_an_item_changed_since_the_page_opened_stays_pending_and_the_rest_goes_through(office_client, faculty_a,
                                                                                        coord_a):
    year = proposed(FacultyYear, faculty_a, coord_a)
    publication = entered(Publication, faculty_a, coord_a)
    seen = [token(year), token(publication)]
    year.teachers = 35  # the coordinator changes the proposal after the office opened the page
    save_change(year, by=coord_a, expected_version=year.version)
    response = office_client.post(URL, {"item": seen, "action": "verify"})
    messages = texts(response)
    assert messages[:2] == ["1 entry verified: it counts in the assessment from now on.",
                            "1 entry was not decided and stays as it was:"]
    assert "changed since you opened the page" in messages[2] and str(year) in messages[2]
    year.refresh_from_db()
    assert (year.teachers, year.verification, year.staged) == (100, "pending", {"teachers": 35})
    publication.refresh_from_db()
    assert publication.verified_at is not None


def test_a_proposal_that_is_invalid_once_applied_is_refused_with_the_reason(office_client, faculty_a, coord_a):
    event = EventFactory(faculty=faculty_a, participants_total=80, participants_foreign=5)
    event.participants_foreign = 500  # more foreign participants than participants: the check refuses it
    event = save_change(event, by=coord_a, expected_version=event.version)
    response = office_client.post(URL, {"item": token(event), "action": "verify"})
    summary, message = texts(response)
    assert summary == "1 entry was not decided and stays as it was:"
    assert "cannot be verified" in message and str(event) in message
    event.refresh_from_db()
    assert (event.participants_foreign, event.verification) == (5, "pending")


def test_a_token_that_names_no_listed_kind_is_refused(office_client, faculty_a, coord_a):
    response = office_client.post(URL, {"item": ["auth.user:1:1", "garbage"], "action": "verify"})
    messages = texts(response)
    assert messages[0] == "2 entries were not decided and stay as they were:"
    assert len([m for m in messages if "is not an item of the list" in m]) == 2


def test_nothing_ticked_decides_nothing(office_client, faculty_a, coord_a):
    item = entered(Mobility, faculty_a, coord_a)
    response = office_client.post(URL, {"action": "verify"})
    assert response.status_code == 200 and "tick the items first" in texts(response)[0]
    item.refresh_from_db()
    assert item.verification == "pending"


def test_rejecting_needs_a_comment_and_keeps_the_selection(office_client, faculty_a, coord_a):
    chosen = proposed(FacultyYear, faculty_a, coord_a)
    other = entered(Mobility, faculty_a, coord_a)
    response = office_client.post(URL, {"item": [token(chosen)], "action": "reject", "comment": "  ",
                                        "confirmed": "1"})
    assert response.status_code == 200
    assert "write in the comment what is wrong" in texts(response)[0]
    ticked = dict(re.findall(r'name="item" value="([^"]+)" id="item-\d+"( checked)?>', response.content.decode()))
    assert ticked == {token(chosen): " checked", token(other): ""}
    chosen.refresh_from_db()
    assert chosen.verification == "pending"


def test_rejecting_without_the_script_asks_for_confirmation_first(office_client, faculty_a, coord_a):
    year = proposed(FacultyYear, faculty_a, coord_a)
    asked = office_client.post(URL, {"item": [token(year)], "action": "reject", "comment": "Payroll says 104."})
    assert asked.status_code == 200 and asked.templates[0].name == "workqueue/verification_reject.html"
    body = asked.content.decode()
    assert str(year) in body and "Payroll says 104." in body and 'name="confirmed" value="1"' in body
    year.refresh_from_db()
    assert year.verification == "pending"
    done = office_client.post(URL, {"item": [token(year)], "action": "reject", "comment": "Payroll says 104.",
                                    "confirmed": "1"})
    assert texts(done) == ["1 entry rejected: whoever entered it is notified with your comment."]
    year.refresh_from_db()
    assert (year.teachers, year.verification, year.review_comment) == (100, "rejected", "Payroll says 104.")
    assert year.staged == {"teachers": 40}  # the coordinator sees what was refused


def test_the_page_script_asks_before_rejecting(office_client, faculty_a, coord_a):
    entered(Mobility, faculty_a, coord_a)
    body = office_client.get(URL).content.decode()
    assert 'value="reject"' in body and 'data-confirm="Reject the selected entries?' in body
    assert 'data-confirmed="confirmed"' in body and 'data-select-all="item"' in body


def test_select_all_without_the_script(office_client, faculty_a, coord_a):
    make(3, faculty_a, coord_a)
    body = office_client.get(URL, {"select": "all"}).content.decode()
    assert body.count('name="item"') == 3 == body.count(" checked>")
    assert office_client.get(URL).content.decode().count(" checked>") == 0


# --- the work queue's section --------------------------------------------------------------------------


def test_the_work_queue_counts_the_evidence_to_verify_and_links_to_the_list(office_client, faculty_a, coord_a):
    item = entered(Mobility, faculty_a, coord_a)
    response = office_client.get(reverse("workqueue:index"))
    [section] = [s for s in response.context["sections"] if s.key == "verification"]
    assert section.total == 1 and section.items[0].url == item.get_absolute_url()
    assert f'href="{URL}"' in response.content.decode()


def test_the_work_queue_section_runs_the_same_queries_for_few_items_and_many(office_client, faculty_a, coord_a,
                                                                            django_assert_max_num_queries):
    make(18, faculty_a, coord_a)
    with CaptureQueriesContext(connection) as few:
        office_client.get(reverse("workqueue:index"))
    make(27, faculty_a, coord_a, start=18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = office_client.get(reverse("workqueue:index"))
    [section] = [s for s in response.context["sections"] if s.key == "verification"]
    assert section.total == 45 and len(section.items) == views.SHOWN


# --- where the state is seen: the record's page and its kind's list -------------------------------------


def test_the_record_page_shows_the_proposal_beside_the_verified_value(coord_a_client, coord_a, faculty_a):
    coord_a.language = "en"
    coord_a.save()
    year = proposed(FacultyYear, faculty_a, coord_a)
    body = coord_a_client.get(year.get_absolute_url()).content.decode()
    assert "Change awaiting verification" in body
    assert "<td>100</td><td>40</td>" in body


def test_the_record_page_shows_the_offices_comment_on_a_rejection(coord_a_client, coord_a, office_client, faculty_a):
    coord_a.language = "en"
    coord_a.save()
    year = proposed(FacultyYear, faculty_a, coord_a)
    office_client.post(URL, {"item": [token(year)], "action": "reject", "comment": "Payroll says 104.",
                             "confirmed": "1"})
    body = coord_a_client.get(year.get_absolute_url()).content.decode()
    assert "Payroll says 104." in body and "which the office did not accept" in body


def test_a_never_verified_record_says_it_counts_nothing_yet(coord_a_client, coord_a, faculty_a):
    coord_a.language = "en"
    coord_a.save()
    mobility = entered(Mobility, faculty_a, coord_a)
    body = coord_a_client.get(mobility.get_absolute_url()).content.decode()
    assert "Not yet verified: this record counts in no assessment" in body


def test_the_lists_of_verifiable_kinds_show_the_state_of_each_row(office_client, faculty_a, coord_a):
    entered(Mobility, faculty_a, coord_a)
    MobilityFactory(faculty=faculty_a)
    body = office_client.get(reverse("exchanges:mobility-list")).content.decode()
    assert '<th scope="col">Verification</th>' in body
    assert body.count('<span class="badge text-bg-warning">Awaiting verification</span>') == 1
    assert body.count('<span class="badge text-bg-success">Verified</span>') == 1
    # A kind the office does not verify has no such column.
    assert '<th scope="col">Verification</th>' not in office_client.get(
        reverse("exchanges:partner-list")).content.decode()
