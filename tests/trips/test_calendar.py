"""Who is abroad when: the month calendar and the iCalendar feed (``trips/views_calendar.py``)."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    StaffMemberFactory,
    TravelDocumentFactory,
    TripCountryFactory,
    TripFactory,
    TripMemberFactory,
    UserFactory,
)
from trips.models import CalendarFeed, TravelDocument, Trip

S = Trip.Status
MARCH = datetime.date(2030, 3, 1)


def trip(faculty, title, status=S.CLEARED, departs=datetime.date(2030, 3, 5), days=6, member="王明", **kwargs):
    made = TripFactory(faculty=faculty, title=title, status=status, departs_on=departs,
                       returns_on=departs + datetime.timedelta(days=days), **kwargs)
    TripMemberFactory(trip=made, staff_member=StaffMemberFactory(faculty=faculty, name=member))
    TripCountryFactory(trip=made, country="JP")
    return made


def month(client, value="2030-03"):
    return client.get(reverse("trips:calendar"), {"month": value})


# --- the month calendar ---------------------------------------------------------------------


def test_the_month_shows_approved_trips_and_those_on_notice_apart(english, office_client, faculty_a):
    trip(faculty_a, "赴日本学术交流", member="王明")
    trip(faculty_a, "赴德国访问", status=S.ON_NOTICE, departs=datetime.date(2030, 3, 20))
    trip(faculty_a, "草稿团组", status=S.DRAFT)
    trip(faculty_a, "四月团组", departs=datetime.date(2030, 4, 5))

    with translation.override("en"):
        page = month(office_client).content.decode()

    assert "赴日本学术交流" in page and "王明" in page and "Japan" in page
    assert "赴德国访问" in page and "on public notice" in page
    assert "草稿团组" not in page and "四月团组" not in page
    assert '<th scope="col"' in page and '<th scope="row"' in page
    assert 'colspan="4"' in page and 'colspan="7"' in page  # 1–4 March empty, then 5–11 March abroad
    assert "?month=2030-02" in page and "?month=2030-04" in page


def test_a_trip_over_the_month_end_is_cut_at_the_month(office_client, faculty_a):
    trip(faculty_a, "跨月团组", departs=datetime.date(2030, 3, 28), days=10)
    with translation.override("en"):
        march, april = month(office_client).content.decode(), month(office_client, "2030-04").content.decode()
    assert "跨月团组" in march and 'colspan="27"' in march and 'colspan="4"' in march
    assert "跨月团组" in april and 'colspan="7"' in april


def test_an_empty_month_says_what_to_do(english, leader_client):
    with translation.override("en"):
        page = month(leader_client).content.decode()
    assert "Nobody is abroad this month" in page and "calendar-table" not in page


def test_a_coordinator_sees_their_own_faculty_only(coord_a_client, faculty_a, faculty_b):
    trip(faculty_a, "甲院团组")
    trip(faculty_b, "乙院团组", member="赵乙")
    page = month(coord_a_client).content.decode()
    assert "甲院团组" in page and "乙院团组" not in page and "赵乙" not in page


def test_a_user_without_a_role_is_refused(db):
    client = Client()
    client.force_login(UserFactory(username="nobody"))
    assert month(client).status_code == 403


def test_a_bad_month_shows_this_month(office_client):
    assert month(office_client, "2030-13").status_code == 200
    assert month(office_client, "soon").status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_the_month_costs_the_same_queries_for_one_trip_or_thirty(office_client, faculty_a, count,
                                                                   django_assert_max_num_queries):
    for n in range(count):
        trip(faculty_a, f"团组{n}", departs=datetime.date(2030, 3, 1 + n % 20))
    with django_assert_max_num_queries(14):
        response = month(office_client)
    assert response.content.decode().count('<th scope="row"') == count


def test_the_calendar_is_linked_from_the_trips_list_and_the_leaders_menu(leader_client, coord_a_client):
    url = reverse("trips:calendar")
    assert url in leader_client.get(reverse("trips:trip-list")).content.decode()
    assert url in coord_a_client.get(reverse("trips:trip-list")).content.decode()
    assert f'href="{url}"' in leader_client.get(reverse("trips:notice")).content.decode()  # the menu


# --- the feed page --------------------------------------------------------------------------


def test_a_user_creates_then_resets_their_feed_address(coord_a, coord_a_client):
    page = reverse("trips:calendar-feed")
    assert coord_a_client.get(page).status_code == 200
    assert coord_a_client.post(page).status_code == 302
    first = CalendarFeed.objects.get(user=coord_a).token
    assert len(first) >= 40
    assert first in coord_a_client.get(page).content.decode()

    coord_a_client.post(page)

    second = CalendarFeed.objects.get(user=coord_a).token
    assert second != first
    assert Client().get(reverse("trips:ical", args=[first])).status_code == 404
    assert Client().get(reverse("trips:ical", args=[second])).status_code == 200


# --- the feed -------------------------------------------------------------------------------


def feed_of(user) -> icalendar.Calendar:
    feed = CalendarFeed.objects.create(user=user, token=f"token-of-{user.username}-0123456789abcdef")
    response = Client().get(reverse("trips:ical", args=[feed.token]))  # no session: the token alone
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(cal) -> dict[str, icalendar.Event]:
    return {str(event["uid"]): event for event in cal.walk("VEVENT")}


def test_the_feed_has_each_approved_trip_as_an_all_day_event(office, faculty_a, settings):
    settings.TRIP_REPORT_DUE_DAYS = 30
    made = trip(faculty_a, "赴日本学术交流", member="王明")
    trip(faculty_a, "草稿团组", status=S.DRAFT)

    found = events(feed_of(office))

    uid = next(uid for uid in found if uid.startswith(f"trip-{made.pk}@"))
    event = found[uid]
    assert event.decoded("dtstart") == datetime.date(2030, 3, 5)
    assert event.decoded("dtend") == datetime.date(2030, 3, 12)  # exclusive: the day after the return
    assert "赴日本学术交流" in str(event["summary"]) and "王明" in str(event["summary"])
    assert "日本" in str(event["description"]) or "Japan" in str(event["description"])
    assert str(event["url"]).endswith(made.get_absolute_url())
    assert not any("草稿团组" in str(e["summary"]) for e in found.values())
    assert uid in events(feed_of_again(office))  # the same UID each time


def feed_of_again(user) -> icalendar.Calendar:
    token = CalendarFeed.objects.get(user=user).token
    return icalendar.Calendar.from_ical(Client().get(reverse("trips:ical", args=[token])).content)


def test_the_feed_has_the_report_due_and_the_end_of_the_notice(office, faculty_a, settings):
    settings.TRIP_REPORT_DUE_DAYS = 30
    back = trip(faculty_a, "已回国团组", status=S.BACK, departs=datetime.date(2030, 3, 1), days=9)
    on_notice = trip(faculty_a, "公示中团组", status=S.ON_NOTICE, notice_ends_on=datetime.date(2030, 2, 20))

    found = events(feed_of(office))

    report = next(e for uid, e in found.items() if uid.startswith(f"trip-{back.pk}-report@"))
    assert report.decoded("dtstart") == datetime.date(2030, 4, 9)  # returns 10 March + 30 days
    notice = next(e for uid, e in found.items() if uid.startswith(f"trip-{on_notice.pk}-notice@"))
    assert notice.decoded("dtstart") == datetime.date(2030, 2, 20)
    assert not any(uid.startswith(f"trip-{on_notice.pk}@") for uid in found)  # not yet approved for travel


def test_the_feed_speaks_the_users_language(faculty_a):
    trip(faculty_a, "赴日本学术交流")
    chinese, english = (UserFactory(username=f"office_{lang}", roles=["office"], language=lang)
                        for lang in ("zh-hans", "en"))
    summary_en = next(str(e["summary"]) for e in feed_of(english).walk("VEVENT"))
    summary_zh = next(str(e["summary"]) for e in feed_of(chinese).walk("VEVENT"))
    assert summary_en.startswith("Abroad:")
    with translation.override("zh-hans"):
        from django.utils.translation import gettext
        expected = gettext("Abroad: %(title)s (%(names)s)").split("%")[0]
    assert summary_zh.startswith(expected)


def test_a_coordinators_feed_shows_nothing_of_another_faculty(coord_a, faculty_a, faculty_b):
    trip(faculty_a, "甲院团组")
    trip(faculty_b, "乙院团组", member="赵乙")
    text = feed_of(coord_a).to_ical().decode()
    assert "甲院团组" in text and "乙院团组" not in text and "赵乙" not in text


def test_the_feed_never_carries_a_passport_number(office, faculty_a):
    made = trip(faculty_a, "赴日本学术交流")
    TravelDocumentFactory(holder=made.members.get().staff_member, number="E99887766",
                          custody=TravelDocument.Custody.LENT)
    assert "E99887766" not in feed_of(office).to_ical().decode()


def test_an_unknown_token_or_a_deactivated_users_token_is_not_found(office, faculty_a):
    assert Client().get(reverse("trips:ical", args=["no-such-token"])).status_code == 404
    feed = CalendarFeed.objects.create(user=office, token="a-valid-token-0123456789")
    assert Client().get(reverse("trips:ical", args=[feed.token])).status_code == 200
    office.is_active = False
    office.save()
    assert Client().get(reverse("trips:ical", args=[feed.token])).status_code == 404
