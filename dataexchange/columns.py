"""The columns of an import/export kind and the converters that read and write their cells.

A converter turns the text of one cell into a Python value (``parse``, raising
``CellError`` with a translated reason) and a value back into what the spreadsheet shows
(``export``).  Converters that name other records by natural key (``ForeignKey``,
``ManyToMany``) look every key of the file up in one query first (``prepare``), so an
import of 10,000 rows does not run 10,000 lookups, and only among the records the importing
user may see (``access.scope_for``): a key outside the user's scope is "not found", exactly
like one that does not exist.

Offices write cells the way they speak (issue 15), so the converters read more than the codes
they export: full-width digits and letters, "2025年3月1日", "￥5,000" and "1.5万元", 是/否,
a choice by its English or Chinese label or a synonym (出国), a country by its name (美国), a
faculty or a partner by its name.  Words are compared after ``normalise``.  An export comes in
one of two ``STYLES``: "codes" (``export``: codes and keys, as before) or "labels"
(``export_label``: the labels of the active language); whatever either writes, ``parse`` reads
back to the same value.
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, UniqueConstraint
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries import countries
from django_countries.base import CountriesBase

from intlportal import access

STYLES = ("codes", "labels")
LANGUAGES = ("en", "zh-hans")  # a cell may name a choice, country or column in either
TRUE_WORDS = frozenset({"yes", "true", "1", "是", "y", "有", "√", "✓", "✔"})
FALSE_WORDS = frozenset({"no", "false", "0", "否", "n", "无", "×", "✗", "✘", "没有"})
LOOKUP_CHUNK = 500  # keys per IN (...) query: well under SQLite's variable limit
TEXT_FIELDS = ("CharField", "TextField", "SlugField", "EmailField")
REQUIRED_MARKS = ("*", "(必填)", "(required)")  # normalised: "（必填）" reads as "(必填)"


def normalise(text: str) -> str:
    """``text`` as compared with the words a column knows: full-width forms made half-width
    (NFKC), every whitespace removed, case folded.  "Ｆｕｒｔｈｅｒ study" and "furtherstudy" match."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def header_word(title: str) -> str:
    """A header cell as compared with a column's names: ``normalise``d, without the marks
    templates put on a required column ("*", "(必填)", "（必填）", "(required)")."""
    word = normalise(title)
    stripped = True
    while stripped and word:
        stripped = False
        for mark in REQUIRED_MARKS:
            if word.endswith(mark) and len(word) > len(mark):
                word, stripped = word[:-len(mark)], True
        if word.startswith("*") and len(word) > 1:
            word, stripped = word[1:], True
    return word


def join_list(items: Iterable[str]) -> str:
    """Items as a list in the active language: "a, b" in English, "a、b" in Chinese."""
    return pgettext("list separator", ", ").join(items)


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the user's language."""


class Ambiguous(CellError):
    """A cell that names several records (two staff members called 张伟): ``candidates`` are
    the records.  The importer may narrow them by the row's faculty (``ForeignKey.narrow_by``)."""

    def __init__(self, message: str | Callable[[], str], candidates: Sequence[Model]):
        # The message may be a function: a row the faculty decides never needs it, and writing
        # it looks up the candidates' faculties (an import naming staff by name decides thousands).
        super().__init__(message if isinstance(message, str) else "")
        self._message = message
        self.candidates = list(candidates)

    def __str__(self) -> str:
        if not isinstance(self._message, str):
            self._message = self._message()
            self.args = (self._message,)
        return self._message


class Converter:
    """Reads and writes the cells of one column.  ``raw`` is the stripped cell text, never ''."""

    def parse(self, raw: str) -> Any:
        return raw

    def export(self, value: Any) -> Any:
        """The cell of an export in the "codes" style."""
        return "" if value is None else value

    def export_label(self, value: Any) -> Any:
        """The cell of an export in the "labels" style, in the active language."""
        return self.export(value)

    # Converters whose labels do not depend on the language (text, numbers, dates, references).
    labels_in_every_language = True

    def label_writer(self, language: str | None):
        """``export_label`` for the many cells of an export in ``language``, whatever language
        is active when it is called (a streamed download reads its rows later)."""
        if self.labels_in_every_language:
            return self.export_label

        def write(value: Any) -> Any:
            with translation.override(language):
                return self.export_label(value)
        return write

    def prepare(self, raws: Iterable[str], *, user) -> None:
        """Called once, for the importing ``user``, with every non-empty cell of the column
        before ``parse``."""

    def describe(self) -> str:
        """What the column accepts, for the template's instructions sheet."""
        return _("text")

    def example(self) -> str:
        """A cell for the template's example row ("" if the converter has none to offer)."""
        return ""

    def choices_for_validation(self) -> list[str] | None:
        """The words a template's drop-down offers in the "labels" style (None: free text)."""
        return None


class Text(Converter):
    pass


_CURRENCY_BEFORE = ("人民币", "rmb", "cny", "¥")
_CURRENCY_AFTER = ("人民币", "rmb", "cny", "yuan", "元")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?")
_MAX_MAGNITUDE = 20  # digits before the point: beyond any amount, and Decimal's precision


def read_number(raw: str) -> decimal.Decimal | None:
    """The number a cell gives, or None: "￥5,000", "5000元", "1.5万元" (15000), "RMB 80，000.50",
    full-width digits.  Currency marks come off either end; 万 multiplies by 10,000."""
    text = normalise(raw).replace(",", "")
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0], text[1:]
    for mark in _CURRENCY_BEFORE:
        if text.startswith(mark):
            text = text[len(mark):]
            break
    for mark in _CURRENCY_AFTER:
        if text.endswith(mark):
            text = text[:-len(mark)]
            break
    tens_of_thousands = text.endswith("万")
    if tens_of_thousands:
        text = text[:-1]
    text = sign + text
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    value = decimal.Decimal(text)
    if value and value.adjusted() > _MAX_MAGNITUDE:
        return None
    return value * 10000 if tens_of_thousands else value


class Integer(Converter):
    def __init__(self, *, min_value: int | None = None, max_value: int | None = None):
        self.min_value, self.max_value = min_value, max_value

    def parse(self, raw: str) -> int:
        number = read_number(raw)  # spreadsheets store whole numbers as 5.0
        if number is None or number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
        value = int(number)
        if self.min_value is not None and value < self.min_value:
            raise CellError(_("%(value)s is less than %(min)s.") % {"value": value, "min": self.min_value})
        if self.max_value is not None and value > self.max_value:
            raise CellError(_("%(value)s is more than %(max)s.") % {"value": value, "max": self.max_value})
        return value

    def describe(self) -> str:
        return _("whole number, e.g. 10")

    def example(self) -> str:
        return "10"


class Decimal(Converter):
    def __init__(self, *, min_value: decimal.Decimal | int | None = None, places: int = 2):
        self.min_value, self.places = min_value, places

    def parse(self, raw: str) -> decimal.Decimal:
        value = read_number(raw)
        if value is None:
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw})
        if self.min_value is not None and value < self.min_value:
            raise CellError(_("%(value)s is less than %(min)s.") % {"value": raw, "min": self.min_value})
        if value != value.quantize(decimal.Decimal(1).scaleb(-self.places), rounding=decimal.ROUND_HALF_UP):
            raise CellError(_("“%(value)s” has more than %(places)s decimal places.")
                            % {"value": raw, "places": self.places})
        return value

    def describe(self) -> str:
        return _("number, e.g. 5000 (also ￥5,000, 5000元 or 1.5万元)")

    def example(self) -> str:
        return "5000"


_TIME_OF_DAY = re.compile(r"(T|\s+)\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_LAST = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{2,4}")
_SERIAL = re.compile(r"(\d{1,7})(\.0+)?")
_SERIAL_ZERO = datetime.date(1899, 12, 30)  # Excel's day 0, past its fictitious 1900-02-29
_SERIAL_MAX = 2958465  # 9999-12-31


class Date(Converter):
    """A date as offices type it: 2025-03-01, 2025-3-1, 2025/3/1, 2025.3.1, 2025年3月1日,
    20250301, a spreadsheet's date cell ("2025-03-01 00:00:00") or its serial number (45717).

    3/1/2025 and 01/03/2025 are refused: day first or month first, nobody can tell.  So is a
    number that reads as a year (2025) or a month (202503) rather than a serial number.
    """

    def parse(self, raw: str) -> datetime.date:
        text = _TIME_OF_DAY.sub("", unicodedata.normalize("NFKC", raw).strip())
        text = "".join(text.split())
        for pattern, year, month, day in ((_YEAR_FIRST, 1, 3, 4), (_CHINESE_DATE, 1, 2, 3), (_COMPACT_DATE, 1, 2, 3)):
            match = pattern.fullmatch(text)
            if match:
                return self._date(raw, int(match[year]), int(match[month]), int(match[day]))
        if _YEAR_LAST.fullmatch(text):
            raise CellError(_("“%(value)s” has the year last, so the day and the month could be either way "
                              "round: write the year first, YYYY-MM-DD, e.g. 2025-03-01.") % {"value": raw})
        match = _SERIAL.fullmatch(text)
        if match and 1 <= int(match[1]) <= _SERIAL_MAX and not self._looks_like_a_year_or_month(match[1]):
            return _SERIAL_ZERO + datetime.timedelta(days=int(match[1]))
        raise CellError(_("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01.") % {"value": raw})

    @staticmethod
    def _looks_like_a_year_or_month(digits: str) -> bool:
        # 2025 or 202503 is someone's year or month, not day 2025 (1905-07-17) of a spreadsheet.
        return (len(digits) == 4 and 1900 <= int(digits) <= 2100
                or len(digits) == 6 and 1900 <= int(digits[:4]) <= 2100 and 1 <= int(digits[4:]) <= 12)

    @staticmethod
    def _date(raw: str, year: int, month: int, day: int) -> datetime.date:
        if not 1 <= month <= 12:
            raise CellError(_("“%(value)s” is not a date: there is no month %(month)s.")
                            % {"value": raw, "month": month})
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise CellError(_("“%(value)s” is not a date: month %(month)s of %(year)s has no day %(day)s.")
                            % {"value": raw, "year": year, "month": month, "day": day}) from None

    def describe(self) -> str:
        return _("date, YYYY-MM-DD, e.g. 2025-03-01 (also 2025/3/1, 2025.3.1, 2025年3月1日, 20250301 "
                 "or a spreadsheet date)")

    def example(self) -> str:
        return "2025-03-01"


class Bool(Converter):
    def parse(self, raw: str) -> bool:
        word = normalise(raw)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s” is not yes or no: write 是/否 (or yes/no, 有/无, √/×, 1/0).")
                        % {"value": raw})

    def export(self, value: Any) -> Any:
        return "yes" if value else "no"

    def export_label(self, value: Any) -> Any:
        return _("Yes") if value else _("No")

    labels_in_every_language = False

    def label_writer(self, language: str | None):
        with translation.override(language):
            yes, no = _("Yes"), _("No")
        return lambda value: yes if value else no

    def describe(self) -> str:
        return _("yes or no: 是/否, 有/无, √/×, yes/no, true/false or 1/0")

    def example(self) -> str:
        return self.export_label(True)

    def choices_for_validation(self) -> list[str]:
        return [self.export_label(True), self.export_label(False)]


def _choice_item(label: str, code: str) -> str:
    return _("%(label)s (%(code)s)") % {"label": label, "code": code}


class Choice(Converter):
    """A choice column: the code (``outbound``), its English or Chinese label, or a synonym
    (``synonyms={"outbound": ("出国", "出访", "派出")}``), whatever the active language."""

    def __init__(self, choices, synonyms: dict[str, Iterable[str]] | None = None):
        self.choices = list(getattr(choices, "choices", choices))
        self._labels = dict(self.choices)  # lazy labels: each export reads the active language
        codes = set(self._labels)
        self.synonyms = {code: tuple(words) for code, words in (synonyms or {}).items()}
        unknown = set(self.synonyms) - codes
        if unknown:
            raise ValueError(f"synonyms for codes that are not choices: {sorted(unknown)}")
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        """Every word a cell may give (normalised) and its code, in both languages at once."""
        if self._lookup is None:
            table: dict[str, str] = {}

            def claim(word: str, code: str) -> None:
                key = normalise(word)
                if key and table.setdefault(key, code) != code:
                    raise ValueError(f"choice word {word!r} names both {table[key]!r} and {code!r}")

            for code, _label in self.choices:
                claim(code, code)
            for language in LANGUAGES:
                with translation.override(language):
                    for code, label in self.choices:
                        claim(str(label), code)
            for code, words in self.synonyms.items():
                for word in words:
                    claim(word, code)
            self._lookup = table
        return self._lookup

    def parse(self, raw: str) -> str:
        code = self.lookup().get(normalise(raw))
        if code is None:
            raise CellError(_("“%(value)s” is not one of the choices. Write one of: %(choices)s.")
                            % {"value": raw, "choices": self._listed()})
        return code

    def _listed(self) -> str:
        return join_list(_choice_item(str(label), code) for code, label in self.choices)

    labels_in_every_language = False

    def export_label(self, value: Any) -> Any:
        if value in (None, ""):
            return ""
        return str(self._labels.get(value, value))

    def label_writer(self, language: str | None):
        # Each label translated once per language, not once per cell of a large export.
        with translation.override(language):
            labels = {code: str(label) for code, label in self._labels.items()}
        return lambda value: "" if value in (None, "") else labels.get(value, value)

    def describe(self) -> str:
        return _("one of: %(choices)s") % {"choices": self._listed()}

    def example(self) -> str:
        return str(self.choices[0][1]) if self.choices else ""

    def choices_for_validation(self) -> list[str]:
        return [str(label) for _code, label in self.choices]


# Names people write that django-countries does not give (it gives each country's English and
# Chinese name, e.g. "United States of America" and 美国, and a few older English names).
COUNTRY_ALIASES = {
    "US": ("美利坚合众国", "United States", "USA", "U.S.", "U.S.A.", "America", "美國"),
    "GB": ("大不列颠及北爱尔兰联合王国", "联合王国", "UK", "U.K.", "Britain", "Great Britain",
           "United Kingdom of Great Britain and Northern Ireland", "英國",
           "英格兰", "苏格兰", "威尔士", "北爱尔兰", "England", "Scotland", "Wales", "Northern Ireland"),
    "KR": ("大韩民国", "南韩", "Korea", "Republic of Korea", "Korea, Republic of", "Korea (South)", "韓國"),
    "NP": ("尼泊尔",),  # django-countries writes 尼珀尔
    "KP": ("朝鲜民主主义人民共和国", "Democratic People's Republic of Korea", "DPRK"),
    "RU": ("俄罗斯联邦", "俄国", "Russian Federation"),
    "CN": ("中华人民共和国", "中国大陆", "People's Republic of China", "PRC", "Mainland China"),
    "HK": ("中国香港", "香港特别行政区", "中国香港特别行政区", "Hong Kong SAR", "Hong Kong, China",
           "Hong Kong SAR, China"),
    "MO": ("中国澳门", "澳门特别行政区", "中国澳门特别行政区", "Macau", "Macao SAR", "Macau SAR",
           "Macao, China", "Macau, China"),
    "TW": ("中国台湾", "台湾地区", "中国台湾地区", "臺灣", "Taiwan, China", "Chinese Taipei"),
    "VN": ("Viet Nam",),
    "LA": ("寮国", "Lao People's Democratic Republic", "Lao PDR"),
    "IR": ("Iran, Islamic Republic of",),
    "SY": ("Syrian Arab Republic",),
    "AE": ("阿联酋", "UAE"),
    "SA": ("沙特",),
    "ID": ("印尼",),
    "NL": ("Holland",),
    "NZ": ("纽西兰",),
    "MK": ("北马其顿",),
    "CZ": ("捷克共和国",),
    "TR": ("Turkey",),
    "CI": ("Ivory Coast",),
    "VA": ("Holy See",),
    # django-countries calls both of these 美属萨摩亚群岛 in Chinese, so neither is read by it.
    "AS": ("美属萨摩亚",),
    "WS": ("萨摩亚", "萨摩亚独立国"),
}


def _country_words() -> dict[str, str]:
    global _COUNTRY_WORDS
    if _COUNTRY_WORDS is None:
        table: dict[str, str] = {}
        clashes: set[str] = set()

        def claim(word: str, code: str) -> None:
            key = normalise(word)
            if key and table.setdefault(key, code) != code:
                clashes.add(key)

        for code in countries.countries:
            claim(code, code)
            claim(countries.alpha3(code), code)
        for language in LANGUAGES:
            with translation.override(language):
                for code in countries.countries:
                    claim(countries.name(code), code)
                for code, names in CountriesBase.OLD_NAMES.items():
                    for name in names:
                        claim(str(name), code)
        for key in clashes:  # a name two countries share names neither
            del table[key]
        for code, words in COUNTRY_ALIASES.items():
            for word in words:
                key = normalise(word)
                if table.setdefault(key, code) != code:
                    raise ValueError(f"country alias {word!r} names both {table[key]!r} and {code!r}")
        _COUNTRY_WORDS = table
    return _COUNTRY_WORDS


_COUNTRY_WORDS: dict[str, str] | None = None
_COUNTRY_LABELS: dict[str, dict[str, str]] = {}


def _country_labels() -> dict[str, str]:
    """Each country's name in the active language (an export writes it 50,000 times)."""
    language = translation.get_language() or ""
    labels = _COUNTRY_LABELS.get(language)
    if labels is None:
        words = _country_words()
        labels = {}
        for code in countries.countries:
            name = str(countries.name(code))
            # A name two countries share would not import again: the code instead.
            labels[code] = name if words.get(normalise(name)) == code else code
        _COUNTRY_LABELS[language] = labels
    return labels


class Country(Converter):
    """A country: its ISO 3166 code (``GB``, ``GBR``), its English or Chinese name (英国,
    United Kingdom) or a name people write (UK, 中国香港, USA).  Exports the alpha-2 code, or the
    name in the active language."""

    def parse(self, raw: str) -> str:
        code = _country_words().get(normalise(raw))
        if code is not None:
            return code
        if len(raw) == 2 and raw.isascii() and raw.isalpha():
            raise CellError(_("“%(value)s” is not an ISO 3166 country code (two letters, e.g. GB, JP, DE).")
                            % {"value": raw})
        raise CellError(_("“%(value)s” is not a country or region we know: write its Chinese or English name "
                          "(美国, United States) or its ISO 3166 code (US).") % {"value": raw})

    def export(self, value: Any) -> Any:
        return getattr(value, "code", value) or ""

    def export_label(self, value: Any) -> Any:
        code = self.export(value)
        return _country_labels().get(code, code) if code else ""

    labels_in_every_language = False

    def label_writer(self, language: str | None):
        with translation.override(language):
            labels = _country_labels()

        def write(value: Any) -> Any:
            code = getattr(value, "code", value) or ""
            return labels.get(code, code) if code else ""
        return write

    def describe(self) -> str:
        return _("country or region: its Chinese or English name (美国, United States) or its ISO 3166 "
                 "code (US, USA)")

    def example(self) -> str:
        return countries.name("US")

    def choices_for_validation(self) -> list[str]:
        return list(dict.fromkeys(self.export_label(code) for code, _name in countries))


def _domain(cell: str) -> str | None:
    """The web domain a cell gives ("ox.ac.uk", "www.ox.ac.uk", "https://www.ox.ac.uk/"), if it looks like one."""
    text = cell.strip().lower()
    if "." not in text or any(character.isspace() for character in text):
        return None
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0]
    return text.removeprefix("www.") or None


def _unique_field(model: type[Model], name: str) -> bool:
    """Does the database keep ``name`` unique (a unique field, or a one-field ``UniqueConstraint``,
    which may leave blank values out)?"""
    if model._meta.get_field(name).unique:
        return True
    return any(isinstance(constraint, UniqueConstraint) and tuple(constraint.fields) == (name,)
               for constraint in model._meta.constraints)


class ForeignKey(Converter):
    """Another record named by its natural key (a faculty's code, a staff number, ...) or, for
    ``names`` such as ``("name_zh", "name_en")``, by one of those (compared after ``normalise``;
    ``domains``, a JSON list of web domains, by any one domain).  A cell naming several records
    raises ``Ambiguous``; with ``narrow_by="faculty"`` the importer keeps those of the row's
    faculty (staff by name: unique within a faculty).

    The "labels" export writes the first filled of ``names`` that the database keeps unique
    (so that it imports again as the same record), else the key: a name two records may share,
    such as a person's, is never written for one of them.
    """

    def __init__(self, model: type[Model], key: str = "code", *, names: Iterable[str] = (),
                 only: Iterable[str] | None = None, narrow_by: str | None = None):
        self.model, self.key = model, key
        self.names = tuple(names)
        self.only = tuple(only) if only else None
        self.narrow_by = narrow_by
        self._found: dict[str, Model] = {}
        self._by_name: dict[str, dict[Any, Model]] = {}
        self._label_fields: tuple[str, ...] | None = None

    def prepare(self, raws: Iterable[str], *, user) -> None:
        wanted = sorted({raw.strip() for raw in raws})
        self._found, self._by_name = {}, {}
        qs = access.scope_for(user, self.model._default_manager.all())
        if self.only:
            extra = (self.model._meta.get_field(self.narrow_by).attname,) if self.narrow_by else ()
            qs = qs.only(self.key, *self.names, *self.only, *extra)
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            for obj in qs.filter(**{f"{self.key}__in": wanted[start:start + LOOKUP_CHUNK]}):
                self._found[str(getattr(obj, self.key))] = obj
        rest = [cell for cell in wanted if cell not in self._found]
        if self.names and rest:
            self._find_by_name(qs, rest)

    def _text_fields(self) -> list[str]:
        fields = [self.key, *(name for name in self.names if name != "domains")]
        return [name for name in fields if self.model._meta.get_field(name).get_internal_type() in TEXT_FIELDS]

    def _find_by_name(self, qs, cells: list[str]) -> None:
        """Look ``cells`` up by key and names case-insensitively, and by domain."""
        fields = self._text_fields()
        lowered = sorted({cell.lower() for cell in cells})
        annotated = qs.annotate(**{f"_lower_{name}": Lower(name) for name in fields})
        for start in range(0, len(lowered), LOOKUP_CHUNK):
            chunk = lowered[start:start + LOOKUP_CHUNK]
            match = Q()
            for name in fields:
                match |= Q(**{f"_lower_{name}__in": chunk})
            for obj in annotated.filter(match):
                for name in fields:
                    self._by_name.setdefault(normalise(getattr(obj, name) or ""), {})[obj.pk] = obj
        if "domains" in self.names:
            domains = sorted({domain for domain in map(_domain, cells) if domain})
            for start in range(0, len(domains), 50):  # few: partners named by domain
                match = Q()
                for domain in domains[start:start + 50]:
                    match |= Q(domains__icontains=domain)
                for obj in qs.filter(match):
                    for domain in obj.domains or ():
                        self._by_name.setdefault("domain:" + str(domain).lower(), {})[obj.pk] = obj
        self._by_name.pop("", None)

    def resolve(self, raw: str) -> Model | None:
        """The record ``raw`` names (``Ambiguous`` if several), or None."""
        cell = raw.strip()
        if cell in self._found:
            return self._found[cell]
        found = self._by_name.get(normalise(cell))
        if not found and (domain := _domain(cell)):
            found = self._by_name.get("domain:" + domain)
        if not found:
            return None
        if len(found) > 1:
            candidates = sorted(found.values(), key=lambda obj: str(getattr(obj, self.key)))
            raise Ambiguous(lambda: self._ambiguous_message(cell, candidates), candidates)
        return next(iter(found.values()))

    def _ambiguous_message(self, cell: str, candidates: list[Model]) -> str:
        # Rare, so the candidates' faculties (``narrow_by``) are fetched only here, to tell them apart.
        attname = self.model._meta.get_field(self.narrow_by).attname if self.narrow_by else None
        where = {}
        if attname:
            related = self.model._meta.get_field(self.narrow_by).related_model
            where = related._default_manager.in_bulk({getattr(obj, attname) for obj in candidates} - {None})
        items = []
        for obj in candidates[:10]:
            key = str(getattr(obj, self.key))
            place = where.get(getattr(obj, attname)) if attname else None
            items.append(_("%(key)s (%(where)s)") % {"key": key, "where": place} if place else key)
        return _("“%(value)s” names several %(kinds)s: %(candidates)s. Write the %(key)s instead.") % {
            "value": cell, "kinds": self.model._meta.verbose_name_plural, "candidates": join_list(items),
            "key": self.model._meta.get_field(self.key).verbose_name}

    def parse(self, raw: str) -> Model:
        found = self.resolve(raw)
        if found is None:
            raise CellError(_("There is no %(kind)s “%(value)s”.")
                            % {"kind": self.model._meta.verbose_name, "value": raw})
        return found

    def export(self, value: Any) -> Any:
        return "" if value is None else getattr(value, self.key)

    def export_label(self, value: Any) -> Any:
        if value is None:
            return ""
        if self._label_fields is None:
            self._label_fields = tuple(name for name in self.names
                                       if name != "domains" and _unique_field(self.model, name))
        for name in self._label_fields:
            if getattr(value, name, ""):
                return getattr(value, name)
        return getattr(value, self.key)

    def describe(self) -> str:
        fields = [self.key, *self.names]
        return _("%(field)s of an existing %(kind)s") % {
            "field": "/".join(str(self.model._meta.get_field(name).verbose_name) for name in fields),
            "kind": self.model._meta.verbose_name}


class ManyToMany(ForeignKey):
    """Several records named as ``ForeignKey`` names one, separated by ``;`` (also "；" or "、";
    empty: none)."""

    separator = ";"

    def _keys(self, raw: str) -> list[str]:
        return [part.strip() for part in re.split(r"[;；、]", raw) if part.strip()]

    def prepare(self, raws: Iterable[str], *, user) -> None:
        super().prepare((key for raw in raws for key in self._keys(raw)), user=user)

    def parse(self, raw: str) -> list[Model]:
        found, missing = [], []
        for key in self._keys(raw):
            obj = self.resolve(key)
            if obj is None:
                missing.append(key)
            else:
                found.append(obj)
        if missing:
            raise CellError(_("There is no %(kind)s “%(value)s”.")
                            % {"kind": self.model._meta.verbose_name, "value": "”, “".join(missing)})
        return list(dict.fromkeys(found))

    def export(self, value: Any) -> Any:
        return self.separator.join(sorted(str(getattr(obj, self.key)) for obj in value.all()))

    def export_label(self, value: Any) -> Any:
        return self.separator.join(sorted(str(ForeignKey.export_label(self, obj)) for obj in value.all()))

    def describe(self) -> str:
        return _("%(what)s, separated by “;”") % {"what": super().describe()}


class Parts(Converter):
    """A cell listing the parts of the row's record, records of their own that belong to it
    (a trip's members, its countries): "T001 (处级); T002", "JP 2026-03-01 2026-03-05; …".

    The column's ``field`` is the reverse relation; the cell gives every part, so a row
    replaces the record's parts with its own.  A subclass gives ``parse`` (the cell → a list
    of comparable tuples), ``current`` (the record's parts in the same form, from
    ``prefetch``), ``check`` (the parts against the record as the row makes it: the forms'
    rules) and ``export`` (the related manager → the cell).  The kind writes them after the
    records (``Kind.after_write``)."""

    #: The lookups ``current`` and ``export`` read, prefetched once for every record.
    prefetch: tuple = ()
    separator = ";"

    def items(self, raw: str) -> list[str]:
        return [part.strip() for part in re.split(r"[;；]", raw) if part.strip()]

    def current(self, obj: Model) -> Any:
        raise NotImplementedError

    def check(self, record: Model, value: Any) -> list[str]:
        return []


@dataclass
class Column:
    """One column of a kind.

    ``name`` is the column's code, the header of a "codes" file; ``label`` the header of a
    "labels" file (default: the model field's ``verbose_name``, in the active language);
    a header cell names the column if it gives the code, the English or the Chinese label or
    one of ``aliases`` (``matches``).  ``field`` is the model attribute it fills (default: the
    name); ``required`` whether a cell may be empty (default: what the model field says);
    ``personal`` marks office-only data (salary, passport, work permit): exports for anyone
    else leave the column out, and only the office may import it; ``optional`` columns may be
    left out of a file (a column added to a kind later, so that the office's existing
    spreadsheets still import): an absent column leaves the field as it is.
    """

    name: str
    converter: Converter
    field: str | None = None
    required: bool | None = None
    personal: bool = False
    optional: bool = False
    label: Any = None
    aliases: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.field = self.field or self.name
        self.aliases = tuple(self.aliases)
        self._words: frozenset[str] | None = None

    def bind(self, model: type[Model]) -> None:
        """Take the label from ``model``'s field unless one was given (``Kind`` calls this)."""
        if self.label is None:
            try:
                self.label = model._meta.get_field(self.field).verbose_name
            except FieldDoesNotExist:
                self.label = self.name
        self._words = None

    @property
    def is_many(self) -> bool:
        return isinstance(self.converter, ManyToMany)

    @property
    def is_parts(self) -> bool:
        return isinstance(self.converter, Parts)

    def heading(self, style: str) -> str:
        """The column's header cell in ``style`` ("codes" or "labels", active language)."""
        if style == "codes":
            return self.name
        return capfirst(str(self.label if self.label is not None else self.name))

    def words(self) -> frozenset[str]:
        """Every normalised header that names this column, in either language."""
        if self._words is None:
            words = {normalise(self.name), *(normalise(alias) for alias in self.aliases)}
            if self.label is not None:
                for language in LANGUAGES:
                    with translation.override(language):
                        words.add(normalise(str(self.label)))
            self._words = frozenset(words - {""})
        return self._words

    def matches(self, title: str) -> bool:
        """Does the header cell ``title`` name this column ("学院", "Faculty", "faculty", "学院*")?"""
        return header_word(title) in self.words()
