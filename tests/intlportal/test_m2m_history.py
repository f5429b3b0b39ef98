"""Issue 14, item 6: many-to-many changes in the audit trail.

An agreement's faculties (which decide who sees it), an event's and a program's partners are
kept in every history entry with who and when: a form's change shows the names added and
removed, an import's bulk write is recorded too, and restoring a deleted record brings its sets
back as they were in its last version.  (The API is read-only: it writes no history.)
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dataexchange import registry
from exchanges.models import Agreement, Event
from intlportal.history import m2m_fields, record_m2m_history
from programs.models import CooperativeProgram
from tests.dataexchange.helpers import csv_file
from tests.factories import AgreementFactory, CooperativeProgramFactory, EventFactory, PartnerFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _office_reads_english(office):
    office.language = "en"
    office.save()


def history_url(obj) -> str:
    return reverse("history:record", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def latest_set(obj, name: str) -> set:
    """The set the record's latest history entry holds."""
    entry = obj.history.order_by("-history_date", "-history_id").first()
    m2m = obj._meta.get_field(name)
    return set(getattr(entry, name).values_list(f"{m2m.m2m_reverse_field_name()}_id", flat=True))


def post_edit(client, url: str, **changes):
    data = form_data(client.get(url).content.decode())
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_the_tracked_sets_are_the_agreements_faculties_and_the_partners():
    assert [f.name for f in m2m_fields(Agreement)] == ["faculties"]
    assert [f.name for f in m2m_fields(Event)] == ["partners"]
    assert [f.name for f in m2m_fields(CooperativeProgram)] == ["partners"]


def test_an_agreements_faculties_changed_by_the_office_show_who_added_and_removed_which(
        office_client, faculty_a, faculty_b):
    agreement = AgreementFactory(starts_on=datetime.date(2024, 1, 1))
    agreement.faculties.set([faculty_a])

    post_edit(office_client, reverse("exchanges:agreement-edit", args=[agreement.pk]),
              faculties=[str(faculty_b.pk)])

    assert latest_set(agreement, "faculties") == {faculty_b.pk}
    last = agreement.history.order_by("-history_date", "-history_id").first()
    assert last.history_user.username == "office_user"
    page = office_client.get(history_url(agreement)).content.decode()
    assert "Added: Faculty B" in page and "Removed: Faculty A" in page
    assert "office_user" in page


def test_an_events_partners_changed_by_the_office_are_in_its_history(office_client, faculty_a):
    oxford, leeds = PartnerFactory(name="University of Oxford"), PartnerFactory(name="University of Leeds")
    event = EventFactory(faculty=faculty_a)
    event.partners.set([oxford])

    post_edit(office_client, reverse("exchanges:event-edit", args=[event.pk]), partners="University of Leeds")

    assert latest_set(event, "partners") == {leeds.pk}
    page = office_client.get(history_url(event)).content.decode()
    assert "Added: University of Leeds" in page and "Removed: University of Oxford" in page


def test_a_programs_partners_changed_by_the_office_are_in_its_history(office_client, faculty_a):
    oxford, leeds = PartnerFactory(name="University of Oxford"), PartnerFactory(name="University of Leeds")
    program = CooperativeProgramFactory(faculty=faculty_a)
    program.partners.set([oxford])

    post_edit(office_client, reverse("programs:program-edit", args=[program.pk]),
              partners=[str(oxford.pk), str(leeds.pk)])

    assert latest_set(program, "partners") == {oxford.pk, leeds.pk}
    page = office_client.get(history_url(program)).content.decode()
    assert "Added: University of Leeds" in page and "Removed:" not in page


def test_a_bulk_write_of_a_set_is_recorded_in_the_latest_entry(faculty_a, faculty_b):
    agreement = AgreementFactory(starts_on=datetime.date(2024, 1, 1))
    through = Agreement.faculties.through
    # What an import does: the through rows written in bulk, no m2m_changed.
    through.objects.bulk_create([through(agreement=agreement, faculty=faculty_a),
                                 through(agreement=agreement, faculty=faculty_b)])
    assert latest_set(agreement, "faculties") == set()

    record_m2m_history(Agreement, [agreement])
    assert latest_set(agreement, "faculties") == {faculty_a.pk, faculty_b.pk}
    record_m2m_history(Agreement, [agreement])  # again: the same set, not twice
    assert agreement.history.order_by("-history_id").first().faculties.count() == 2


def test_an_import_records_the_faculties_it_writes(office, faculty_a, faculty_b):
    partner = PartnerFactory(name="University of Edinburgh")
    header = "partner,faculties,kind,title,signed_on,starts_on,ends_on,status,terminated_on"
    row = f"{partner.name},A;B,framework,Framework agreement,2024-01-01,2024-01-01,,active,"
    result = registry.import_rows("agreements", csv_file(f"{header}\n{row}\n"), user=office, dry_run=False)
    assert result.ok and result.written, (result.errors, result.file_errors)

    agreement = Agreement.objects.get(title="Framework agreement")
    assert set(agreement.faculties.values_list("pk", flat=True)) == {faculty_a.pk, faculty_b.pk}
    assert latest_set(agreement, "faculties") == {faculty_a.pk, faculty_b.pk}


def test_restoring_a_deleted_agreement_restores_its_faculties(office_client, faculty_a, faculty_b):
    agreement = AgreementFactory(starts_on=datetime.date(2024, 1, 1))
    agreement.faculties.set([faculty_a, faculty_b])
    pk = agreement.pk
    agreement.delete()
    deleted = Agreement.history.get(id=pk, history_type="-")

    response = office_client.post(reverse("history:restore", args=["exchanges", "agreement", deleted.history_id]))

    assert response.status_code == 302
    restored = Agreement.objects.get(pk=pk)
    assert set(restored.faculties.values_list("pk", flat=True)) == {faculty_a.pk, faculty_b.pk}
    assert latest_set(restored, "faculties") == {faculty_a.pk, faculty_b.pk}


def test_a_restore_leaves_out_a_member_deleted_since_and_says_so(office_client, faculty_a):
    event = EventFactory(faculty=faculty_a)
    partner, closed = PartnerFactory(), PartnerFactory()
    event.partners.set([partner, closed])
    pk = event.pk
    event.delete()
    closed.delete()
    deleted = Event.history.get(id=pk, history_type="-")

    response = office_client.post(reverse("history:restore", args=["exchanges", "event", deleted.history_id]),
                                  follow=True)

    assert list(Event.objects.get(pk=pk).partners.all()) == [partner]
    assert "1 record it was linked to no longer exists and was left out." in response.content.decode()


@pytest.mark.parametrize("changes", [1, 10])
def test_the_history_page_of_a_record_with_sets_does_not_query_per_change(
        office_client, faculty_a, faculty_b, changes, django_assert_num_queries):
    agreement = AgreementFactory(starts_on=datetime.date(2024, 1, 1))
    for i in range(changes):
        agreement.faculties.set([faculty_a] if i % 2 else [faculty_a, faculty_b])
    # session, user, roles; count, page of history with users; the current record; the sets
    # of the page's entries and their members' names (one query each); the partner's name;
    # the navbar's unread notifications
    with django_assert_num_queries(10):
        assert office_client.get(history_url(agreement)).status_code == 200
