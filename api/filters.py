"""Where the API's filters differ from the pages' FilterSets (which it otherwise uses as they
are, so the API filters on exactly the fields the pages do)."""

from __future__ import annotations

from intlportal import access
from staff import filters as staff_filters


class ContractFilter(staff_filters.ContractFilter):
    """The contracts page's filters, with one schema for every caller: ``expiring=work_permit``
    is offered to all, and for anyone but the office (work-permit dates are personal) it
    matches no contract instead of being refused as an unknown choice."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.set_expiring_choices(self.EXPIRING_CHOICES)

    def filter_expiring(self, queryset, name, value):
        if value == "work_permit" and not access.can_see_personal_data(self.request.user):
            return queryset.none()
        return super().filter_expiring(queryset, name, value)
