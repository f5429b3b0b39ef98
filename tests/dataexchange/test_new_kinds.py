"""The six kinds added with issue 15 (language tests, teaching evaluations, leading group,
program courses and enrolments, disciplines), and the Chinese headings, aliases, synonyms and
names every kind accepts.

Each new kind: its export imports again unchanged (csv and xlsx, codes and Chinese labels), a
coordinator imports only their faculty's rows, a bad row is named by row and column and
nothing is written, and its list page exports.  The Chinese checks read the labels from the
models' own translations (locale/zh_Hans), never from strings written here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from dataexchange import registry
from dataexchange.columns import Choice, normalise
from dataexchange.signals import records_imported
from dataexchange.writing import export_to_path
from exchanges.models import Mobility, StudentLanguageTest
from faculties.models import Discipline, LeadingGroupMember
from programs.models import ProgramCourse, ProgramEnrollment
from staff.models import TeachingEvaluation
from tests.dataexchange.helpers import assert_round_trip, csv_file, snapshot
from tests.factories import (
    CooperativeProgramFactory,
    DisciplineFactory,
    LeadingGroupMemberFactory,
    ProgramCourseFactory,
    ProgramEnrollmentFactory,
    StaffMemberFactory,
    StudentLanguageTestFactory,
    TeachingEvaluationFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_KINDS = {
    "language_tests": StudentLanguageTest,
    "teaching_evaluations": TeachingEvaluation,
    "leading_group": LeadingGroupMember,
    "program_courses": ProgramCourse,
    "program_enrollments": ProgramEnrollment,
    "disciplines": Discipline,
}


def rows(header: str, *lines: str):
    return csv_file("\n".join([header, *lines]) + "\n")


@pytest.fixture
def new_kind_records(faculty_a, faculty_b):
    """Two records of each new kind, one in faculty A and one in faculty B, with Chinese and
    formula-like text an export must carry intact."""
    teacher_a = StaffMemberFactory(faculty=faculty_a, staff_no="T1001", name="王老师")
    teacher_b = StaffMemberFactory(faculty=faculty_b, staff_no="T2001", name="Emily Carter")
    program_a = CooperativeProgramFactory(faculty=faculty_a, code="P001", name_zh="中英计算机科学与技术本科教育项目",
                                          name_en="Computer Science with Leeds")
    program_b = CooperativeProgramFactory(faculty=faculty_b, code="P002", name_zh="中法工商管理硕士教育项目",
                                          name_en="Business Administration with Rennes")
    StudentLanguageTestFactory(faculty=faculty_a, student_id="2023000001", test="ielts",
                               date=datetime.date(2025, 3, 1), score=Decimal("6.5"))
    StudentLanguageTestFactory(faculty=faculty_b, student_id="2022000002", test="toefl",
                               date=datetime.date(2024, 11, 16), score=Decimal("98"))
    TeachingEvaluationFactory(staff_member=teacher_a, semester="2025-2026-1", source="students", course="",
                              score=Decimal("91.50"), feedback="讲解清楚，互动充分")
    TeachingEvaluationFactory(staff_member=teacher_b, semester="2024-2025-2", source="peers", course="",
                              score=Decimal("88"), feedback="=优秀")
    LeadingGroupMemberFactory(faculty=faculty_a, name="李华", position="院长", group_role="leader")
    LeadingGroupMemberFactory(faculty=faculty_b, name="赵敏", position="分管外事副院长", group_role="deputy")
    ProgramCourseFactory(program=program_a, course="高等数学", credits=Decimal("4.5"), hours=64, is_core=True,
                         is_introduced=True, partner_taught_hours=32)
    ProgramCourseFactory(program=program_b, course="Academic English", credits=Decimal("3"), hours=48)
    ProgramEnrollmentFactory(program=program_a, year=2025, students=60)
    ProgramEnrollmentFactory(program=program_b, year=2024, students=45)
    DisciplineFactory(faculty=faculty_a, name_zh="计算机科学与技术", name_en="Computer Science", is_key=True)
    DisciplineFactory(faculty=faculty_b, name_zh="工商管理", name_en="", is_national_first_class=True)


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind_name", NEW_KINDS)
def test_each_new_kind_imports_its_own_export_unchanged(office, new_kind_records, tmp_path, kind_name, fmt):
    assert registry.get(kind_name).model.objects.count() == 2
    assert_round_trip(kind_name, office, tmp_path, fmt)  # codes and Chinese labels, the same bytes again


@pytest.mark.parametrize("kind_name", NEW_KINDS)
def test_an_export_in_chinese_labels_imports_into_an_empty_database_as_the_same_records(
        office, new_kind_records, tmp_path, kind_name):
    kind = registry.get(kind_name)
    key_fields = [kind.column(name).field for name in kind.key]
    fields = [column.field for column in kind.columns]
    before = sorted(kind.model.objects.values_list(*fields))
    path = tmp_path / f"{kind_name}.xlsx"
    with translation.override("zh-hans"):
        export_to_path(kind, kind.model.objects.all(), path, user=office, style="labels")
        kind.model.objects.all().delete()
        result = registry.import_rows(kind, path, user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert result.created == 2
    assert sorted(kind.model.objects.values_list(*fields)) == before
    assert kind.model.objects.values(*key_fields).distinct().count() == 2


# --- who may import what ---------------------------------------------------------------------

# (kind, header, a row of faculty A, the same row for faculty B, the column refused for B)
COORDINATOR_CASES = [
    ("language_tests", "faculty,student_id,test,date,score",
     "A,2024000009,ielts,2025-05-10,7", "B,2024000010,ielts,2025-05-10,7", "faculty"),
    ("teaching_evaluations", "staff_no,semester,source,course,score,feedback",
     "T1001,2024-2025-1,supervisors,,85,", "T2001,2024-2025-1,supervisors,,85,", "staff_no"),
    ("leading_group", "faculty,name,position,group_role",
     "A,周杰,系主任,member", "B,周杰,系主任,member", "faculty"),
    ("program_courses", "program,course,credits,hours,is_core,is_introduced,partner_taught_hours",
     "P001,数据结构,3,48,yes,no,0", "P002,数据结构,3,48,yes,no,0", "program"),
    ("program_enrollments", "program,year,students", "P001,2023,30", "P002,2023,30", "program"),
    ("disciplines", "faculty,name_zh,name_en,is_key,is_national_first_class",
     "A,软件工程,Software Engineering,no,no", "B,会计学,Accounting,no,no", "faculty"),
]


@pytest.mark.parametrize(("kind_name", "header", "own", "other", "column"), COORDINATOR_CASES)
def test_a_coordinator_imports_their_faculty_rows_and_another_facultys_row_refuses_the_file(
        coord_a, new_kind_records, kind_name, header, own, other, column):
    model = NEW_KINDS[kind_name]
    count = model.objects.count()

    refused = registry.import_rows(kind_name, rows(header, own, other), user=coord_a, dry_run=False)

    assert not refused.ok
    assert [(e.row, e.column) for e in refused.errors] == [(3, column)]
    assert model.objects.count() == count, "nothing is written"
    accepted = registry.import_rows(kind_name, rows(header, own), user=coord_a, dry_run=False)
    assert accepted.ok, [str(e) for e in accepted.errors]
    assert (accepted.created, model.objects.count()) == (1, count + 1)


@pytest.mark.parametrize("kind_name", NEW_KINDS)
def test_coordinators_may_import_the_new_kinds_and_leaders_may_not(coord_a, leader, kind_name):
    assert registry.may_import(coord_a, kind_name)
    assert not registry.may_import(leader, kind_name)


# --- bad rows --------------------------------------------------------------------------------

# (kind, header, a good row, a bad row, the column the bad row is refused in)
BAD_ROWS = [
    ("language_tests", "faculty,student_id,test,date,score",
     "A,2024000009,ielts,2025-05-10,7", "A,2024000010,雅思,2025-05-10,-1", "score"),
    ("language_tests", "faculty,student_id,test,date,score",
     "A,2024000009,ielts,2025-05-10,7", "A,2024000010,普通话,2025-05-10,80", "test"),
    ("teaching_evaluations", "staff_no,semester,source,course,score,feedback",
     "T1001,2024-2025-1,supervisors,,85,", "T1001,2024-2026-1,peers,,85,", "semester"),
    ("teaching_evaluations", "staff_no,semester,source,course,score,feedback",
     "T1001,2024-2025-1,supervisors,,85,", "T1001,2024-2025-1,peers,,101,", "score"),
    ("leading_group", "faculty,name,position,group_role",
     "A,周杰,系主任,member", "A,吴刚,系副主任,boss", "group_role"),
    ("program_courses", "program,course,credits,hours,is_core,is_introduced,partner_taught_hours",
     "P001,数据结构,3,48,yes,no,0", "P001,操作系统,3,48,yes,yes,64", "partner_taught_hours"),
    ("program_enrollments", "program,year,students", "P001,2023,30", "P001,1800,30", "year"),
    ("disciplines", "faculty,name_zh,name_en,is_key,is_national_first_class",
     "A,软件工程,Software Engineering,no,no", "A,人工智能,AI,maybe,no", "is_key"),
]


@pytest.mark.parametrize(("kind_name", "header", "good", "bad", "column"), BAD_ROWS)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
        office, new_kind_records, kind_name, header, good, bad, column):
    model = NEW_KINDS[kind_name]
    before = snapshot(model)

    result = registry.import_rows(kind_name, rows(header, good, bad), user=office, dry_run=False)

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert "row 3" in str(result.errors[0])
    assert snapshot(model) == before


def test_the_same_key_twice_in_a_file_is_refused(office, new_kind_records):
    result = registry.import_rows("program_enrollments", rows(
        "program,year,students", "P001,2023,30", "P001,2023,31"), user=office, dry_run=False)
    assert not result.ok and [e.row for e in result.errors] == [3]
    assert not ProgramEnrollment.objects.filter(year=2023).exists()


def test_an_existing_record_is_updated_by_its_key_with_one_version_more(office, new_kind_records):
    evaluation = TeachingEvaluation.objects.get(staff_member__staff_no="T1001")
    result = registry.import_rows("teaching_evaluations", rows(
        "staff_no,semester,source,course,score,feedback", "T1001,2025-2026-1,students,,93,有进步"),
        user=office, dry_run=False)
    assert (result.ok, result.created, result.updated) == (True, 0, 1)
    evaluation_after = TeachingEvaluation.objects.get(pk=evaluation.pk)
    assert (evaluation_after.score, evaluation_after.feedback) == (Decimal("93"), "有进步")
    assert evaluation_after.version == evaluation.version + 1


# --- the years an import reports -------------------------------------------------------------


@pytest.mark.parametrize(("kind_name", "header", "lines", "years"), [
    ("language_tests", "faculty,student_id,test,date,score",
     ["A,2024000009,ielts,2023-05-10,7", "A,2024000009,toefl,2024-01-10,90"], {2023, 2024}),
    # Autumn 2024-2025-1 falls in 2024, spring 2024-2025-2 in 2025.
    ("teaching_evaluations", "staff_no,semester,source,course,score,feedback",
     ["T1001,2024-2025-1,peers,,85,", "T1001,2024-2025-2,peers,,86,"], {2024, 2025}),
    ("program_enrollments", "program,year,students", ["P001,2021,30", "P001,2022,31"], {2021, 2022}),
])
def test_an_import_reports_the_years_its_rows_fall_in(
        office, new_kind_records, django_capture_on_commit_callbacks, kind_name, header, lines, years):
    sent = []

    def receiver(sender, **kwargs):
        sent.append((sender, kwargs["years"]))

    records_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert registry.import_rows(kind_name, rows(header, *lines), user=office, dry_run=False).ok
    finally:
        records_imported.disconnect(receiver)
    assert sent == [(NEW_KINDS[kind_name], years)]


# --- Chinese headings, synonyms and names ----------------------------------------------------


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _zh_label(model, field: str, code: str | None = None) -> str:
    """The Chinese verbose name of ``field``, or of its choice ``code``, from locale/zh_Hans."""
    model_field = model._meta.get_field(field)
    if code is None:
        return _zh(model_field.verbose_name)
    return _zh(dict(model_field.choices)[code])


def test_language_tests_read_chinese_headings_faculty_names_and_test_synonyms(office, new_kind_records):
    header = ",".join([_zh_label(StudentLanguageTest, "faculty"), _zh_label(StudentLanguageTest, "student_id"),
                       "考试类型", "考试日期", "分数"])
    result = registry.import_rows("language_tests", rows(
        header,
        "甲学院,2024000101,雅思,2025-06-14,7.5",
        "Faculty B,2024000102,托福,2025-06-21,102",
    ), user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    found = dict(StudentLanguageTest.objects.filter(student_id__startswith="2024").values_list("student_id", "test"))
    assert found == {"2024000101": "ielts", "2024000102": "toefl"}
    assert StudentLanguageTest.objects.get(student_id="2024000102").faculty.code == "B"


def test_evaluations_read_a_staff_number_under_gonghao_and_source_synonyms(office, new_kind_records):
    result = registry.import_rows("teaching_evaluations", rows(
        "工号,学期,评价来源,课程,得分,评价意见",
        "T1001,2024-2025-2,督导,,86,",
        "T1001,2024-2025-2,学评教,高级英语写作,90,",
    ), user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert set(TeachingEvaluation.objects.filter(semester="2024-2025-2", staff_member__staff_no="T1001")
               .values_list("source", "course")) == {("supervisors", ""), ("students", "高级英语写作")}


def test_leading_group_roles_read_labels_and_synonyms(office, faculty_a):
    labels = {code: _zh_label(LeadingGroupMember, "group_role", code) for code in ("leader", "member")}
    result = registry.import_rows("leading_group", rows(
        "学院,姓名,职务,小组职务",
        f"A,李华,院长,{labels['leader']}",
        f"甲学院,王芳,副院长,{labels['member']}",
        "A,赵强,外事办公室主任,联络员",
    ), user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert dict(LeadingGroupMember.objects.values_list("name", "group_role")) == {
        "李华": "leader", "王芳": "member", "赵强": "secretary"}


def test_program_rows_name_the_program_by_its_chinese_name(office, new_kind_records):
    result = registry.import_rows("program_enrollments", rows(
        "项目,招生年度,招生人数", "中英计算机科学与技术本科教育项目,2023,58"), user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert ProgramEnrollment.objects.get(year=2023).program.code == "P001"


def test_disciplines_read_chinese_yes_and_no(office, faculty_a):
    result = registry.import_rows("disciplines", rows(
        "学院,学科名称,英文名称,是否重点学科,国家一流专业",
        "A,软件工程,Software Engineering,是,否",
        "A,人工智能,,否,是",
    ), user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    assert dict(Discipline.objects.values_list("name_zh", "is_key")) == {"软件工程": True, "人工智能": False}
    assert Discipline.objects.get(name_zh="人工智能").is_national_first_class


def test_a_mobility_names_a_staff_member_by_name_decided_by_the_rows_faculty(office, faculty_a, faculty_b):
    # Two teachers share a name; the row's faculty says which one it is.
    mine = StaffMemberFactory(faculty=faculty_a, staff_no="T1001", name="张伟")
    StaffMemberFactory(faculty=faculty_b, staff_no="T2001", name="张伟")
    header = "faculty,direction,person_kind,person_name,person_id,staff_no,partner,country,activity," \
             "starts_on,ends_on,status,funding_scheme,amount"
    result = registry.import_rows("mobilities", rows(
        header, "A,出国,teacher,张伟,T1001,张伟,,GB,访问交流,2025-04-01,2025-04-10,planned,,"),
        user=office, dry_run=False)
    assert result.ok, (result.file_errors, [str(e) for e in result.errors])
    mobility = Mobility.objects.get()
    assert (mobility.staff_member, mobility.direction, mobility.activity) == (mine, "outbound", "visit")


def test_a_staff_name_two_members_share_is_refused_where_no_faculty_decides(office, faculty_a, faculty_b):
    StaffMemberFactory(faculty=faculty_a, staff_no="T1001", name="张伟")
    StaffMemberFactory(faculty=faculty_b, staff_no="T2001", name="张伟")
    result = registry.import_rows("teaching_evaluations", rows(
        "staff_no,semester,source,course,score,feedback", "张伟,2024-2025-1,peers,,85,"), user=office, dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(2, "staff_no")]
    assert "T1001" in str(result.errors[0]) or "T2001" in str(result.errors[0])
    assert not TeachingEvaluation.objects.exists()


# --- every kind's headings and choice words are unambiguous ------------------------------------


def _titles(column) -> list[str]:
    """Every heading a column answers to: its code, its labels in both languages, its aliases."""
    with translation.override("en"):
        english = str(column.label)
    return [column.name, english, _zh(column.label), *column.aliases]


@pytest.mark.parametrize("kind_name", [kind.name for kind in registry.kinds()])
def test_no_heading_or_alias_of_a_kind_names_two_of_its_columns(kind_name):
    kind = registry.get(kind_name)
    for column in kind.columns:
        for title in _titles(column):
            assert kind.column_for_header(title) is column, f"{kind_name}: “{title}” names another column"
            others = [other.name for other in kind.columns if other is not column and other.matches(title)]
            assert not others, f"{kind_name}: “{title}” of {column.name} also names {others}"


@pytest.mark.parametrize("kind_name", [kind.name for kind in registry.kinds()])
def test_every_choice_word_reads_as_one_code(kind_name):
    """Each synonym, label and code of a choice column parses to its own code, so no word is
    given to two codes."""
    kind = registry.get(kind_name)
    for column in kind.columns:
        converter = column.converter
        if not isinstance(converter, Choice):
            continue
        for code, label in converter.choices:
            words = [code, _zh(label), *converter.synonyms.get(code, ())]
            with translation.override("en"):
                words.append(str(label))
            for word in words:
                assert converter.parse(word) == code, f"{kind_name}.{column.name}: “{word}” is not {code}"
        spoken = [normalise(word) for words in converter.synonyms.values() for word in words]
        assert len(spoken) == len(set(spoken)), f"{kind_name}.{column.name}: a synonym is given twice"


def test_the_office_words_of_the_brief_read_as_their_codes():
    mobilities = registry.get("mobilities")
    expected = {
        "direction": {"出国": "outbound", "出访": "outbound", "派出": "outbound", "外派": "outbound",
                      "来华": "inbound", "来访": "inbound", "来校": "inbound"},
        "activity": {"访问交流": "visit", "交换学习": "semester_exchange", "讲座": "lecture", "参会": "conference",
                     "暑期研修": "summer_study_tour", "短期研修": "summer_study_tour", "实习": "internship"},
        "status": {"已审批": "approved", "已获批": "approved", "批准": "approved", "已完成": "completed",
                   "已结束": "completed", "计划": "planned", "拟派": "planned"},
    }
    for name, words in expected.items():
        converter = mobilities.column(name).converter
        assert {word: converter.parse(word) for word in words} == words
    assert registry.get("staff").column("category").converter.parse("专任教师") == "domestic"


# --- the list pages export and offer the import -----------------------------------------------

LIST_PAGES = {
    "language_tests": "exchanges:languagetest-list",
    "teaching_evaluations": "staff:evaluation-list",
    "leading_group": "faculties:leadinggroupmember-list",
    "program_courses": "programs:course-list",
    "program_enrollments": "programs:enrollment-list",
    "disciplines": "faculties:discipline-list",
}


@pytest.mark.parametrize(("kind_name", "url_name"), LIST_PAGES.items())
def test_each_new_kinds_list_exports_what_the_coordinator_sees_and_offers_the_import(
        coord_a, new_kind_records, client, kind_name, url_name):
    client.force_login(coord_a)
    url = reverse(url_name)

    page = client.get(url)
    response = client.get(url, {"export": "csv", "style": "codes"})

    assert page.context["export_kind"] == kind_name
    assert page.context["import_url"] == reverse("dataexchange:import", args=[kind_name])
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [column.name for column in registry.get(kind_name).columns]
    assert len(lines) == 2, "only faculty A's record"
