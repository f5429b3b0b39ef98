"""Nothing faculty A's coordinator can fetch reveals a record of faculty B.

Faculty B holds a record of every kind, each text field carrying the marker ``ZZB-leak``
(names, staff numbers, person and student ids, titles, courses, file names), and some of them
reach into what A's coordinator may open: B's teacher teaches in A's programme, B's agreement
is with a partner A works with, B's mobility draws on a funding scheme A uses.  Signed in as
A's coordinator, the tests fetch

* every page the permission matrix lets A's coordinator open (every list, every detail page
  of A's records, every form), and the records behind each of A's scorecard values;
* every export: each list's ``?export=csv|xlsx`` and the data-exchange export of every kind;
* every API list and detail endpoint;
* the import preview of files naming B's natural keys,

and find the marker in none of the answers.  A control test checks that the office does see
every marked record, so an export that simply lost B's rows cannot pass for a scoped one.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from assessment.rules import RULES
from dataexchange import registry
from dataexchange.models import ImportJob
from exchanges.models import Mobility
from faculties.models import PlanAttachment
from staff.models import TeachingAssignment
from tests import factories
from tests.security.permission_matrix import MATRIX
from tests.security.world import PDF_BYTES, World

pytestmark = pytest.mark.django_db

MARK = "ZZB-leak"


def marked(what: str) -> str:
    return f"{MARK}-{what}"


@pytest.fixture
def world(faculty_a, faculty_b, office, leader, coord_a, coord_b):
    return World(faculty_a=faculty_a, faculty_b=faculty_b, office=office, leader=leader, own=coord_a, other=coord_b)


@pytest.fixture
def faculty_b_records(world):
    """A record of every kind in faculty B, every text marked; returns them by name."""
    b = world.faculty_b
    b.foreign_site_url = f"https://www.example.edu.cn/{marked('site')}/"
    b.save()
    r = {}
    r["discipline"] = factories.DisciplineFactory(faculty=b, name_zh=marked("学科"), name_en=marked("discipline"))
    r["faculty_year"] = factories.FacultyYearFactory(faculty=b, year=2024)
    r["site_update"] = factories.SiteUpdateFactory(faculty=b, note=marked("site-update"))
    r["leading_group_member"] = factories.LeadingGroupMemberFactory(faculty=b, name=marked("leader-name"),
                                                                   position=marked("position"))
    r["plan"] = factories.PlanFactory(faculty=b, title=marked("plan-title"), partnerships=marked("plan-text"))
    r["plan_target"] = factories.PlanTargetFactory(plan=r["plan"])
    attachment = PlanAttachment(plan=r["plan"], title=marked("plan-annex"))
    attachment.file.save(f"{marked('annex')}.pdf", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    r["staff_member"] = factories.StaffMemberFactory(faculty=b, staff_no=marked("S001"), name=marked("staff-name"))
    r["foreign_teacher"] = factories.ForeignTeacherFactory(faculty=b, staff_no=marked("T002"),
                                                           name=marked("teacher-name"))
    r["contract"] = factories.ContractFactory(staff_member=r["foreign_teacher"], work_permit_no=marked("permit"))
    r["program"] = factories.CooperativeProgramFactory(
        faculty=b, code=marked("P"), name_zh=marked("program-zh"), name_en=marked("program-en"),
        approval_no=marked("MOE"))
    r["program"].partners.add(world.partner)
    in_program = {"context": TeachingAssignment.Context.COOPERATIVE_PROGRAM}
    # B's teacher also teaches in A's programme: A's programme page must not name them (issue 12, item 9).
    r["teaching_in_a"] = factories.TeachingAssignmentFactory(
        staff_member=r["foreign_teacher"], course=marked("course-in-A"), program=world.program, **in_program)
    r["teaching"] = factories.TeachingAssignmentFactory(
        staff_member=r["foreign_teacher"], course=marked("course"), program=r["program"], **in_program)
    r["evaluation"] = factories.TeachingEvaluationFactory(staff_member=r["foreign_teacher"],
                                                          feedback=marked("feedback"))
    r["language_assessment"] = factories.LanguageAssessmentFactory(staff_member=r["staff_member"],
                                                                   language=marked("language"))
    r["publication"] = factories.PublicationFactory(staff_member=r["staff_member"], title=marked("publication"),
                                                    journal=marked("journal"), doi=f"10.9999/{marked('doi')}")
    r["course"] = factories.ProgramCourseFactory(program=r["program"], course=marked("program-course"))
    r["enrollment"] = factories.ProgramEnrollmentFactory(program=r["program"], year=2025)
    r["training"] = factories.ProgramTeacherTrainingFactory(program=r["program"], title=marked("training"))
    # Shared records A also uses: the partner's and the funding scheme's pages list what hangs off them.
    r["agreement"] = factories.AgreementFactory(partner=world.partner, faculties=[b], title=marked("agreement"))
    r["mobility"] = factories.MobilityFactory(
        faculty=b, person_name=marked("person"), person_id=marked("ID-001"), staff_member=r["staff_member"],
        partner=world.partner, funding_scheme=world.funding_scheme, amount=1000,
        status=Mobility.Status.COMPLETED, starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 3, 20),
        report_text=marked("report"))
    r["student_mobility"] = factories.MobilityFactory(
        faculty=b, person_kind=Mobility.PersonKind.STUDENT, person_name=marked("student"),
        person_id=marked("ID-002"), partner=world.partner, status=Mobility.Status.COMPLETED,
        starts_on=datetime.date(2025, 2, 1), ends_on=datetime.date(2025, 7, 1))
    r["event"] = factories.EventFactory(faculty=b, title=marked("event"), date=datetime.date(2025, 5, 1))
    r["event"].partners.add(world.partner)
    r["language_test"] = factories.StudentLanguageTestFactory(faculty=b, student_id=marked("student-id"))
    r["notification"] = factories.NotificationFactory(recipient=world.other, record_label=marked("notice"),
                                                      url=r["mobility"].get_absolute_url())
    r["import_job"] = ImportJob.objects.create(user=world.other, kind="mobilities",
                                               original_name=f"{marked('upload')}.xlsx",
                                               status=ImportJob.Status.CHECKED, total=0)
    # Faculty B's trip abroad (calendar, feed, API, the trips export) and a passport of its
    # staff (the office-only passports export).
    r["calendar_trip"] = factories.TripFactory(faculty=b, title=marked("trip-title"), status="cleared")
    factories.TripMemberFactory(trip=r["calendar_trip"], staff_member=r["staff_member"])
    r["calendar_passport"] = factories.TravelDocumentFactory(holder=r["staff_member"], number="MARKPP0001")
    # Faculty B's foreign visit (the visits pages, export and API), hosted by B's staff member.
    r["visit"] = factories.VisitFactory(faculty=b, title=marked("visit-title"), institution=marked("visitors"),
                                        delegation_leader=marked("delegation-head"), host=r["staff_member"])
    factories.VisitMemberFactory(visit=r["visit"], name=marked("visitor"), position=marked("visitor-position"))
    factories.ProgrammeItemFactory(visit=r["visit"], title=marked("lecture"), speaker=marked("speaker"))
    # The assessment counts B's records too (the run is made after them).
    world.assessment_run  # noqa: B018
    return r


def body_of(response) -> str:
    """The text of an answer; a workbook's parts unzipped and read."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as workbook:
            return "\n".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    return raw.decode("utf-8", "replace")


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def leaks(client: Client, urls: list[str], *, supplied: tuple[str, ...] = ()) -> list[str]:
    """``url: excerpt`` for every answer carrying the marker; a URL that did not answer 200 is
    reported too, since its body was not really checked.  ``supplied`` strings (what the user
    sent) are taken out of the body first."""
    found = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            found.append(f"{url}: answered {response.status_code}, not 200")
            continue
        text = body_of(response)
        for value in sorted(supplied, key=len, reverse=True):
            text = text.replace(value, "")
        at = text.find(MARK)
        if at >= 0:
            found.append(f"{url}: …{text[max(0, at - 120):at + 60]}…")
    return found


def own_pages(world) -> list[str]:
    """Every URL the permission matrix lets A's coordinator read (GET, 200), A's records as arguments."""
    urls = []
    for name, cases in sorted(MATRIX.items()):
        for case in cases:
            if case.method == "get" and case.expect["own"] == 200:
                urls.append(case.path or reverse(name, args=case.args(world)) + case.query)
    return urls


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def test_no_page_a_coordinator_opens_reveals_another_faculty(world, faculty_b_records):
    pages = [url for url in own_pages(world) if not is_api(url)]
    year, code = world.assessed_year, world.faculty_a.code
    pages += [reverse("assessment:records", args=[year, code, indicator]) for indicator in RULES]
    assert len(pages) > 100
    found = leaks(client_for(world.own), pages)
    assert not found, "pages revealing faculty B's records:\n  " + "\n  ".join(found)


def exports(world) -> list[str]:
    """Each list's own export, and the data-exchange export of every kind, in both formats."""
    urls = []
    for name in sorted(MATRIX):
        if name.endswith("-list") and not name.startswith("api:"):
            try:
                url = reverse(name)
            except NoReverseMatch:  # a list of one year (assessment publications): not a record list
                continue
            if getattr(resolve(url).func, "view_class", None) and getattr(resolve(url).func.view_class,
                                                                          "export_kind", None):
                urls += [f"{url}?export=csv", f"{url}?export=xlsx"]
    # An office-only kind (passports) is refused to a coordinator outright (tests/trips/test_trip_exchange.py).
    for kind in registry.kinds():
        if kind.office_only:
            continue
        urls += [reverse("dataexchange:export", args=[kind.name, fmt]) for fmt in ("csv", "xlsx")]
    return urls


def test_no_export_reveals_another_faculty(world, faculty_b_records):
    urls = exports(world)
    assert len(urls) > 40
    found = leaks(client_for(world.own), urls)
    assert not found, "exports revealing faculty B's records:\n  " + "\n  ".join(found)


def test_no_api_answer_reveals_another_faculty(world, faculty_b_records):
    urls = [url for url in own_pages(world) if is_api(url)]
    assert len(urls) > 40
    found = leaks(client_for(world.own), urls)
    assert not found, "API answers revealing faculty B's records:\n  " + "\n  ".join(found)


def test_the_office_sees_every_marked_record_the_coordinator_does_not(world, faculty_b_records):
    """The control: every kind's export carries B's marked records for the office, so the
    coordinator's clean exports are scoped, not empty by accident."""
    office = client_for(world.office)
    marked_kinds = [kind for kind in registry.kinds()
                    if kind.name not in {"partners", "funding_schemes", "targets", "incentive_pools",
                                         "faculty_years"}]
    for kind in marked_kinds:
        text = body_of(office.get(reverse("dataexchange:export", args=[kind.name, "csv"])))
        assert MARK in text, f"{kind.name}: the office's export carries none of faculty B's records"
    program_page = office.get(reverse("programs:program-detail", args=[world.program.pk])).content.decode()
    assert marked("course-in-A") in program_page and marked("teacher-name") in program_page


def csv_upload(header: list[str], *rows: list[str]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("rows.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def import_files(r) -> dict[str, tuple[SimpleUploadedFile, tuple[str, ...]]]:
    """Per kind a file whose rows name B's natural keys (and nothing else of B's), with the
    strings it supplies."""
    staff_no, teacher_no = r["staff_member"].staff_no, r["foreign_teacher"].staff_no
    mobility, teaching = r["mobility"], r["teaching"]
    return {
        # B's staff number, claimed for A: the refusal must not name B's staff member.
        "staff": (csv_upload(
            ["staff_no", "faculty", "name", "nationality", "category", "title", "hired_on", "left_on",
             "has_overseas_degree"],
            [staff_no, "A", "Innocent Name", "CN", "domestic", "lecturer", "2020-09-01", "", "no"]),
            (staff_no,)),
        # B's teacher, and B's own assignment key.
        "teaching_assignments": (csv_upload(
            ["staff_no", "semester", "course", "hours", "context"],
            [teacher_no, "2025-2026-2", "Innocent Course", "32", "general"],
            [teacher_no, teaching.semester, teaching.course, "16", "general"]),
            (teacher_no, teaching.course)),
        "language_assessments": (csv_upload(
            ["staff_no", "date", "language", "result", "score"],
            [staff_no, "2025-06-02", "French", "pass", "80"]),
            (staff_no,)),
        "publications": (csv_upload(
            ["staff_no", "year", "title", "journal", "is_international", "doi"],
            [staff_no, "2025", "Innocent Title", "Innocent Journal", "yes", ""]),
            (staff_no,)),
        # A's mobility with B's staff member; and B's mobility by its key.
        "mobilities": (csv_upload(
            ["faculty", "direction", "person_kind", "person_name", "person_id", "staff_no", "partner", "country",
             "activity", "starts_on", "ends_on", "status", "funding_scheme", "amount"],
            ["A", "outbound", "teacher", "Innocent Person", "INNOCENT-1", staff_no, "", "GB", "visit",
             "2026-04-01", "2026-04-10", "planned", "", ""],
            ["B", "outbound", "teacher", "Innocent Person", mobility.person_id, "", "", "GB", mobility.activity,
             mobility.starts_on.isoformat(), "2025-03-21", "planned", "", ""]),
            (staff_no, mobility.person_id)),
        "events": (csv_upload(
            ["faculty", "kind", "title", "date", "participants_total", "participants_foreign"],
            ["B", r["event"].kind, r["event"].title, r["event"].date.isoformat(), "1", "0"]),
            (r["event"].title,)),
        # B's programme by its code: the refusal must not name the programme.
        "program_trainings": (csv_upload(
            ["program", "year", "date", "title", "participants"],
            [r["program"].code, "2025", "2025-07-11", "Innocent Training", "3"]),
            (r["program"].code,)),
    }


def test_no_import_preview_reveals_another_faculty(world, faculty_b_records):
    client = client_for(world.own)
    found = []
    for kind, (upload, supplied) in import_files(faculty_b_records).items():
        assert registry.can_import(world.own, registry.get(kind)), kind
        response = client.post(reverse("dataexchange:import", args=[kind]), {"file": upload})
        assert response.status_code == 302, f"{kind}: the upload answered {response.status_code}"
        job = ImportJob.objects.filter(user=world.own, kind=kind).latest("created_at")
        assert job.status in {ImportJob.Status.CHECKED, ImportJob.Status.FAILED}, f"{kind}: {job.status}"
        found += leaks(client, [job.get_absolute_url(), reverse("dataexchange:job-status", args=[job.pk])],
                       supplied=supplied)
    assert not found, "import previews revealing faculty B's records:\n  " + "\n  ".join(found)
