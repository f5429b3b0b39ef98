import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal import access
from intlportal.filters import YearFilter, label_with
from staff.models import (
    EXPIRY_WARNING_DAYS,
    FOREIGN_CATEGORIES,
    SEMESTER_RE,
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)


def _faculty_filter(field_name: str = "faculty"):
    return django_filters.ModelChoiceFilter(label=_("faculty"), field_name=field_name,
                                            queryset=Faculty.objects.all())


class SemesterFilter(django_filters.CharFilter):
    """An exact semester (``2025-2026-1``); anything else is ignored rather than an error."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if value and not SEMESTER_RE.match(value):
            return qs.none()
        return super().filter(qs, value)


class StaffCategoryFilterMixin:
    def foreign_only(self, queryset, name, value):
        if value:
            return queryset.filter(**{f"{name}__in": FOREIGN_CATEGORIES})
        return queryset


class StaffMemberFilter(FacultyScopedFilterSet):
    faculty = _faculty_filter()
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Name or staff number"))
    current = django_filters.BooleanFilter(label=_("currently employed"), method="filter_current")

    class Meta:
        model = StaffMember
        fields = ["faculty", "category", "title", "nationality", "has_overseas_degree", "current", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(staff_no__icontains=value))

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.current()
        return queryset.filter(left_on__lte=timezone.localdate())


class ContractFilter(FacultyScopedFilterSet):
    EXPIRING_CHOICES = [
        ("contract", label_with(_("Contract ends within %(days)s days"), days=EXPIRY_WARNING_DAYS)),
        ("work_permit", label_with(_("Work permit expires within %(days)s days"), days=EXPIRY_WARNING_DAYS)),
    ]

    faculty = _faculty_filter("staff_member__faculty")
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name or staff number"))
    expiring = django_filters.ChoiceFilter(label=_("expiring"), choices=EXPIRING_CHOICES, method="filter_expiring")

    class Meta:
        model = ForeignTeacherContract
        fields = ["faculty", "category", "status", "expiring", "q"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and not access.can_see_personal_data(request.user):
            # Work-permit dates are personal: only the office may filter on them.
            self.set_expiring_choices(self.EXPIRING_CHOICES[:1])

    def set_expiring_choices(self, choices) -> None:
        expiring = self.filters["expiring"]
        expiring.extra["choices"] = choices
        # The form field is built once and cached on the filter (and copied with it from the
        # class's base filters once anything, such as the API schema, has built it): drop it
        # so it is rebuilt with these choices.
        expiring.__dict__.pop("_field", None)

    def search(self, queryset, name, value):
        return queryset.filter(Q(staff_member__name__icontains=value) | Q(staff_member__staff_no__icontains=value))

    def filter_expiring(self, queryset, name, value):
        if value == "contract":
            return queryset.expiring_within(EXPIRY_WARNING_DAYS)
        if value == "work_permit" and access.can_see_personal_data(self.request.user):
            return queryset.work_permit_expiring_within(EXPIRY_WARNING_DAYS)
        return queryset


class TeachingAssignmentFilter(StaffCategoryFilterMixin, FacultyScopedFilterSet):
    faculty = _faculty_filter("staff_member__faculty")
    semester = SemesterFilter(label=_("semester"), help_text=_("e.g. 2025-2026-1"))
    foreign = django_filters.BooleanFilter(label=_("foreign teachers and experts only"),
                                           field_name="staff_member__category", method="foreign_only")
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Teacher or course"))

    class Meta:
        model = TeachingAssignment
        fields = ["faculty", "semester", "context", "foreign", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(staff_member__name__icontains=value) | Q(staff_member__staff_no__icontains=value)
                               | Q(course__icontains=value))


class TeachingEvaluationFilter(StaffCategoryFilterMixin, FacultyScopedFilterSet):
    faculty = _faculty_filter("staff_member__faculty")
    semester = SemesterFilter(label=_("semester"), help_text=_("e.g. 2025-2026-1"))
    foreign = django_filters.BooleanFilter(label=_("foreign teachers and experts only"),
                                           field_name="staff_member__category", method="foreign_only")
    score_below = django_filters.NumberFilter(label=_("score below"), field_name="score", lookup_expr="lt")
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Teacher, staff number or course"))

    class Meta:
        model = TeachingEvaluation
        fields = ["faculty", "semester", "source", "foreign", "score_below", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(staff_member__name__icontains=value) | Q(staff_member__staff_no__icontains=value)
                               | Q(course__icontains=value))


class LanguageAssessmentFilter(FacultyScopedFilterSet):
    faculty = _faculty_filter("staff_member__faculty")
    year = YearFilter(label=_("year"), field_name="date", lookup_expr="year")
    language = django_filters.CharFilter(label=pgettext_lazy("language test", "language"), lookup_expr="icontains")
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Name or staff number"))

    class Meta:
        model = LanguageAssessment
        fields = ["faculty", "year", "language", "result", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(staff_member__name__icontains=value) | Q(staff_member__staff_no__icontains=value))


class PublicationFilter(FacultyScopedFilterSet):
    faculty = _faculty_filter("staff_member__faculty")
    year = YearFilter()
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Title, journal or author"))

    class Meta:
        model = Publication
        fields = ["faculty", "year", "is_international", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(journal__icontains=value)
                               | Q(staff_member__name__icontains=value))
