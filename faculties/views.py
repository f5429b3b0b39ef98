"""Faculties, disciplines, yearly headcounts, leading groups and coordinator memberships."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from faculties import filters, forms
from faculties.models import CoordinatorMembership, Discipline, Faculty, FacultyYear, LeadingGroupMember, SiteUpdate
from intlportal import access
from intlportal.views import Column, RecordDetailView, RecordPages


class FacultyDetail(RecordDetailView):
    template_name = "faculties/faculty_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        faculty = self.object
        ctx["disciplines"] = faculty.disciplines.all()
        ctx["years"] = faculty.years.all()[:10]
        ctx["leading_group"] = faculty.leading_group.all()
        ctx["coordinators"] = (
            faculty.coordinator_memberships.select_related("user") if access.is_office(self.request.user) else None
        )
        return ctx


faculties = RecordPages(
    Faculty, "list", form=forms.FacultyForm, filterset=filters.FacultyFilter,
    columns=[
        Column("code", _("code"), sort="code", link=True),
        Column("name_zh", _("Chinese name"), sort="name_zh"),
        Column("name_en", _("English name"), sort="name_en"),
        Column("foreign_site_updated_on", _("website updated"), sort="foreign_site_updated_on"),
        Column("is_active", _("active")),
    ],
    sort_default="code", export_kind="faculties",
    detail_fields=["code", "name_zh", "name_en", "foreign_site_url", "foreign_site_updated_on", "is_active"],
    detail_view=FacultyDetail,
)

disciplines = RecordPages(
    Discipline, "disciplines", form=forms.DisciplineForm, filterset=filters.DisciplineFilter,
    columns=[
        Column("name_zh", _("Chinese name"), sort="name_zh", link=True),
        Column("name_en", _("English name"), sort="name_en"),
        Column("faculty", _("faculty"), sort="faculty__code"),
        Column("is_key", _("key discipline"), sort="is_key"),
        Column("is_national_first_class", _("national first-class major"), sort="is_national_first_class"),
    ],
    sort_default="faculty__code", export_kind="disciplines",
    detail_fields=["faculty", "name_zh", "name_en", "is_key", "is_national_first_class"],
)

faculty_years = RecordPages(
    FacultyYear, "years", form=forms.FacultyYearForm, filterset=filters.FacultyYearFilter,
    columns=[
        Column("faculty", _("faculty"), sort="faculty__code", link=True),
        Column("year", _("year"), sort="year"),
        Column("teachers", _("full-time teachers"), sort="teachers"),
        Column("students", _("enrolled students"), sort="students"),
    ],
    sort_default="-year", export_kind="faculty_years",
    detail_fields=["faculty", "year", "teachers", "students"],
)

# The dated log the assessment's "foreign-language website updated" reads: a year counts
# when a verified update is dated in it.
site_updates = RecordPages(
    SiteUpdate, "site-updates", form=forms.SiteUpdateForm, filterset=filters.SiteUpdateFilter,
    columns=[
        Column("faculty", _("faculty"), sort="faculty__code", link=True),
        Column("updated_on", _("updated on"), sort="updated_on", link=True),
        Column("url", _("website address")),
        Column("note", _("what was updated")),
    ],
    sort_default="-updated_on", export_kind="site_updates",
    empty_hint=_("No website updates match. Change the filters, or record the latest update of the "
                 "faculty's foreign-language site."),
    detail_fields=["faculty", "updated_on", "url", "note"],
)

leading_group = RecordPages(
    LeadingGroupMember, "leading-group", form=forms.LeadingGroupMemberForm,
    filterset=filters.LeadingGroupMemberFilter,
    columns=[
        Column("name", pgettext_lazy("person", "name"), sort="name", link=True),
        Column("position", _("position")),
        Column("group_role", _("role in group"), sort="group_role"),
        Column("faculty", _("faculty"), sort="faculty__code"),
    ],
    sort_default="faculty__code", export_kind="leading_group",
    detail_fields=["faculty", "name", "position", "group_role"],
)

# A membership is added or removed, never changed: no edit page.
coordinators = RecordPages(
    CoordinatorMembership, "coordinators", form=forms.CoordinatorMembershipForm,
    filterset=filters.CoordinatorMembershipFilter,
    columns=[
        Column("user", _("user"), sort="user__username", link=True),
        Column("faculty", _("faculty"), sort="faculty__code"),
    ],
    sort_default="faculty__code",
    detail_fields=["user", "faculty"],
    pages=("list", "create", "detail", "delete"),
)
