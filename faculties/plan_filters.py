import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty, InternationalizationPlan
from intlportal.filters import YearFilter


class PlanFilter(FacultyScopedFilterSet):
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all())
    status = django_filters.ChoiceFilter(label=_("status"), choices=InternationalizationPlan.Status.choices)
    year = YearFilter(label=_("covers year"), method="covers_year")
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = InternationalizationPlan
        fields = ["faculty", "status", "year", "q"]

    def covers_year(self, queryset, name, value):
        return queryset.filter(first_year__lte=value, last_year__gte=value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(faculty__code__icontains=value)
                               | Q(faculty__name_zh__icontains=value))
