"""The import/export kind of foreign visits (``visits/dataexchange.py``): ``visits`` with its
members and lectures in a cell each, drafts only, a faculty's own, never a passport number or
a date of birth."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from dataexchange import registry
from tests.dataexchange.helpers import assert_round_trip, csv_file
from tests.factories import (
    FundingSchemeFactory,
    PartnerFactory,
    ProgrammeItemFactory,
    StaffMemberFactory,
    VisitFactory,
    VisitMemberFactory,
)
from visits.models import ProgrammeItem, Visit, VisitMember

ROUND_TRIP_KINDS = ("visits",)
HEADER = ("faculty,title,purpose,partner,institution,country,delegation_leader,delegation_leader_position,"
          "led_by_president,host,arrives_on,leaves_on,reception_level,funding_source,funding_scheme,grant_number,"
          "budget_accommodation,budget_meals,budget_transport,budget_honoraria,budget_venue,budget_other,status,"
          "members,lectures")
MEMBERS = "Anna Schmidt (DE, Dean, Faculty of Mechanical Engineering); Kenji Sato (JP, Professor — Kyoto University)"
LECTURES = "2030-03-02 14:00 Additive manufacturing — Anna Schmidt; 2030-03-03 Robots in the lab — Kenji Sato"


def visit_row(title="亚琛工业大学代表团来访", *, faculty="A", institution="RWTH Aachen University", host="T001",
              arrives="2030-03-01", leaves="2030-03-04", funding="faculty", scheme="", grant="", status="draft",
              members=MEMBERS, lectures=LECTURES) -> str:
    def quoted(cell: str) -> str:
        return f'"{cell}"' if "," in cell else cell

    return (f"{faculty},{title},academic_exchange,,{institution},DE,Prof. Anna Schmidt,\"Dean, Faculty of Mechanical "
            f"Engineering\",no,{host},{arrives},{leaves},faculty,{funding},{scheme},{grant},4000,3000,800,1000,0,0,"
            f"{status},{quoted(members)},{quoted(lectures)}")


def visits_csv(*rows: str):
    return csv_file("\n".join([HEADER, *rows]) + "\n")


def errors_of(result) -> dict[int, str]:
    by_row: dict[int, str] = {}
    for error in result.errors:
        by_row[error.row] = by_row.get(error.row, "") + " " + str(error)
    return by_row


@pytest.fixture
def host_a(faculty_a):
    return StaffMemberFactory(faculty=faculty_a, staff_no="T001", name="王明")


def _visit_with_parts(faculty, **kwargs) -> Visit:
    visit = VisitFactory(faculty=faculty, arrives_on=datetime.date(2030, 5, 1), leaves_on=datetime.date(2030, 5, 4),
                         **kwargs)
    VisitMemberFactory(visit=visit, name="Anna Schmidt", position="Dean, Faculty of Mechanical Engineering",
                       passport_number="C01234567", date_of_birth=datetime.date(1971, 4, 3))
    VisitMemberFactory(visit=visit, name="Kenji Sato", nationality="JP", institution="Kyoto University",
                       passport_number="TK7654321", date_of_birth=datetime.date(1980, 11, 23))
    ProgrammeItemFactory(visit=visit, day=datetime.date(2030, 5, 2), title="Additive manufacturing",
                         speaker="Anna Schmidt", starts_at=datetime.time(14, 0))
    ProgrammeItemFactory(visit=visit, day=datetime.date(2030, 5, 1), kind=ProgrammeItem.Kind.MEETING,
                         title="Talks with the dean", speaker="")
    ProgrammeItemFactory(visit=visit, day=datetime.date(2030, 5, 3), title="Robots in the lab", speaker="Kenji Sato")
    return visit


# --- importing ------------------------------------------------------------------------------


def test_a_coordinator_imports_a_draft_visit_with_its_members_and_lectures(coord_a, faculty_a, host_a):
    result = registry.import_rows("visits", visits_csv(visit_row()), user=coord_a, dry_run=False)

    assert result.ok, [str(e) for e in result.errors]
    visit = Visit.objects.get()
    assert (visit.faculty, visit.status, visit.host, visit.budget_total) == (
        faculty_a, Visit.Status.DRAFT, host_a, Decimal("8800"))
    assert visit.delegation_leader_position == "Dean, Faculty of Mechanical Engineering"
    members = [(m.name, m.nationality.code, m.position, m.institution, m.passport_number, m.date_of_birth)
               for m in visit.members.all()]
    assert members == [("Anna Schmidt", "DE", "Dean, Faculty of Mechanical Engineering", "", "", None),
                       ("Kenji Sato", "JP", "Professor", "Kyoto University", "", None)]
    lectures = [(i.day.day, i.starts_at, i.kind, i.title, i.speaker) for i in visit.programme.all()]
    assert lectures == [(2, datetime.time(14, 0), "lecture", "Additive manufacturing", "Anna Schmidt"),
                        (3, None, "lecture", "Robots in the lab", "Kenji Sato")]


def test_chinese_cells_are_read_like_the_office_writes_them(office, faculty_a, host_a):
    row = visit_row(members="Anna Schmidt（德国，院长）；Kim Min-jun（韩国，教授——首尔大学）",
                    lectures="2030年3月2日 增材制造——Anna Schmidt")
    result = registry.import_rows("visits", visits_csv(row), user=office, dry_run=False)

    assert result.ok, [str(e) for e in result.errors]
    visit = Visit.objects.get()
    assert [(m.name, m.nationality.code, m.position, m.institution) for m in visit.members.all()] == [
        ("Anna Schmidt", "DE", "院长", ""), ("Kim Min-jun", "KR", "教授", "首尔大学")]
    assert [(i.day, i.title, i.speaker) for i in visit.programme.all()] == [
        (datetime.date(2030, 3, 2), "增材制造", "Anna Schmidt")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_visits_and_importing_them_again_changes_nothing(office, faculty_a, tmp_path, fmt):
    _visit_with_parts(faculty_a, title="亚琛工业大学代表团来访", host=StaffMemberFactory(faculty=faculty_a))
    _visit_with_parts(faculty_a, title="东京大学代表团来访", status=Visit.Status.CLOSED, partner=PartnerFactory(),
                      institution="", funding_source=Visit.Funding.SCHEME, funding_scheme=FundingSchemeFactory(),
                      summary="Agreed on a joint summer school.")
    members_before = list(VisitMember.objects.order_by("pk").values())
    programme_before = list(ProgrammeItem.objects.order_by("pk").values())

    assert_round_trip("visits", office, tmp_path, fmt)

    assert list(VisitMember.objects.order_by("pk").values()) == members_before
    assert list(ProgrammeItem.objects.order_by("pk").values()) == programme_before


def test_a_changed_draft_keeps_its_members_passports_and_its_other_programme(office, faculty_a, host_a):
    visit = _visit_with_parts(faculty_a, title="亚琛工业大学代表团来访")
    anna = visit.members.get(name="Anna Schmidt")
    meeting = visit.programme.get(kind=ProgrammeItem.Kind.MEETING)
    row = visit_row(arrives="2030-05-01", leaves="2030-05-04",
                    members="Anna Schmidt (DE, Rector); Li Na (CN, Lecturer — RWTH Aachen University)",
                    lectures="2030-05-02 14:00 Additive manufacturing — Prof. Anna Schmidt")

    result = registry.import_rows("visits", visits_csv(row), user=office, dry_run=False)

    assert result.ok and result.updated == 1, [str(e) for e in result.errors]
    anna.refresh_from_db()
    assert (anna.position, anna.passport_number, anna.date_of_birth) == (
        "Rector", "C01234567", datetime.date(1971, 4, 3))
    assert sorted(visit.members.values_list("name", flat=True)) == ["Anna Schmidt", "Li Na"]
    assert [(i.title, i.speaker) for i in visit.programme.filter(kind=ProgrammeItem.Kind.LECTURE)] == [
        ("Additive manufacturing", "Prof. Anna Schmidt")]
    assert visit.programme.filter(pk=meeting.pk).exists()  # the import leaves meetings alone


def test_a_bad_file_names_every_bad_row_and_writes_nothing(office, faculty_a, host_a):
    submitted = _visit_with_parts(faculty_a, title="已提交的来访", status=Visit.Status.SUBMITTED)
    other_host = StaffMemberFactory(faculty=VisitFactory().faculty, staff_no="X001")
    rows = [
        visit_row("好的来访"),                                                          # 2: fine
        visit_row("讲座在外", lectures="2030-02-20 Too early — Anna Schmidt"),           # 3: lecture outside the visit
        visit_row("无主讲人", lectures="2030-03-02 A lecture without a speaker"),        # 4: no speaker
        visit_row("离开在前", arrives="2030-03-10", leaves="2030-03-01", lectures=""),   # 5: leaves before it arrives
        visit_row("无来访单位", institution=""),                                         # 6: no institution, no partner
        visit_row("专项经费", funding="scheme"),                                         # 7: no funding scheme
        visit_row("科研经费", funding="grant"),                                          # 8: no grant number
        visit_row("已提交的来访", arrives="2030-05-01", leaves="2030-05-04", lectures=""),  # 9: submitted visit changed
        visit_row("不是草稿", status="submitted"),                                       # 10: created submitted
        visit_row("重复成员", members="Anna Schmidt (DE, Dean); Anna Schmidt (DE, Professor)"),  # 11
        visit_row("成员无职务", members="Anna Schmidt (DE)"),                             # 12: no position
        visit_row("外院接待人", host=other_host.staff_no),                               # 13: host of another faculty
        visit_row("无此国家", members="Anna Schmidt (Atlantis, Professor)"),              # 14: unknown country
    ]
    with translation.override("en"):
        result = registry.import_rows("visits", visits_csv(*rows), user=office, dry_run=False)

    assert not result.written and Visit.objects.filter(faculty=faculty_a).count() == 1
    assert result.bad_rows == list(range(3, 15))
    by_row = errors_of(result)
    assert "must fall within the visit" in by_row[3]
    assert "speaker" in by_row[4]
    assert "leaves_on" in by_row[5]
    assert "Name the visiting institution" in by_row[6]
    assert "funding scheme" in by_row[7]
    assert "research grant" in by_row[8]
    assert "no longer a draft" in by_row[9]
    assert "imported as a draft" in by_row[10]
    assert "listed twice" in by_row[11]
    assert "position" in by_row[12]
    assert "must be a member of staff of the host faculty" in by_row[13]
    assert "Atlantis" in by_row[14]
    submitted.refresh_from_db()
    assert submitted.members.count() == 2 and submitted.programme.count() == 3


def test_a_coordinator_imports_only_their_own_faculty(coord_a, faculty_a, faculty_b, host_a):
    StaffMemberFactory(faculty=faculty_b, staff_no="B001")
    rows = [visit_row(faculty=faculty_b.code, host=""), visit_row("乙院接待人", host="B001")]
    with translation.override("en"):
        result = registry.import_rows("visits", visits_csv(*rows), user=coord_a, dry_run=False)

    assert result.bad_rows == [2, 3] and not Visit.objects.exists()
    assert result.errors[0].column == "faculty"  # another faculty is "not found" for a coordinator of A
    assert any(error.column == "host" and "B001" in str(error) for error in result.errors if error.row == 3)


# --- exporting ------------------------------------------------------------------------------


def _export(client, kind="visits", fmt="csv") -> str:
    response = client.get(reverse("dataexchange:export", args=[kind, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_coordinators_export_holds_only_their_faculty(coord_a_client, faculty_a, faculty_b):
    _visit_with_parts(faculty_a, title="甲院来访")
    _visit_with_parts(faculty_b, title="乙院来访")

    text = _export(coord_a_client)

    assert "甲院来访" in text and "乙院来访" not in text


@pytest.mark.parametrize("persona", ["office_client", "leader_client", "coord_a_client"])
def test_no_export_carries_a_passport_number_or_a_date_of_birth(persona, request, faculty_a):
    _visit_with_parts(faculty_a, title="甲院来访")
    client = request.getfixturevalue(persona)

    text = _export(client)

    assert "甲院来访" in text and "Anna Schmidt (DE, Dean, Faculty of Mechanical Engineering)" in text
    assert "Kenji Sato (JP, Professor — Kyoto University)" in text
    assert "2030-05-02 14:00 Additive manufacturing — Anna Schmidt" in text
    for secret in ("C01234567", "TK7654321", "1971-04-03", "1980-11-23", "passport"):
        assert secret not in text, secret
    columns = {column.name for column in registry.get("visits").columns}
    assert not columns & {"passport_number", "date_of_birth"}


def test_the_export_in_labels_style_reads_in_chinese(office, faculty_a, tmp_path):
    _visit_with_parts(faculty_a, title="甲院来访")
    from dataexchange.writing import export_to_path

    path = tmp_path / "visits.csv"
    with translation.override("zh-hans"):
        export_to_path(registry.get("visits"), Visit.objects.all(), path, user=office, style="labels")
    text = path.read_text(encoding="utf-8-sig")
    assert "甲院来访" in text and "C01234567" not in text


def test_a_leader_may_export_visits_but_imports_nothing(leader):
    assert registry.can_export(leader, registry.get("visits"))
    assert not registry.can_import(leader, registry.get("visits"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_with_members_and_lectures_explained(office_client, fmt):
    response = office_client.get(reverse("dataexchange:template", args=["visits", fmt]))
    assert response.status_code == 200


def test_the_index_lists_visits_for_a_coordinator(coord_a_client):
    index = coord_a_client.get(reverse("dataexchange:index")).content.decode()
    assert reverse("dataexchange:export", args=["visits", "csv"]) in index


def test_the_visits_list_exports_the_filtered_visits_without_personal_data(office_client, faculty_a):
    _visit_with_parts(faculty_a, title="甲院来访")
    _visit_with_parts(faculty_a, title="已关闭的来访", status=Visit.Status.CLOSED)

    response = office_client.get(reverse("visits:visit-list"), {"export": "csv", "style": "codes", "status": "draft"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "甲院来访" in text and "已关闭的来访" not in text
    assert "Kenji Sato (JP, Professor — Kyoto University)" in text
    assert "C01234567" not in text and "1971-04-03" not in text
