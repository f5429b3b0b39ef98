"""Filtering, ordering and paging shared by every endpoint."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import filters as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from intlportal import access


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every record choice (faculty, staff member, program …) narrowed
    to what the caller may see, so a filter value cannot probe for another faculty's ids."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for model_filter in filterset.filters.values():
                if isinstance(model_filter, django_filters.QuerySetRequestMixin):
                    choices = model_filter.get_queryset(request)
                    model_filter.queryset = access.scope_for(request.user, choices)
        return filterset


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

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters
