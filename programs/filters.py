import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal.filters import YearFilter
from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining
from programs.selectors import breaching_programs


def _faculty_filter(field_name: str = "faculty"):
    return django_filters.ModelChoiceFilter(label=_("faculty"), field_name=field_name,
                                            queryset=Faculty.objects.all())


class ProgramScopedFilterSet(FacultyScopedFilterSet):
    """Offers in its program choice only the programs the user may see."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if "program" in self.filters and request is not None:
            from intlportal import access

            self.filters["program"].queryset = access.scope_for(request.user, CooperativeProgram.objects.all())


class CooperativeProgramFilter(FacultyScopedFilterSet):
    faculty = _faculty_filter()
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Code, name or approval number"))
    breaching = django_filters.BooleanFilter(label=_("breaks a one-third rule"), method="filter_breaching",
                                             help_text=_("Approved or enrolling programs only."))

    class Meta:
        model = CooperativeProgram
        fields = ["faculty", "level", "form", "status", "breaching", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name_zh__icontains=value) | Q(name_en__icontains=value)
                               | Q(approval_no__icontains=value))

    def filter_breaching(self, queryset, name, value):
        if value is None:
            return queryset
        # The rules live in Python (programs.rules): one aggregate query finds the breaching ids.
        ids = [c.program.pk for c in breaching_programs(queryset.model.objects.filter(pk__in=queryset.values("pk")))]
        return queryset.filter(pk__in=ids) if value else queryset.active().exclude(pk__in=ids)


class ProgramEnrollmentFilter(ProgramScopedFilterSet):
    faculty = _faculty_filter("program__faculty")
    program = django_filters.ModelChoiceFilter(label=_("program"), queryset=CooperativeProgram.objects.all())
    year = YearFilter()

    class Meta:
        model = ProgramEnrollment
        fields = ["faculty", "program", "year"]


class ProgramCourseFilter(ProgramScopedFilterSet):
    faculty = _faculty_filter("program__faculty")
    program = django_filters.ModelChoiceFilter(label=_("program"), queryset=CooperativeProgram.objects.all())
    q = django_filters.CharFilter(label=_("Search"), field_name="course", lookup_expr="icontains")

    class Meta:
        model = ProgramCourse
        fields = ["faculty", "program", "is_core", "is_introduced", "q"]


class ProgramTeacherTrainingFilter(ProgramScopedFilterSet):
    faculty = _faculty_filter("program__faculty")
    program = django_filters.ModelChoiceFilter(label=_("program"), queryset=CooperativeProgram.objects.all())
    year = YearFilter()
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = ProgramTeacherTraining
        fields = ["faculty", "program", "year", "q"]
