"""The accounts list's search and filters."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from accounts.selectors import STATUS_CHOICES, STATUS_FILTERS
from accounts.services import ROLE_LABELS, ROLES
from faculties.models import CoordinatorMembership, Faculty

User = get_user_model()
NO_ROLE = "none"
NEVER = "never"


def _holds(*roles):
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=roles))


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("A name, user name, staff number or e-mail address, or part of one."))
    role = django_filters.ChoiceFilter(label=_("role"), method="by_role",
                                       choices=[*((r, ROLE_LABELS[r]) for r in ROLES), (NO_ROLE, _("No role"))])
    status = django_filters.ChoiceFilter(label=_("status"), choices=STATUS_CHOICES, method="by_status")
    sign_in = django_filters.ChoiceFilter(label=_("last sign-in method"), method="by_sign_in",
                                          choices=[*User.SignInMethod.choices, (NEVER, _("Never signed in"))])
    faculty = django_filters.ModelChoiceFilter(label=_("faculty served"), queryset=Faculty.objects.all(),
                                               method="by_faculty")

    class Meta:
        model = User
        fields = ["q", "role", "status", "sign_in", "faculty"]

    def search(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        # A Chinese name is typed family name first, unspaced (王伟); another, given name first.
        queryset = queryset.annotate(
            family_first=Concat("last_name", "first_name"),
            given_first=Concat("first_name", Value(" "), "last_name"),
        )
        for word in words:
            queryset = queryset.filter(
                Q(family_first__icontains=word) | Q(given_first__icontains=word) | Q(username__icontains=word)
                | Q(staff_no__icontains=word) | Q(email__icontains=word))
        return queryset

    def by_role(self, queryset, name, value):
        if value == NO_ROLE:
            return queryset.exclude(_holds(*ROLES))
        return queryset.filter(_holds(value))

    def by_status(self, queryset, name, value):
        return queryset.filter(STATUS_FILTERS[value])

    def by_sign_in(self, queryset, name, value):
        if value == NEVER:
            return queryset.filter(last_login__isnull=True)
        return queryset.filter(last_sign_in_method=value)

    def by_faculty(self, queryset, name, value):
        return queryset.filter(Exists(CoordinatorMembership.objects.filter(user_id=OuterRef("pk"), faculty=value)))
