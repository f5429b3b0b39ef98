"""The columns of an import/export kind and the converters that read and write their cells.

A converter turns the text of one cell into a Python value (``parse``, raising
``CellError`` with a translated reason) and a value back into what the spreadsheet shows
(``export``).  Converters that name other records by natural key (``ForeignKey``,
``ManyToMany``) look every key of the file up in one query first (``prepare``), so an
import of 10,000 rows does not run 10,000 lookups, and only among the records the importing
user may see (``access.scope_for``): a key outside the user's scope is "not found", exactly
like one that does not exist.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from intlportal import access

TRUE_WORDS = frozenset({"yes", "true", "1", "是", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "否", "n"})
LOOKUP_CHUNK = 500  # keys per IN (...) query: well under SQLite's variable limit


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the user's language."""


class Converter:
    """Reads and writes the cells of one column.  ``raw`` is the stripped cell text, never ''."""

    def parse(self, raw: str) -> Any:
        return raw

    def export(self, value: Any) -> Any:
        return "" if value is None else value

    def prepare(self, raws: Iterable[str], *, user) -> None:
        """Called once, for the importing ``user``, with every non-empty cell of the column
        before ``parse``."""

    def describe(self) -> str:
        """What the column accepts, for the template's instructions sheet."""
        return _("text")


class Text(Converter):
    pass


class Integer(Converter):
    def __init__(self, *, min_value: int | None = None, max_value: int | None = None):
        self.min_value, self.max_value = min_value, max_value

    def parse(self, raw: str) -> int:
        text = raw[:-2] if raw.endswith(".0") else raw  # spreadsheets store whole numbers as 5.0
        try:
            value = int(text)
        except ValueError:
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None
        if self.min_value is not None and value < self.min_value:
            raise CellError(_("%(value)s is less than %(min)s.") % {"value": value, "min": self.min_value})
        if self.max_value is not None and value > self.max_value:
            raise CellError(_("%(value)s is more than %(max)s.") % {"value": value, "max": self.max_value})
        return value

    def describe(self) -> str:
        return _("whole number")


class Decimal(Converter):
    def __init__(self, *, min_value: decimal.Decimal | int | None = None, places: int = 2):
        self.min_value, self.places = min_value, places

    def parse(self, raw: str) -> decimal.Decimal:
        try:
            value = decimal.Decimal(raw.replace(",", ""))
        except decimal.InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None
        if not value.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw})
        if self.min_value is not None and value < self.min_value:
            raise CellError(_("%(value)s is less than %(min)s.") % {"value": raw, "min": self.min_value})
        if value != value.quantize(decimal.Decimal(1).scaleb(-self.places), rounding=decimal.ROUND_HALF_UP):
            raise CellError(_("“%(value)s” has more than %(places)s decimal places.")
                            % {"value": raw, "places": self.places})
        return value

    def export(self, value: Any) -> Any:
        return "" if value is None else value

    def describe(self) -> str:
        return _("number")


class Date(Converter):
    def parse(self, raw: str) -> datetime.date:
        # A spreadsheet's date cell arrives as "2025-03-01 00:00:00".
        text = raw[:10] if len(raw) == 19 and raw.endswith("00:00:00") else raw
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CellError(_("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01.")
                            % {"value": raw}) from None

    def export(self, value: Any) -> Any:
        return "" if value is None else value

    def describe(self) -> str:
        return _("date, YYYY-MM-DD")


class Bool(Converter):
    def parse(self, raw: str) -> bool:
        lowered = raw.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s” is not yes or no: write yes/no, true/false, 1/0 or 是/否.")
                        % {"value": raw})

    def export(self, value: Any) -> Any:
        return "yes" if value else "no"

    def describe(self) -> str:
        return _("yes/no, true/false, 1/0 or 是/否")


def _labels_in(language: str, choices) -> dict[str, str]:
    with translation.override(language):
        return {str(label).casefold(): code for code, label in choices}


class Choice(Converter):
    """A choice column: the code (``outbound``), its English label or its Chinese label."""

    def __init__(self, choices):
        self.choices = list(getattr(choices, "choices", choices))
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            table = {**_labels_in("en", self.choices), **_labels_in("zh-hans", self.choices)}
            table.update({code.casefold(): code for code, _label in self.choices})
            self._lookup = table
        return self._lookup

    def parse(self, raw: str) -> str:
        code = self.lookup().get(raw.casefold())
        if code is None:
            raise CellError(_("“%(value)s” is not one of: %(codes)s.")
                            % {"value": raw, "codes": ", ".join(code for code, _l in self.choices)})
        return code

    def describe(self) -> str:
        return _("one of: %(codes)s (or the English or Chinese name)") % {
            "codes": ", ".join(code for code, _label in self.choices)}


class Country(Converter):
    """An ISO 3166 alpha-2 code such as ``GB``."""

    def parse(self, raw: str) -> str:
        code = raw.upper()
        if len(code) != 2 or code not in countries:
            raise CellError(_("“%(value)s” is not an ISO 3166 country code (two letters, e.g. GB, JP, DE).")
                            % {"value": raw})
        return code

    def export(self, value: Any) -> Any:
        return getattr(value, "code", value) or ""

    def describe(self) -> str:
        return _("ISO 3166 two-letter country code, e.g. GB")


class ForeignKey(Converter):
    """Another record named by its natural key (a faculty's code, a staff number, ...)."""

    def __init__(self, model: type[Model], key: str = "code", *, only: Iterable[str] | None = None):
        self.model, self.key = model, key
        self.only = tuple(only) if only else None
        self._found: dict[str, Model] = {}

    def prepare(self, raws: Iterable[str], *, user) -> None:
        wanted = sorted(set(raws))
        self._found = {}
        qs = access.scope_for(user, self.model._default_manager.all())
        if self.only:
            qs = qs.only(self.key, *self.only)
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            for obj in qs.filter(**{f"{self.key}__in": wanted[start:start + LOOKUP_CHUNK]}):
                self._found[str(getattr(obj, self.key))] = obj

    def parse(self, raw: str) -> Model:
        try:
            return self._found[raw]
        except KeyError:
            raise CellError(_("There is no %(kind)s “%(value)s”.")
                            % {"kind": self.model._meta.verbose_name, "value": raw}) from None

    def export(self, value: Any) -> Any:
        return "" if value is None else getattr(value, self.key)

    def describe(self) -> str:
        field = self.model._meta.get_field(self.key)
        return _("%(field)s of an existing %(kind)s") % {
            "field": field.verbose_name, "kind": self.model._meta.verbose_name}


class ManyToMany(ForeignKey):
    """Several records named by natural key, separated by ``;`` (empty: none)."""

    separator = ";"

    def _keys(self, raw: str) -> list[str]:
        return [part.strip() for part in raw.split(self.separator) if part.strip()]

    def prepare(self, raws: Iterable[str], *, user) -> None:
        super().prepare((key for raw in raws for key in self._keys(raw)), user=user)

    def parse(self, raw: str) -> list[Model]:
        keys = self._keys(raw)
        missing = [key for key in keys if key not in self._found]
        if missing:
            raise CellError(_("There is no %(kind)s “%(value)s”.")
                            % {"kind": self.model._meta.verbose_name, "value": "”, “".join(missing)})
        return list(dict.fromkeys(self._found[key] for key in keys))

    def export(self, value: Any) -> Any:
        return self.separator.join(sorted(str(getattr(obj, self.key)) for obj in value.all()))

    def describe(self) -> str:
        return _("%(what)s, separated by “;”") % {"what": super().describe()}


@dataclass
class Column:
    """One column of a kind.

    ``name`` is the header; ``field`` the model attribute it fills (default: the name);
    ``required`` whether a cell may be empty (default: what the model field says);
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

    def __post_init__(self) -> None:
        self.field = self.field or self.name

    @property
    def is_many(self) -> bool:
        return isinstance(self.converter, ManyToMany)
