import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from faculties.models import CoordinatorMembership, Discipline, Faculty, FacultyYear, LeadingGroupMember, SiteUpdate
from intlportal.filters import YearFilter


class FacultyScopedFilterSet(django_filters.FilterSet):
    """Offers in its faculty choice only the faculties the user may see."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if "faculty" in self.filters and request is not None:
            from intlportal import access

            self.filters["faculty"].queryset = access.scope_for(request.user, Faculty.objects.all())


class FacultyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Faculty
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name_zh__icontains=value) | Q(name_en__icontains=value))


class DisciplineFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Discipline
        fields = ["faculty", "is_key", "is_national_first_class", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name_zh__icontains=value) | Q(name_en__icontains=value))


class FacultyYearFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    year = YearFilter()

    class Meta:
        model = FacultyYear
        fields = ["faculty", "year"]


class SiteUpdateFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    year = YearFilter(label=_("year"), field_name="updated_on", lookup_expr="year",
                      help_text=_("The year the site was updated."))

    class Meta:
        model = SiteUpdate
        fields = ["faculty", "year"]


class LeadingGroupMemberFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = LeadingGroupMember
        fields = ["faculty", "group_role", "q"]


class CoordinatorMembershipFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    q = django_filters.CharFilter(label=_("Search"), field_name="user__username", lookup_expr="icontains")

    class Meta:
        model = CoordinatorMembership
        fields = ["faculty", "q"]
