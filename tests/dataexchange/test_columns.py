"""The converters that read a cell: what each accepts and how it explains a refusal."""

import datetime
from decimal import Decimal

import pytest
from django.utils.functional import lazy
from django.utils.translation import get_language

from dataexchange.columns import Bool, CellError, Choice, Country, Date, Integer, ManyToMany
from dataexchange.columns import Decimal as DecimalColumn
from dataexchange.files import unneutralise
from dataexchange.writing import neutralise
from exchanges.models import Mobility
from faculties.models import Faculty


@pytest.mark.parametrize("text", ["yes", "YES", "true", "True", "1", "是", "y"])
def test_yes_no_column_accepts_every_spelling_of_yes(text):
    assert Bool().parse(text) is True


@pytest.mark.parametrize("text", ["no", "No", "false", "FALSE", "0", "否", "n"])
def test_yes_no_column_accepts_every_spelling_of_no(text):
    assert Bool().parse(text) is False


def test_yes_no_column_refuses_maybe():
    with pytest.raises(CellError, match="yes/no"):
        Bool().parse("maybe")


pytestmark = pytest.mark.usefixtures("english")


def _label(english: str, chinese: str):
    """A label that reads in the active language, as a translated ``TextChoices`` label does."""
    return lazy(lambda: chinese if (get_language() or "").startswith("zh") else english, str)()


DIRECTIONS = [("outbound", _label("Outbound", "出境")), ("inbound", _label("Inbound", "来华"))]


@pytest.mark.parametrize(("text", "code"), [
    ("outbound", "outbound"), ("OUTBOUND", "outbound"), ("Outbound", "outbound"), ("出境", "outbound"),
    ("inbound", "inbound"), ("来华", "inbound"),
])
def test_choice_column_accepts_code_english_and_chinese_label(text, code):
    assert Choice(DIRECTIONS).parse(text) == code


def test_choice_column_names_the_labels_and_codes_it_takes_when_the_value_is_unknown():
    with pytest.raises(CellError) as error:
        Choice(Mobility.Direction).parse("sideways")
    assert str(error.value) == ("“sideways” is not one of the choices. Write one of: Outbound (outbound), "
                                "Inbound (inbound).")


def test_date_column_refuses_30_february():
    with pytest.raises(CellError, match="2025-02-30"):
        Date().parse("2025-02-30")


def test_date_column_refuses_a_day_first_date():
    with pytest.raises(CellError, match="YYYY-MM-DD"):
        Date().parse("01/03/2025")


def test_date_column_reads_a_spreadsheet_date_cell():
    assert Date().parse("2025-03-01 00:00:00") == datetime.date(2025, 3, 1)


def test_decimal_column_refuses_a_negative_amount():
    with pytest.raises(CellError, match="less than 0"):
        DecimalColumn(min_value=0).parse("-100")


def test_decimal_column_refuses_more_decimal_places_than_the_field_keeps():
    with pytest.raises(CellError, match="decimal places"):
        DecimalColumn().parse("1.005")


def test_decimal_column_reads_thousands_separators():
    assert DecimalColumn().parse("80,000.50") == Decimal("80000.50")


def test_integer_column_reads_a_spreadsheet_whole_number():
    assert Integer().parse("12.0") == 12


def test_integer_column_refuses_a_fraction():
    with pytest.raises(CellError, match="whole number"):
        Integer().parse("12.5")


def test_country_column_accepts_a_lower_case_code():
    assert Country().parse("gb") == "GB"


@pytest.mark.parametrize("text", ["XX", "QQQ", "Atlantis", "G"])
def test_country_column_refuses_what_is_not_an_iso_code(text):
    with pytest.raises(CellError, match="ISO 3166"):
        Country().parse(text)


@pytest.mark.parametrize(("text", "code"), [("UK", "GB"), ("England", "GB"), ("GBR", "GB"), ("usa", "US")])
def test_country_column_reads_the_names_and_codes_people_write(text, code):
    assert Country().parse(text) == code


def test_list_column_names_every_unknown_faculty(office):
    Faculty.objects.create(code="A", name_zh="甲", name_en="A")
    column = ManyToMany(Faculty, "code")
    column.prepare(["A; X; Y"], user=office)
    with pytest.raises(CellError) as error:
        column.parse("A; X; Y")
    assert "X" in str(error.value) and "Y" in str(error.value)


@pytest.mark.parametrize("text", ["=1+1", "+86 10", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_prefixed_and_read_back_unchanged(text):
    exported = neutralise(text)
    assert exported == "'" + text
    assert unneutralise(exported) == text


@pytest.mark.parametrize("value", [Decimal("-5.00"), -3, 0, Decimal("12.5")])
def test_numbers_are_never_prefixed(value):
    assert neutralise(value) == value


def test_text_starting_with_a_quote_but_no_formula_is_read_as_written():
    assert unneutralise("'quoted'") == "'quoted'"
