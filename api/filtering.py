"""Filtering, ordering and paging shared by every endpoint."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from intlportal import access
from intlportal.filters import MAX_YEAR, MIN_YEAR, YearFilter

# Bounds of the integer a date-part lookup accepts (``date__year=2025``); years are the pages'
# (``intlportal.filters.YearFilter``).
YEAR_BOUNDS = (MIN_YEAR, MAX_YEAR)
DATE_PART_BOUNDS = {"year": YEAR_BOUNDS, "iso_year": YEAR_BOUNDS, "month": (1, 12), "day": (1, 31)}
# What a 64-bit database integer holds; beyond it the database driver overflows.
ID_BOUNDS = (1, 2**63 - 1)
INTEGER_BOUNDS = (-(2**63), 2**63 - 1)
# django-filter's NumberFilter refuses anything larger.
NUMBER_MAXIMUM = 1e50
BOOLEAN_VALUES = ("true", "false")


def _model_field(model, path: str):
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model or model
    return field


def integer_bounds(model_filter, model, name: str = "") -> tuple[int, int] | None:
    """``(minimum, maximum)`` when the filter takes a whole number, else None.

    The schema (``ScopedFilterExtension``) and the validation (``ScopedFilterBackend``) both
    ask this, so what the schema promises is what the server accepts.
    """
    if isinstance(model_filter, django_filters.ModelChoiceFilter):
        return ID_BOUNDS
    if not isinstance(model_filter, django_filters.NumberFilter):
        return None
    if isinstance(model_filter, YearFilter) or name == "year":
        # Every "year" parameter of the portal is a calendar year, whatever its filter method
        # does with it; beyond these bounds date arithmetic fails.
        return DATE_PART_BOUNDS["year"]
    if model_filter.method:
        return None
    if model_filter.lookup_expr in DATE_PART_BOUNDS:
        return DATE_PART_BOUNDS[model_filter.lookup_expr]
    if isinstance(_model_field(model, model_filter.field_name), models.IntegerField | models.AutoField):
        return INTEGER_BOUNDS
    return None


class IdFilter(django_filters.NumberFilter):
    """A record's id.  An id the caller may not see (or that does not exist) matches nothing,
    exactly like an id of a record that has no rows here: no answer tells the two apart."""

    field_class = forms.IntegerField


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter with the pages' FilterSets, made strict and safe for an API:

    * a record choice (faculty, staff member, program …) is compared by id against the
      already scoped rows, so another faculty's id finds nothing and reveals nothing;
    * numbers that are whole in the schema must be whole (and date parts within range);
    * booleans are ``true`` or ``false``; typed parameters may not be empty.
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        model = queryset.model
        errors = {}
        for name, model_filter in list(filterset.filters.items()):
            bounds = integer_bounds(model_filter, model, name)
            if isinstance(model_filter, django_filters.ModelChoiceFilter):
                # A filter method receives the id instead of the record: lookups take either.
                model_filter = filterset.filters[name] = IdFilter(
                    field_name=model_filter.field_name, label=model_filter.label, distinct=model_filter.distinct,
                    method=model_filter.method, min_value=bounds[0], max_value=bounds[1])
                model_filter.model, model_filter.parent = model, filterset
            elif isinstance(model_filter, QuerySetRequestMixin):
                # Other record choices (several at once): among those the caller may see.
                model_filter.queryset = access.scope_for(request.user, model_filter.get_queryset(request))
            elif bounds is not None:
                model_filter.field_class = forms.IntegerField
                model_filter.extra.update(min_value=bounds[0], max_value=bounds[1])
            for value in filterset.data.getlist(name):
                if isinstance(model_filter, django_filters.BooleanFilter) and value not in BOOLEAN_VALUES:
                    errors[name] = [_("Give true or false.")]
                elif value == "" and not isinstance(model_filter, django_filters.CharFilter):
                    errors[name] = [_("Give a value, or leave the parameter out.")]
        if errors:
            raise ValidationError(errors)
        return filterset

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        # A NUL character cannot be stored or searched for (Django's forms refuse it): drop
        # it instead of refusing an otherwise valid search text.
        data = kwargs["data"].copy()
        for key in list(data):
            data.setlist(key, [value.replace("\x00", "") for value in data.getlist(key)])
        kwargs["data"] = data
        return kwargs


class ScopedFilterExtension(DjangoFilterExtension):
    """The schema of ``ScopedFilterBackend``'s parameters: whole numbers are integers."""

    target_class = "api.filtering.ScopedFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        # The schema reads the class's own filters, and a filter keeps the form field it builds
        # first: built here, in the schema's language and without a model (so without a label),
        # it would be every later page's field, its label English ("Category").  A copy keeps
        # the class's filters untouched.
        filter_field = copy.deepcopy(filter_field)
        filter_field.model = model
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        bounds = integer_bounds(filter_field, model, field_name)
        for parameter in parameters:
            if bounds is not None:
                parameter["schema"] = {"type": "integer", "minimum": bounds[0], "maximum": bounds[1]}
            elif isinstance(filter_field, django_filters.NumberFilter) and parameter["schema"].get("type") == "number":
                parameter["schema"]["maximum"] = NUMBER_MAXIMUM
            elif isinstance(filter_field, django_filters.ChoiceFilter) and "enum" not in parameter["schema"]:
                # Choices drf-spectacular cannot read (django-countries' ``countries``).
                choices = filter_field.extra.get("choices", ())
                choices = choices() if callable(choices) else choices
                parameter["schema"]["enum"] = [str(code) for code, _label in choices if code != ""]
        return parameters


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` on the view's ``ordering_fields``, always ending with the primary key so
    pages never overlap or skip rows that tie on the requested field."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or queryset.model._meta.ordering)
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("pk")
        return ordering

    def get_schema_operation_parameters(self, view):
        fields = [name for name, _label in self.get_valid_fields(view.get_queryset(), view, {})]
        description = _("Sort by one or more of these fields, comma-separated; prefix a field "
                        "with - to reverse it: %(fields)s.") % {"fields": ", ".join(fields)}
        return [{
            "name": self.ordering_param,
            "required": False,
            "in": "query",
            "description": str(description),
            "schema": {"type": "string"},
        }]


class ApiPagination(PageNumberPagination):
    """Numbered pages of 50 records; ``page_size`` asks for between 1 and 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [
                _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            ]})
        return size

    def get_page_number(self, request, paginator):
        # DRF reads an empty ``?page=`` as page 1; the schema says a whole number from 1, so an
        # empty one is refused like any other value that is not a page (schemathesis found it).
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.strip():
            raise ValidationError({self.page_query_param: [_("Give a page number from 1.")]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters
