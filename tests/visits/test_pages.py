"""The foreign visits' pages: the list and its filters, the visit's page (members, programme,
steps, timeline), the panels' forms, who sees what, and how many queries they cost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Event, Mobility
from tests.factories import (
    FacultyFactory,
    PartnerFactory,
    ProgrammeItemFactory,
    StaffMemberFactory,
    VisitFactory,
    VisitMemberFactory,
)
from visits import services
from visits.models import ProgrammeItem, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = Visit.Status
PASSPORT = "P98765432"


@pytest.fixture
def visit(faculty_a):
    visit = VisitFactory(faculty=faculty_a, host=StaffMemberFactory(faculty=faculty_a, name="王老师"))
    VisitMemberFactory(visit=visit, name="Anna Schmidt", passport_number=PASSPORT,
                       date_of_birth=datetime.date(1971, 3, 9))
    ProgrammeItemFactory(visit=visit, title="Additive manufacturing today", speaker="Prof. Anna Schmidt")
    return visit


def url(name, *args):
    return reverse(f"visits:{name}", args=args)


def step(client, visit, action, comment=""):
    return client.post(url("visit-step", visit.pk, action), {"comment": comment}, follow=True)


def text(response) -> str:
    return response.content.decode()


def visit_data(faculty, host, **overrides) -> dict:
    arrives = timezone.localdate() + datetime.timedelta(days=20)
    data = {"faculty": faculty.pk, "title": "东京大学工学部代表团来访", "institution": "The University of Tokyo",
            "country": "JP", "delegation_leader": "Prof. Sato Ken", "delegation_leader_position": "Dean",
            "purpose": "lectures", "arrives_on": arrives, "leaves_on": arrives + datetime.timedelta(days=2),
            "host": host.pk, "reception_level": "faculty", "funding_source": "faculty",
            "budget_accommodation": "2000", "budget_meals": "1500", "budget_transport": "0",
            "budget_honoraria": "3000", "budget_venue": "0", "budget_other": "0"}
    data.update(overrides)
    return data


# --- registering and submitting -----------------------------------------------------------------------


def test_a_coordinator_registers_a_delegation_and_submits_it(coord_a_client, faculty_a):
    host = StaffMemberFactory(faculty=faculty_a, name="李明")
    response = coord_a_client.post(url("visit-create"), visit_data(faculty_a, host))
    assert response.status_code == 302, response.context["form"].errors
    visit = Visit.objects.get(title="东京大学工学部代表团来访")
    added = coord_a_client.post(url("visit-member-add", visit.pk), {
        "name": "Sato Ken", "nationality": "JP", "position": "Dean", "institution": "",
        # Not in the coordinator's form: never stored from their post.
        "passport_number": "TK0000001", "date_of_birth": "1960-01-01"})
    assert added.status_code == 302
    member = visit.members.get()
    assert (member.name, member.passport_number, member.date_of_birth) == ("Sato Ken", "", None)
    coord_a_client.post(url("visit-programme-add", visit.pk), {
        "day": visit.arrives_on, "starts_at": "09:30", "kind": "lecture", "title": "Robotics in Japan",
        "speaker": "Prof. Sato Ken", "place": "主楼 201", "participants": "80"})
    page = text(coord_a_client.get(visit.get_absolute_url()))
    assert "Sato Ken" in page and "Robotics in Japan" in page and "6,500.00" in page
    done = step(coord_a_client, visit, "submit")
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED and "The visit was submitted" in text(done)


def test_a_coordinator_registers_for_their_faculty_and_hosts_of_that_faculty_only(coord_a_client, faculty_a,
                                                                                 faculty_b):
    form = coord_a_client.get(url("visit-create")).context["form"]
    assert list(form.fields["faculty"].queryset) == [faculty_a]
    stranger = StaffMemberFactory(faculty=faculty_b)
    assert stranger not in form.fields["host"].queryset
    refused = coord_a_client.post(url("visit-create"), visit_data(faculty_b, stranger))
    assert refused.status_code == 200 and refused.context["form"].errors.keys() >= {"faculty", "host"}
    assert not Visit.objects.exists()


def test_the_host_is_chosen_among_the_visits_faculty(office_client, visit, faculty_b):
    form = office_client.get(url("visit-edit", visit.pk)).context["form"]
    other = StaffMemberFactory(faculty=faculty_b)
    assert visit.host in form.fields["host"].queryset and other not in form.fields["host"].queryset


def test_a_refused_member_form_comes_back_as_typed_with_400(coord_a_client, visit):
    refused = coord_a_client.post(url("visit-member-add", visit.pk), {
        "name": "Anna Schmidt", "nationality": "DE", "position": "Professor of Physics"})
    form = refused.context["member_form"]
    assert refused.status_code == 400 and "in the delegation already" in str(form.errors["name"])
    assert form["position"].value() == "Professor of Physics" and visit.members.count() == 1
    assert "Professor of Physics" in text(refused)


def test_a_lecture_without_speaker_is_refused_as_typed(coord_a_client, visit):
    refused = coord_a_client.post(url("visit-programme-add", visit.pk), {
        "day": visit.arrives_on, "kind": "lecture", "title": "Quantum sensing", "participants": "10"})
    form = refused.context["programme_form"]
    assert refused.status_code == 400 and "Name the speaker" in str(form.errors["speaker"])
    assert form["title"].value() == "Quantum sensing" and visit.programme.count() == 1
    outside = coord_a_client.post(url("visit-programme-add", visit.pk), {
        "day": visit.leaves_on + datetime.timedelta(days=3), "kind": "banquet", "title": "Dinner",
        "participants": "10"})
    assert outside.status_code == 400 and "must fall within the visit" in str(outside.context["programme_form"].errors)


def test_the_programme_is_grouped_by_day(coord_a_client, visit):
    ProgrammeItemFactory(visit=visit, day=visit.leaves_on, kind=ProgrammeItem.Kind.BANQUET, title="Farewell",
                         speaker="")
    days = coord_a_client.get(visit.get_absolute_url()).context["programme_days"]
    assert [(day, [i.title for i in items]) for day, items in days] == [
        (visit.arrives_on, ["Additive manufacturing today"]), (visit.leaves_on, ["Farewell"])]


def test_a_part_is_removed_while_the_visit_can_change(coord_a_client, visit):
    item = visit.programme.get()
    assert coord_a_client.post(url("visit-part-delete", visit.pk, "item", item.pk)).status_code == 302
    assert not visit.programme.exists()
    assert coord_a_client.post(url("visit-part-delete", visit.pk, "nothing", 1)).status_code == 404
    Visit.objects.filter(pk=visit.pk).update(status=S.SUBMITTED)
    member = visit.members.get()
    assert coord_a_client.post(url("visit-part-delete", visit.pk, "member", member.pk)).status_code == 403
    assert visit.members.exists()


# --- who sees what -------------------------------------------------------------------------------------


def test_another_faculty_finds_nothing(coord_b_client, visit):
    member, item = visit.members.get(), visit.programme.get()
    assert coord_b_client.get(visit.get_absolute_url()).status_code == 404
    assert coord_b_client.get(url("visit-edit", visit.pk)).status_code == 404
    assert coord_b_client.get(url("visit-delete", visit.pk)).status_code == 404
    for address in (url("visit-member-add", visit.pk), url("visit-programme-add", visit.pk),
                    url("visit-part-delete", visit.pk, "member", member.pk),
                    url("visit-part-delete", visit.pk, "item", item.pk),
                    url("visit-member-personal", visit.pk, member.pk), url("visit-step", visit.pk, "submit")):
        assert coord_b_client.post(address, {"name": "x"}).status_code == 404, address
    assert visit.members.count() == 1 and visit.programme.count() == 1
    assert visit.title not in text(coord_b_client.get(url("visit-list")))


def test_passport_data_is_shown_to_the_office_only(office_client, coord_a_client, leader_client, visit):
    office_page = text(office_client.get(visit.get_absolute_url()))
    assert PASSPORT in office_page and "1971-03-09" in office_page
    for client in (coord_a_client, leader_client):
        page = text(client.get(visit.get_absolute_url()))
        assert "Anna Schmidt" in page
        assert PASSPORT not in page and "1971-03-09" not in page and "passport number" not in page.lower()
    form = coord_a_client.get(visit.get_absolute_url()).context["member_form"]
    assert not set(form.fields) & {"passport_number", "date_of_birth"}
    office_form = office_client.get(visit.get_absolute_url()).context["member_form"]
    assert {"passport_number", "date_of_birth"} <= set(office_form.fields)


def test_the_office_completes_passport_data_after_the_submission(office_client, coord_a_client, visit):
    Visit.objects.filter(pk=visit.pk).update(status=S.OFFICE_APPROVED)
    member = visit.members.get()
    saved = office_client.post(url("visit-member-personal", visit.pk, member.pk), {
        f"m{member.pk}-passport_number": "C11112222", f"m{member.pk}-date_of_birth": "1980-02-29"})
    assert saved.status_code == 302
    member.refresh_from_db()
    assert (member.passport_number, member.date_of_birth) == ("C11112222", datetime.date(1980, 2, 29))
    refused = office_client.post(url("visit-member-personal", visit.pk, member.pk), {
        f"m{member.pk}-passport_number": "C33334444", f"m{member.pk}-date_of_birth": "1980-02-30"})
    assert refused.status_code == 400 and "C33334444" in text(refused)
    assert coord_a_client.post(url("visit-member-personal", visit.pk, member.pk), {}).status_code == 403


def test_a_leader_reads_but_changes_nothing(leader_client, visit):
    page = leader_client.get(visit.get_absolute_url())
    assert page.status_code == 200 and not page.context["can_step"] and page.context["member_form"] is None
    assert leader_client.get(url("visit-edit", visit.pk)).status_code == 403
    assert leader_client.post(url("visit-member-add", visit.pk), {}).status_code == 403
    assert leader_client.post(url("visit-step", visit.pk, "submit")).status_code == 403


# --- the steps ---------------------------------------------------------------------------------------


def test_steps_are_taken_by_post_only(coord_a_client, office_client, visit):
    assert coord_a_client.get(url("visit-step", visit.pk, "submit")).status_code == 405
    assert office_client.post(url("visit-step", visit.pk, "fly")).status_code == 404
    assert coord_a_client.post(url("visit-step", visit.pk, "approve")).status_code == 403


def test_the_chain_through_the_pages(coord_a_client, office_client, leader_client, visit):
    Visit.objects.filter(pk=visit.pk).update(led_by_president=True)
    step(coord_a_client, visit, "submit")
    page = office_client.get(visit.get_absolute_url())
    assert page.context["can_approve"] and "led by a president" in text(page)
    step(office_client, visit, "approve")
    assert leader_client.get(visit.get_absolute_url()).context["can_leader_approve"]
    step(leader_client, visit, "leader-approve")
    visit.refresh_from_db()
    assert visit.status == S.LEADER_APPROVED
    early = step(coord_a_client, visit, "host")
    assert "The delegation arrives on" in text(early)
    Visit.objects.filter(pk=visit.pk).update(arrives_on=timezone.localdate(), leaves_on=timezone.localdate())
    ProgrammeItem.objects.filter(visit=visit).update(day=timezone.localdate())
    step(coord_a_client, visit, "host")
    closed = step(office_client, visit, "close")
    visit.refresh_from_db()
    assert visit.status == S.CLOSED
    mobility, event = Mobility.objects.get(), Event.objects.get()
    page = text(closed)
    assert mobility.get_absolute_url() in page and event.get_absolute_url() in page
    assert "1 inbound mobilities and 1 lecture events recorded." in page


def test_returning_needs_a_comment_and_the_form_shows_it(office_client, coord_a_client, visit):
    step(coord_a_client, visit, "submit")
    refused = step(office_client, visit, "return")
    assert "a comment is required" in text(refused)
    step(office_client, visit, "return", "Add the interpreter to the programme.")
    visit.refresh_from_db()
    assert visit.status == S.CHANGES_REQUESTED
    form_page = text(coord_a_client.get(url("visit-edit", visit.pk)))
    assert "Add the interpreter to the programme." in form_page


def test_a_submitted_visit_is_no_longer_edited_or_deleted(coord_a_client, visit):
    assert coord_a_client.get(url("visit-delete", visit.pk)).status_code == 200
    step(coord_a_client, visit, "submit")
    assert coord_a_client.get(url("visit-edit", visit.pk)).status_code == 403
    assert coord_a_client.get(url("visit-delete", visit.pk)).status_code == 403
    assert coord_a_client.get(visit.get_absolute_url()).context["member_form"] is None


def test_a_returned_visit_is_edited_but_not_deleted(coord_a_client, visit):
    Visit.objects.filter(pk=visit.pk).update(status=S.CHANGES_REQUESTED)
    assert coord_a_client.get(url("visit-edit", visit.pk)).status_code == 200
    assert coord_a_client.get(url("visit-delete", visit.pk)).status_code == 403


def test_an_edit_over_a_newer_save_is_refused(coord_a_client, office_client, visit, faculty_a):
    opened = coord_a_client.get(url("visit-edit", visit.pk)).context["form"]["version"].value()
    assert office_client.post(url("visit-edit", visit.pk), visit_data(
        faculty_a, visit.host, title="办公室改过的标题", version=opened)).status_code == 302
    stale = coord_a_client.post(url("visit-edit", visit.pk), visit_data(
        faculty_a, visit.host, title="学院的标题", version=opened))
    assert stale.status_code == 200 and "saved this record after you opened it" in text(stale)
    visit.refresh_from_db()
    assert visit.title == "办公室改过的标题"


# --- the list --------------------------------------------------------------------------------------------


def test_the_list_filters_and_searches(office_client, faculty_a, faculty_b):
    spring = VisitFactory(faculty=faculty_a, title="Spring delegation", country="JP",
                          delegation_leader="Prof. Kenji Mori", arrives_on=datetime.date(2026, 4, 1),
                          leaves_on=datetime.date(2026, 4, 3), status=S.SUBMITTED)
    autumn = VisitFactory(faculty=faculty_b, title="Autumn delegation", country="DE",
                          partner=PartnerFactory(name="Universität Heidelberg"), institution="",
                          arrives_on=datetime.date(2026, 10, 1), leaves_on=datetime.date(2026, 10, 2),
                          purpose=Visit.Purpose.CONFERENCE)

    def listed(query: str) -> set[str]:
        response = office_client.get(url("visit-list") + query)
        assert response.status_code == 200
        return {v.title for v in response.context["object_list"]}

    assert listed("") == {spring.title, autumn.title}
    assert listed("?q=mori") == {spring.title}
    assert listed("?q=Heidelberg") == {autumn.title}
    assert listed("?country=DE") == {autumn.title}
    assert listed("?status=submitted") == listed("?stage=office") == {spring.title}
    assert listed("?purpose=conference") == {autumn.title}
    assert listed(f"?faculty={faculty_a.pk}") == {spring.title}
    assert listed("?arrives_from=2026-06-01") == {autumn.title}
    assert listed("?arrives_until=2026-06-01&year=2026") == {spring.title}
    assert listed("?year=2025") == set()
    page = text(office_client.get(url("visit-list") + "?year=2025"))
    assert "No visit matches" in page and "Universität Heidelberg" in text(office_client.get(url("visit-list")))


def test_the_list_is_sorted_by_its_columns(office_client, faculty_a):
    VisitFactory(faculty=faculty_a, title="Beta")
    VisitFactory(faculty=faculty_a, title="Alpha")
    titles = [v.title for v in office_client.get(url("visit-list") + "?sort=title").context["object_list"]]
    assert titles == ["Alpha", "Beta"]


def test_a_coordinator_lists_their_faculty_only(coord_a_client, faculty_a, faculty_b):
    VisitFactory(faculty=faculty_a, title="Ours")
    VisitFactory(faculty=faculty_b, title="Theirs")
    assert [v.title for v in coord_a_client.get(url("visit-list")).context["object_list"]] == ["Ours"]


# --- query counts --------------------------------------------------------------------------------------


def queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_3_or_30_visits(office_client, django_assert_max_num_queries):
    partner = PartnerFactory()
    for n in range(3):
        VisitFactory(faculty=FacultyFactory(), partner=partner if n % 2 else None)
    few = queries(office_client, url("visit-list"))
    for n in range(27):
        VisitFactory(faculty=FacultyFactory(), partner=partner if n % 2 else None,
                     host=StaffMemberFactory())
    assert queries(office_client, url("visit-list")) == few
    with django_assert_max_num_queries(14):
        office_client.get(url("visit-list"))


def test_the_visits_page_costs_the_same_queries_whatever_its_size(office_client, coord_a_client, visit,
                                                                  django_assert_max_num_queries):
    for client in (office_client, coord_a_client):
        client.get(visit.get_absolute_url())  # the content types' cache, filled once per process
        few = queries(client, visit.get_absolute_url())
        big = VisitFactory(faculty=visit.faculty, host=visit.host)
        for n in range(10):
            VisitMemberFactory(visit=big)
            ProgrammeItemFactory(visit=big, day=big.arrives_on + datetime.timedelta(days=n % 3))
        assert queries(client, big.get_absolute_url()) == few
        with django_assert_max_num_queries(24):
            client.get(big.get_absolute_url())


def test_a_closed_visits_page_costs_the_same_queries_whatever_it_recorded(office_client, coord_a, office,
                                                                          faculty_a):
    def closed(members: int) -> Visit:
        visit = VisitFactory(faculty=faculty_a, host=StaffMemberFactory(faculty=faculty_a))
        for _n in range(members):
            VisitMemberFactory(visit=visit)
            ProgrammeItemFactory(visit=visit)
        visit = services.office_approve(visit=services.submit(visit=visit, by=coord_a), by=office)
        visit = services.mark_hosted(visit=visit, by=coord_a, today=visit.arrives_on)
        return services.close(visit=visit, by=office)

    one, many = closed(1), closed(6)
    office_client.get(one.get_absolute_url())  # the content types' cache, filled once per process
    assert queries(office_client, one.get_absolute_url()) == queries(office_client, many.get_absolute_url())
