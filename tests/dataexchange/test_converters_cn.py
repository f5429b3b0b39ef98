"""Cells as a Chinese office writes them (issue 15): the converters' forms, refusals and labels.

Messages are checked in English (the ``english`` fixture).  Chinese output is checked only
through words the catalogue already translates (choice labels, field names, 是/否) and
django-countries' own names, so these tests need no new translation.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from dataexchange import registry
from dataexchange.columns import (
    Ambiguous,
    Bool,
    CellError,
    Choice,
    Column,
    Country,
    Date,
    ForeignKey,
    Integer,
    ManyToMany,
    Text,
    header_word,
    normalise,
)
from dataexchange.columns import Decimal as DecimalColumn
from dataexchange.kinds import Kind
from exchanges.models import Mobility, PartnerInstitution
from faculties.models import Faculty
from intlportal import access
from staff.models import StaffMember
from tests.factories import PartnerFactory, StaffMemberFactory

pytestmark = pytest.mark.usefixtures("english")


def in_chinese(function, *args):
    with translation.override("zh-hans"):
        return function(*args)


# --- words and headers ---------------------------------------------------------------------

def test_normalise_makes_full_width_half_width_drops_spaces_and_folds_case():
    assert normalise("  Ｆｕｒｔｈｅｒ  Study ") == "furtherstudy"
    assert normalise("２０２５年") == "2025年"


@pytest.mark.parametrize("title", ["开始日期", "开始日期*", "*开始日期", "开始日期（必填）", "开始日期(必填)",
                                   "开始日期 ＊", "Starts on (required)", " starts on ", "STARTS_ON"])
def test_a_header_names_a_column_by_code_or_label_in_either_language_with_or_without_a_required_mark(title):
    column = Column("starts_on", Date())
    column.bind(Mobility)
    assert column.matches(title)


def test_a_header_does_not_name_another_column():
    column = Column("starts_on", Date())
    column.bind(Mobility)
    assert not column.matches("结束日期") and not column.matches("") and not column.matches("*")


def test_required_marks_alone_are_not_stripped_to_nothing():
    assert header_word("*") == "*" and header_word("(必填)") == "(必填)"


def test_a_column_heads_its_file_with_its_code_or_its_label_in_the_active_language():
    column = Column("starts_on", Date())
    column.bind(Mobility)
    assert column.heading("codes") == "starts_on"
    assert column.heading("labels") == "Starts on"
    assert in_chinese(column.heading, "labels") == "开始日期"


def test_a_column_given_a_label_and_aliases_answers_to_them():
    column = Column("staff_no", ForeignKey(StaffMember, "staff_no"), field="staff_member", label="Staff no.",
                    aliases=("工号", "教工号"))
    column.bind(Mobility)
    assert column.heading("labels") == "Staff no."
    assert column.matches("工号") and column.matches("教工号 *") and column.matches("staff no.")


def test_a_column_of_no_model_field_is_labelled_by_its_code():
    column = Column("remarks", Text())
    column.bind(Mobility)
    assert column.heading("labels") == "Remarks" and column.matches("remarks")


def _kind(*columns):
    return Kind(name="test", model=Mobility, columns=list(columns), key=(columns[0].name,))


def test_a_kind_finds_the_column_a_header_names():
    kind = _kind(Column("starts_on", Date()), Column("ends_on", Date(), aliases=("截止日期",)))
    assert kind.column_for_header("开始日期（必填）").name == "starts_on"
    assert kind.column_for_header("截止日期").name == "ends_on"
    assert kind.column_for_header("Ends on").name == "ends_on"
    assert kind.column_for_header("备注") is None


def test_a_code_names_its_own_column_whatever_another_columns_alias_says():
    kind = _kind(Column("starts_on", Date()), Column("ends_on", Date(), aliases=("starts_on",)))
    assert kind.column_for_header("starts_on").name == "starts_on"


def test_two_columns_answering_to_the_same_header_is_a_programming_error():
    kind = _kind(Column("starts_on", Date(), aliases=("日期",)), Column("ends_on", Date(), aliases=("日期",)))
    with pytest.raises(ValueError, match="日期"):
        kind.column_for_header("日期")


@pytest.mark.parametrize("kind", registry.kinds(), ids=lambda kind: kind.name)
def test_no_two_columns_of_a_registered_kind_answer_to_the_same_header(kind):
    seen: dict[str, str] = {}
    for column in kind.columns:
        for word in column.words():
            assert seen.setdefault(word, column.name) == column.name, (
                f"{kind.name}: {seen[word]} and {column.name} both answer to {word!r}")
    for column in kind.columns:
        assert kind.column_for_header(column.name) is column
        assert kind.column_for_header(column.heading("labels")) is column
        assert kind.column_for_header(in_chinese(column.heading, "labels")) is column


@pytest.mark.parametrize("kind", registry.kinds(), ids=lambda kind: kind.name)
def test_every_choice_of_a_registered_kind_reads_back_its_labels_in_both_languages(kind):
    for column in kind.columns:
        if isinstance(column.converter, Choice):
            for code, _label in column.converter.choices:
                assert column.converter.parse(column.converter.export_label(code)) == code
                assert column.converter.parse(in_chinese(column.converter.export_label, code)) == code


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2025-03-01", "2025-3-1", "2025/3/1", "2025/03/01", "2025.3.1", "2025年3月1日", "2025年3月1", "2025 年 3 月 1 日",
    "２０２５年３月１日", "２０２５－０３－０１", "20250301", "2025-03-01 00:00:00", "2025-03-01T00:00:00",
    "2025/3/1 9:30", "45717", "45717.0",
])
def test_date_column_reads_the_forms_offices_type(text):
    assert Date().parse(text) == datetime.date(2025, 3, 1)


def test_date_column_reads_an_excel_serial_from_day_one():
    assert Date().parse("1") == datetime.date(1899, 12, 31)
    assert Date().parse("2958465") == datetime.date(9999, 12, 31)


@pytest.mark.parametrize("text", ["3/1/2025", "01/03/2025", "1.3.2025", "25/12/2025"])
def test_date_column_refuses_a_date_with_the_year_last_as_ambiguous(text):
    with pytest.raises(CellError) as error:
        Date().parse(text)
    assert str(error.value) == (f"“{text}” has the year last, so the day and the month could be either way round: "
                                "write the year first, YYYY-MM-DD, e.g. 2025-03-01.")


@pytest.mark.parametrize(("text", "message"), [
    ("2025-02-30", "“2025-02-30” is not a date: month 2 of 2025 has no day 30."),
    ("2025年2月30日", "“2025年2月30日” is not a date: month 2 of 2025 has no day 30."),
    ("20250230", "“20250230” is not a date: month 2 of 2025 has no day 30."),
    ("2025/13/1", "“2025/13/1” is not a date: there is no month 13."),
    ("2025-00-10", "“2025-00-10” is not a date: there is no month 0."),
    ("2025-03-00", "“2025-03-00” is not a date: month 3 of 2025 has no day 0."),
])
def test_date_column_names_what_it_read_in_an_impossible_date(text, message):
    with pytest.raises(CellError) as error:
        Date().parse(text)
    assert str(error.value) == message


@pytest.mark.parametrize("text", ["2025", "202503", "2025年3月", "2025-3/1", "next monday", "0", "2958466",
                                  "45717.5", "25-3-1"])
def test_date_column_refuses_what_is_no_whole_date(text):
    with pytest.raises(CellError) as error:
        Date().parse(text)
    assert str(error.value) == f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01."


def test_date_column_describes_its_forms_and_gives_an_example():
    assert "2025年3月1日" in Date().describe() and "2025/3/1" in Date().describe()
    assert Date().parse(Date().example()) == datetime.date(2025, 3, 1)


# --- numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("￥5,000", "5000"), ("¥5000", "5000"), ("5000元", "5000"), ("5,000.50 元", "5000.50"), ("1.5万元", "15000"),
    ("1.5万", "15000"), ("RMB 80，000.50", "80000.50"), ("CNY5000", "5000"), ("人民币5000元", "5000"),
    ("５０００", "5000"), (" 5000 ", "5000"), ("5000RMB", "5000"), ("1.23456万", "12345.60"), ("0.5", "0.5"),
    ("-￥5", "-5"),
])
def test_decimal_column_reads_amounts_as_offices_write_them(text, value):
    assert DecimalColumn().parse(text) == Decimal(value)


def test_decimal_column_checks_places_after_multiplying_by_ten_thousand():
    assert DecimalColumn().parse("1.000005万") == Decimal("10000.05")
    with pytest.raises(CellError) as error:
        DecimalColumn().parse("1.0000005万")
    assert str(error.value) == "“1.0000005万” has more than 2 decimal places."


def test_decimal_column_refuses_a_negative_amount_in_yuan():
    with pytest.raises(CellError) as error:
        DecimalColumn(min_value=0).parse("-5元")
    assert str(error.value) == "-5元 is less than 0."


@pytest.mark.parametrize("text", ["5千", "五千", "1_000", "NaN", "Infinity", "1e999999999", "¥", "万", "1..5",
                                  "5元5", "--5", "$5"])
def test_decimal_column_refuses_what_is_no_number_and_says_what_it_read(text):
    with pytest.raises(CellError) as error:
        DecimalColumn().parse(text)
    assert str(error.value) == f"“{text}” is not a number."


@pytest.mark.parametrize(("text", "value"), [("１２", 12), ("12.0", 12), ("1,200", 1200), ("1.5万", 15000), (" 7 ", 7)])
def test_integer_column_reads_whole_numbers_as_offices_write_them(text, value):
    assert Integer().parse(text) == value


@pytest.mark.parametrize("text", ["12.5", "3人", "1.00005万", "1e400"])
def test_integer_column_refuses_what_is_no_whole_number(text):
    with pytest.raises(CellError) as error:
        Integer(max_value=10 ** 6).parse(text)
    assert str(error.value) == f"“{text}” is not a whole number."


def test_integer_column_keeps_its_bounds():
    with pytest.raises(CellError, match="more than 2100"):
        Integer(min_value=1990, max_value=2100).parse("2.1万")


def test_number_columns_give_examples_they_read():
    assert DecimalColumn().parse(DecimalColumn().example()) == 5000 and Integer().parse(Integer().example()) == 10


# --- yes and no ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["是", "有", "√", "✓", "YES", "Ｙｅｓ", "true", "1", "y"])
def test_yes_no_column_reads_chinese_and_ticked_yes(text):
    assert Bool().parse(text) is True


@pytest.mark.parametrize("text", ["否", "无", "×", "✗", "No", "false", "0", "n"])
def test_yes_no_column_reads_chinese_and_crossed_no(text):
    assert Bool().parse(text) is False


def test_yes_no_column_says_what_it_reads():
    with pytest.raises(CellError) as error:
        Bool().parse("maybe")
    assert str(error.value) == "“maybe” is not yes or no: write 是/否 (or yes/no, 有/无, √/×, 1/0)."


def test_yes_no_column_exports_codes_or_labels_in_the_active_language_and_reads_them_back():
    column = Bool()
    assert (column.export(True), column.export(False)) == ("yes", "no")
    assert (column.export_label(True), column.export_label(False)) == ("Yes", "No")
    assert (in_chinese(column.export_label, True), in_chinese(column.export_label, False)) == ("是", "否")
    assert in_chinese(column.choices_for_validation) == ["是", "否"] and in_chinese(column.example) == "是"
    for value in (True, False):
        assert column.parse(column.export_label(value)) is value
        assert column.parse(in_chinese(column.export_label, value)) is value


# --- choices -------------------------------------------------------------------------------

DIRECTION = Choice(Mobility.Direction, synonyms={"outbound": ("出国", "出访", "派出"), "inbound": ("来华",)})


@pytest.mark.parametrize(("text", "code"), [
    ("outbound", "outbound"), ("OUTBOUND", "outbound"), ("Outbound", "outbound"), ("出访", "outbound"),
    ("出国", "outbound"), (" 派 出 ", "outbound"), ("来华", "inbound"), ("来访", "inbound"), ("Inbound", "inbound"),
])
def test_choice_column_reads_codes_labels_of_both_languages_and_synonyms(text, code):
    assert DIRECTION.parse(text) == code


def test_choice_column_reads_a_label_written_with_other_spaces_or_widths():
    activity = Choice(Mobility.Activity)
    assert activity.parse("Further  study") == activity.parse("ｆｕｒｔｈｅｒ study") == "further_study"
    assert activity.parse("进修") == "further_study"


def test_choice_column_lists_labels_with_codes_but_not_synonyms_when_refusing():
    with pytest.raises(CellError) as error:
        DIRECTION.parse("出差")
    assert str(error.value) == "“出差” is not one of the choices. Write one of: Outbound (outbound), Inbound (inbound)."
    assert DIRECTION.describe() == "one of: Outbound (outbound), Inbound (inbound)"


def test_choice_column_exports_the_code_or_the_label_of_the_active_language():
    assert DIRECTION.export("outbound") == "outbound"
    assert DIRECTION.export_label("outbound") == "Outbound"
    assert in_chinese(DIRECTION.export_label, "outbound") == "出访"
    assert in_chinese(DIRECTION.choices_for_validation) == ["出访", "来访"]
    assert DIRECTION.example() == "Outbound" and in_chinese(DIRECTION.example) == "出访"


def test_a_word_two_choices_claim_is_a_programming_error():
    clash = Choice(Mobility.Direction, synonyms={"outbound": ("来访",)})
    with pytest.raises(ValueError, match="来访"):
        clash.parse("outbound")


def test_synonyms_of_an_unknown_code_are_a_programming_error():
    with pytest.raises(ValueError, match="sideways"):
        Choice(Mobility.Direction, synonyms={"sideways": ("横向",)})


# --- countries -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code"), [
    ("美国", "US"), ("美利坚合众国", "US"), ("United States", "US"), ("United States of America", "US"),
    ("USA", "US"), ("us", "US"), ("英国", "GB"), ("UK", "GB"), ("Great Britain", "GB"), ("United Kingdom", "GB"),
    ("韩国", "KR"), ("South Korea", "KR"), ("俄罗斯", "RU"), ("Russia", "RU"), ("中国香港", "HK"), ("香港", "HK"),
    ("Hong Kong", "HK"), ("中国澳门", "MO"), ("澳门", "MO"), ("中国台湾", "TW"), ("台湾", "TW"), ("越南", "VN"),
    ("Vietnam", "VN"), ("Viet Nam", "VN"), ("德国", "DE"), ("DEU", "DE"), ("jpn", "JP"), ("Czech Republic", "CZ"),
    ("尼泊尔", "NP"), ("ＵＳＡ", "US"),
])
def test_country_column_reads_names_and_codes_people_write(text, code):
    assert Country().parse(text) == code


def test_country_column_says_what_it_reads():
    with pytest.raises(CellError) as error:
        Country().parse("火星")
    assert str(error.value) == ("“火星” is not a country or region we know: write its Chinese or English name "
                                "(美国, United States) or its ISO 3166 code (US).")


def test_every_country_exports_a_name_in_either_language_that_reads_back():
    from django_countries import countries

    column = Country()
    for code in countries.countries:
        assert column.parse(column.export_label(code)) == code
        assert column.parse(in_chinese(column.export_label, code)) == code


def test_country_column_exports_the_code_or_the_name_of_the_active_language():
    column = Country()
    assert column.export("GB") == "GB" and column.export_label("GB") == "United Kingdom"
    assert in_chinese(column.export_label, "GB") == "英国" and in_chinese(column.example) == "美国"
    assert "美国" in in_chinese(column.choices_for_validation)


# --- references by name ----------------------------------------------------------------------

def faculty_names():
    return ForeignKey(Faculty, "code", names=("name_zh", "name_en"))


@pytest.mark.parametrize(("text", "code"), [("A", "A"), ("甲学院", "A"), ("Faculty B", "B"), ("faculty b", "B"),
                                            (" 乙学院 ", "B")])
def test_a_faculty_is_named_by_code_chinese_or_english_name(office, faculty_a, faculty_b, text, code):
    column = faculty_names()
    column.prepare([text], user=office)
    assert column.parse(text).code == code


def test_a_file_naming_faculties_by_key_costs_one_query_and_by_name_one_more(office, faculty_a, faculty_b,
                                                                           django_assert_num_queries):
    column = faculty_names()
    access.roles(office)  # the user's roles: one query, cached on the user for the request
    with django_assert_num_queries(1):  # codes, IN (...)
        column.prepare(["A", "B"], user=office)
    with django_assert_num_queries(2):  # codes; then lower(code), lower(name_zh), lower(name_en) IN (...)
        column.prepare(["A", "乙学院"], user=office)


def test_a_key_wins_over_another_records_name(office, faculty_a):
    other = Faculty.objects.create(code="X", name_zh="A", name_en="Faculty X")
    column = faculty_names()
    column.prepare(["A", "X"], user=office)
    assert column.parse("A") == faculty_a and column.parse("X") == other


def test_a_faculty_outside_the_users_scope_is_not_found_by_name(coord_a, faculty_a, faculty_b):
    column = faculty_names()
    column.prepare(["乙学院", "甲学院"], user=coord_a)
    assert column.parse("甲学院") == faculty_a
    with pytest.raises(CellError) as error:
        column.parse("乙学院")
    assert str(error.value) == "There is no faculty “乙学院”."


def test_a_name_two_staff_members_share_is_ambiguous_and_lists_them_by_number_and_faculty(office, faculty_a,
                                                                                        faculty_b):
    first = StaffMemberFactory(faculty=faculty_a, staff_no="T0001", name="张伟")
    second = StaffMemberFactory(faculty=faculty_b, staff_no="T0002", name="张伟")
    column = ForeignKey(StaffMember, "staff_no", names=("name",), only=("faculty_id",), narrow_by="faculty")
    column.prepare(["张伟"], user=office)
    with pytest.raises(Ambiguous) as error:
        column.parse("张伟")
    assert error.value.candidates == [first, second]
    assert {candidate.faculty_id for candidate in error.value.candidates} == {faculty_a.pk, faculty_b.pk}
    assert str(error.value) == ("“张伟” names several staff members: T0001 (Faculty A), T0002 (Faculty B). "
                                "Write the staff number instead.")


def test_a_shared_name_is_not_ambiguous_for_a_coordinator_who_sees_one_of_them(coord_a, faculty_a, faculty_b):
    mine = StaffMemberFactory(faculty=faculty_a, staff_no="T0001", name="张伟")
    StaffMemberFactory(faculty=faculty_b, staff_no="T0002", name="张伟")
    column = ForeignKey(StaffMember, "staff_no", names=("name",), narrow_by="faculty")
    column.prepare(["张伟"], user=coord_a)
    assert column.parse("张伟") == mine


@pytest.mark.parametrize("text", ["ox.ac.uk", "OX.AC.UK", "www.ox.ac.uk", "https://www.ox.ac.uk/", "牛津大学",
                                  "University of Oxford", "oxford"])
def test_a_partner_is_named_by_name_chinese_or_english_name_or_a_domain(office, text):
    oxford = PartnerFactory(name="University of Oxford", name_zh="牛津大学", name_en="Oxford", domains=["ox.ac.uk"])
    PartnerFactory(name="University of Oxford Brookes", domains=["brookes.ac.uk", "xox.ac.uk.example"])
    column = ForeignKey(PartnerInstitution, "name", names=("name_zh", "name_en", "domains"))
    column.prepare([text], user=office)
    assert column.parse(text) == oxford


@pytest.mark.parametrize("text", ["ac.uk", "x.ox.ac.uk", "ox.ac"])
def test_a_domain_must_be_one_of_the_partners_domains(office, text):
    PartnerFactory(name="University of Oxford", domains=["ox.ac.uk"])
    column = ForeignKey(PartnerInstitution, "name", names=("name_zh", "name_en", "domains"))
    column.prepare([text], user=office)
    with pytest.raises(CellError, match="no partner institution"):
        column.parse(text)


def test_a_domain_two_partners_list_is_ambiguous(office):
    first = PartnerFactory(name="Alpha", domains=["shared.edu"])
    second = PartnerFactory(name="Beta", domains=["shared.edu", "beta.edu"])
    column = ForeignKey(PartnerInstitution, "name", names=("name_zh", "name_en", "domains"))
    column.prepare(["shared.edu", "beta.edu"], user=office)
    assert column.parse("beta.edu") == second
    with pytest.raises(Ambiguous) as error:
        column.parse("shared.edu")
    assert error.value.candidates == [first, second]
    assert str(error.value) == ("“shared.edu” names several partner institutions: Alpha, Beta. "
                                "Write the name instead.")


def test_faculties_of_an_agreement_are_named_by_name_with_chinese_separators(office, faculty_a, faculty_b):
    column = ManyToMany(Faculty, "code", names=("name_zh", "name_en"))
    cells = ["甲学院、乙学院", "A；Faculty B", "B;A"]
    column.prepare(cells, user=office)
    for cell in cells:
        assert set(column.parse(cell)) == {faculty_a, faculty_b}
    with pytest.raises(CellError) as error:
        column.parse("甲学院、丙学院")
    assert str(error.value) == "There is no faculty “丙学院”."


def test_a_reference_exports_a_name_only_if_the_database_keeps_it_unique(faculty_a, faculty_b):
    # Faculty names are not unique in the database: the labels export writes the code.
    assert faculty_names().export_label(faculty_a) == "A"
    # A faculty's code is: named by it, a reference writes it in place of its own key.
    by_english_name = ForeignKey(Faculty, "name_en", names=("code",))
    assert by_english_name.export(faculty_a) == "Faculty A" and by_english_name.export_label(faculty_a) == "A"
    assert faculty_names().export_label(None) == ""


def test_a_list_of_references_exports_sorted_labels(office, faculty_a, faculty_b):
    from exchanges.models import Agreement

    partner = PartnerFactory(name="Alpha")
    agreement = Agreement.objects.create(partner=partner, kind=Agreement.Kind.FRAMEWORK, title="框架",
                                         starts_on=datetime.date(2025, 1, 1))
    agreement.faculties.set([faculty_b, faculty_a])
    column = ManyToMany(Faculty, "code", names=("name_zh", "name_en"))
    assert column.export(agreement.faculties) == column.export_label(agreement.faculties) == "A;B"


def test_a_reference_describes_every_field_it_reads(faculty_a):
    assert faculty_names().describe() == "code/Chinese name/English name of an existing faculty"
