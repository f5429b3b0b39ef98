"""The registry's pages (the office's alone), the trip page's panel, the block and its lift on the
pages, and the rule that a document's number shows on the office's pages only."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from notifications.reminders import send_due_reminders
from tests.factories import StaffMemberFactory, TravelDocumentFactory, TripFactory, TripMemberFactory
from trips import passports
from trips import urls as trip_urls
from trips.models import SubmissionBlockLift, TravelDocument, Trip

pytestmark = pytest.mark.django_db
C = TravelDocument.Custody
S = Trip.Status
NUMBER = "SE7654321"


def today() -> datetime.date:
    return timezone.localdate()


def ahead(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def holder(faculty_a):
    return StaffMemberFactory(faculty=faculty_a, name="陈静")


@pytest.fixture
def trip(faculty_a, holder):
    trip = TripFactory(faculty=faculty_a, status=S.CLEARED, departs_on=ahead(10), returns_on=ahead(17))
    TripMemberFactory(trip=trip, staff_member=holder)
    return trip


@pytest.fixture
def document(holder):
    return TravelDocumentFactory(holder=holder, number=NUMBER, expires_on=ahead(2000))


@pytest.fixture
def lent(office, document, trip):
    return passports.lend(document=document, trip=trip, by=office)


def registry_urls(document, faculty) -> list[tuple[str, str]]:
    pk = [document.pk]
    return [("get", reverse("trips:passport-list")), ("get", reverse("trips:passport-create")),
            ("get", reverse("trips:passport-detail", args=pk)), ("get", reverse("trips:passport-edit", args=pk)),
            ("get", reverse("trips:passport-delete", args=pk)), ("post", reverse("trips:passport-lend", args=pk)),
            ("post", reverse("trips:passport-return", args=pk)), ("post", reverse("trips:passport-custody", args=pk)),
            ("post", reverse("trips:block-lift", args=[faculty.pk]))]


@pytest.mark.parametrize("who", ["leader", "coord_a", "coord_b"])
def test_the_registry_is_the_offices_alone(personas, who, document, faculty_a):
    client = personas[who]
    for method, url in registry_urls(document, faculty_a):
        assert getattr(client, method)(url).status_code == 403, url
    assert TravelDocument.objects.get(pk=document.pk).custody == C.IN_OFFICE
    assert not SubmissionBlockLift.objects.exists()


def test_another_faculty_cannot_see_the_trip_or_its_documents(coord_b_client, lent, trip):
    assert coord_b_client.get(trip.get_absolute_url()).status_code == 404
    assert coord_b_client.post(reverse("trips:passport-return", args=[lent.pk])).status_code == 403


def test_the_office_lists_filters_and_sorts_the_registry(english, office_client, holder, faculty_b, lent):
    other = TravelDocumentFactory(holder=StaffMemberFactory(faculty=faculty_b, name="赵磊"), kind="hk_macao",
                                  number="C12345678", expires_on=ahead(100))
    url = reverse("trips:passport-list")
    page = office_client.get(url)
    assert page.status_code == 200 and NUMBER in page.content.decode()
    assert "No faculty is blocked" in page.content.decode()

    def shown(query):
        return [d.pk for d in office_client.get(url + query).context["object_list"]]

    assert shown("?q=陈静") == [lent.pk]
    assert shown("?q=c1234") == [other.pk]
    assert shown(f"?faculty={faculty_b.pk}") == [other.pk]
    assert shown("?custody=lent") == [lent.pk]
    assert shown("?kind=hk_macao") == [other.pk]
    assert shown("?expiring=true") == [other.pk]
    assert shown("?due=true") == [other.pk]
    assert shown("?overdue=true") == []
    TravelDocument.objects.filter(pk=lent.pk).update(return_due_on=ahead(-1))
    assert shown("?overdue=true") == [lent.pk]
    assert shown("?sort=expires_on") == [other.pk, lent.pk]
    assert shown("?sort=-expires_on") == [lent.pk, other.pk]


@pytest.mark.parametrize("rows", [1, 20])
def test_the_registry_list_query_count_does_not_grow_with_rows(office_client, faculty_a, rows,
                                                                django_assert_max_num_queries):
    for n in range(rows):
        TravelDocumentFactory(holder=StaffMemberFactory(faculty=faculty_a), number=f"E{n:08d}", kind="private")
    with django_assert_max_num_queries(12):
        response = office_client.get(reverse("trips:passport-list"))
    assert len(response.context["object_list"]) == rows


def test_the_office_registers_a_document_on_its_page(english, office_client, holder):
    url = reverse("trips:passport-create") + f"?holder={holder.pk}"
    assert office_client.get(url).context["form"].initial["holder"] == str(holder.pk)
    data = {"holder": holder.pk, "kind": "official", "number": "se 123 4567", "issued_on": ahead(-10),
            "expires_on": ahead(-20)}
    response = office_client.post(url, data)
    assert "The expiry date must be after the date of issue." in response.content.decode()
    response = office_client.post(url, {**data, "expires_on": ahead(3000)})
    document = TravelDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.number == "SE1234567" and document.custody_log.count() == 1


def test_a_stale_edit_is_refused_on_the_page(english, office_client, office, document):
    read = document.version
    passports.mark(document=document, custody=C.CANCELLED, by=office, note="遗失")
    response = office_client.post(reverse("trips:passport-edit", args=[document.pk]), {
        "holder": document.holder_id, "kind": "official", "number": NUMBER, "issued_on": document.issued_on,
        "expires_on": ahead(999), "version": read})
    assert response.status_code == 200 and "saved this record after you opened it" in response.content.decode()
    assert TravelDocument.objects.get(pk=document.pk).expires_on == document.expires_on


def test_the_office_lends_from_the_trip_page_and_records_the_return(english, office_client, document, trip):
    page = office_client.get(trip.get_absolute_url()).content.decode()
    assert NUMBER in page and reverse("trips:passport-lend", args=[document.pk]) in page
    response = office_client.post(reverse("trips:passport-lend", args=[document.pk]), {
        "trip": trip.pk, "on": today(), "version": document.version, "next": trip.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == trip.get_absolute_url()
    document.refresh_from_db()
    assert document.custody == C.LENT and document.return_due_on == ahead(17 + 7)
    detail = office_client.get(document.get_absolute_url()).content.decode()
    assert 'id="h-custody-log"' in detail and trip.title in detail
    response = office_client.post(reverse("trips:passport-return", args=[document.pk]),
                                  {"on": today(), "version": document.version}, follow=True)
    assert "The return of the Official passport of 陈静 was recorded." in response.content.decode()
    assert TravelDocument.objects.get(pk=document.pk).custody == C.RETURNED


def test_a_refusal_is_shown_on_the_page(english, office_client, document, trip, faculty_a):
    draft = TripFactory(faculty=faculty_a)
    TripMemberFactory(trip=draft, staff_member=document.holder)
    response = office_client.post(reverse("trips:passport-lend", args=[document.pk]),
                                  {"trip": trip.pk, "on": today(), "version": document.version + 5}, follow=True)
    assert "Someone changed this travel document" in response.content.decode()
    response = office_client.post(reverse("trips:passport-custody", args=[document.pk]),
                                  {"custody": "expired", "on": today(), "version": document.version}, follow=True)
    assert "it can be marked expired from then on" in response.content.decode()
    assert TravelDocument.objects.get(pk=document.pk).custody == C.IN_OFFICE


def test_a_lent_document_is_not_deleted(english, office_client, lent):
    response = office_client.post(reverse("trips:passport-delete", args=[lent.pk]), follow=True)
    assert "A lent document cannot be deleted" in response.content.decode()
    assert TravelDocument.objects.filter(pk=lent.pk).exists()


@pytest.mark.parametrize("who", ["leader", "coord_a"])
def test_the_trip_page_shows_others_the_custody_and_due_date_never_the_number(english, personas, who, lent, trip):
    page = personas[who].get(trip.get_absolute_url()).content.decode()
    assert "Travel documents lent for this trip" in page
    assert "Lent for a trip" in page and lent.return_due_on.isoformat() in page
    assert NUMBER not in page and "passport-lend" not in page


def test_the_block_shows_on_the_trip_page_and_the_list_and_the_office_lifts_it(
        english, office, office_client, coord_a_client, lent, faculty_a):
    TravelDocument.objects.filter(pk=lent.pk).update(return_due_on=ahead(-3), return_reminders=2)
    draft = TripFactory(faculty=faculty_a)
    page = coord_a_client.get(draft.get_absolute_url()).content.decode()
    assert 'id="trip-block"' in page and "Official passport of 陈静" in page
    assert reverse("trips:block-lift", args=[faculty_a.pk]) not in page  # the coordinator cannot lift it
    office_page = office_client.get(draft.get_absolute_url()).content.decode()
    assert reverse("trips:block-lift", args=[faculty_a.pk]) in office_page
    listing = office_client.get(reverse("trips:passport-list")).content.decode()
    assert "Faculty A" in listing and reverse("trips:block-lift", args=[faculty_a.pk]) in listing
    response = office_client.post(reverse("trips:block-lift", args=[faculty_a.pk]), {"reason": "", "until": today()},
                                  follow=True)
    assert "This field is required." in response.content.decode()
    response = office_client.post(reverse("trips:block-lift", args=[faculty_a.pk]), {
        "reason": "持照人仍在外访问，已报备", "until": ahead(10), "next": draft.get_absolute_url()})
    assert response["Location"] == draft.get_absolute_url()
    assert passports.blocked_reasons(faculty_a) == []
    page = coord_a_client.get(draft.get_absolute_url()).content.decode()
    assert "持照人仍在外访问，已报备" in page


def _args_for(pattern: URLPattern, *, trip, document, faculty) -> list:
    """Arguments for any of the trips URL patterns: the trip, the document, the faculty or a member."""
    route = str(pattern.pattern)
    args = []
    for position, (kind, name) in enumerate(re.findall(r"<(\w+):(\w+)>", route)):
        if kind == "int" and position == 0:
            args.append({"passports": document.pk, "blocks": faculty.pk}.get(route.split("/")[0], trip.pk))
        elif kind == "int":
            args.append(trip.members.get().pk)
        else:
            args.append({"which": "letter", "kind": "member", "action": "submit"}.get(name, "x"))
    return args


@pytest.mark.parametrize("who", ["leader", "coord_a"])
def test_no_page_a_coordinator_or_a_leader_opens_shows_a_number(personas, who, office, lent, trip, faculty_a):
    TravelDocument.objects.filter(pk=lent.pk).update(return_due_on=ahead(-9))
    send_due_reminders(today())  # the coordinator's notification of the overdue return
    client = personas[who]
    opened = {}
    for pattern in trip_urls.urlpatterns:
        url = reverse(f"trips:{pattern.name}", args=_args_for(pattern, trip=trip, document=lent, faculty=faculty_a))
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert NUMBER.encode() not in body, url
        opened[pattern.name] = response.status_code
    for name in ("notifications:list", "workqueue:mine", "workqueue:index", "assessment:dashboard"):
        response = client.get(reverse(name), follow=True)
        assert NUMBER not in response.content.decode(), name
    assert opened["trip-detail"] == opened["trip-list"] == opened["notice"] == 200
    assert opened["passport-detail"] == 403


def test_the_history_of_a_document_never_shows_its_number(office_client, office, document, trip):
    passports.lend(document=document, trip=trip, by=office)
    document.refresh_from_db()
    document.number = "SE7654322"
    passports.edit(document=document, by=office, expected_version=document.version)
    response = office_client.get(reverse("history:record", args=["trips", "traveldocument", document.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert NUMBER not in body and "SE7654322" not in body
    assert "陈静" in body  # the history itself is there
