import django_filters
from django.utils.translation import gettext_lazy as _

from assessment.models import IncentivePool, Indicator, Target
from intlportal.filters import YearFilter


class IndicatorFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Indicator
        fields = ["is_active"]


class TargetFilter(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = Target
        fields = ["year", "faculty", "indicator"]


class PoolFilter(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = IncentivePool
        fields = ["year"]
