"""Faculties, disciplines, yearly headcounts, leading groups and coordinator memberships."""

from django.utils.translation import gettext_lazy as _

from faculties import filters, forms
from faculties.models import CoordinatorMembership, Discipline, Faculty, FacultyYear, LeadingGroupMember
from intlportal import access
from intlportal.views import (
    Column,
    RecordCreateView,
    RecordDeleteView,
    RecordDetailView,
    RecordListView,
    RecordUpdateView,
)


class FacultyList(RecordListView):
    model = Faculty
    filterset_class = filters.FacultyFilter
    columns = [
        Column("code", _("code"), sort="code", link=True),
        Column("name_zh", _("Chinese name"), sort="name_zh"),
        Column("name_en", _("English name"), sort="name_en"),
        Column("foreign_site_updated_on", _("website updated"), sort="foreign_site_updated_on"),
        Column("is_active", _("active")),
    ]
    sort_default = "code"
    export_kind = "faculties"
    import_kind = "faculties"
    create_url_name = "faculties:faculty-create"


class FacultyDetail(RecordDetailView):
    model = Faculty
    template_name = "faculties/faculty_detail.html"
    detail_fields = ["code", "name_zh", "name_en", "foreign_site_url", "foreign_site_updated_on", "is_active"]
    edit_url_name = "faculties:faculty-edit"
    delete_url_name = "faculties:faculty-delete"
    list_url_name = "faculties:faculty-list"

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


class FacultyCreate(RecordCreateView):
    model = Faculty
    form_class = forms.FacultyForm


class FacultyUpdate(RecordUpdateView):
    model = Faculty
    form_class = forms.FacultyForm


class FacultyDelete(RecordDeleteView):
    model = Faculty
    success_url_name = "faculties:faculty-list"


class DisciplineList(RecordListView):
    model = Discipline
    filterset_class = filters.DisciplineFilter
    columns = [
        Column("name_zh", _("Chinese name"), sort="name_zh", link=True),
        Column("name_en", _("English name"), sort="name_en"),
        Column("faculty", _("faculty"), sort="faculty__code"),
        Column("is_key", _("key discipline"), sort="is_key"),
        Column("is_national_first_class", _("national first-class major"), sort="is_national_first_class"),
    ]
    sort_default = "faculty__code"
    create_url_name = "faculties:discipline-create"

    def base_queryset(self):
        return Discipline.objects.select_related("faculty")


class DisciplineDetail(RecordDetailView):
    model = Discipline
    detail_fields = ["faculty", "name_zh", "name_en", "is_key", "is_national_first_class"]
    edit_url_name = "faculties:discipline-edit"
    delete_url_name = "faculties:discipline-delete"
    list_url_name = "faculties:discipline-list"


class DisciplineCreate(RecordCreateView):
    model = Discipline
    form_class = forms.DisciplineForm


class DisciplineUpdate(RecordUpdateView):
    model = Discipline
    form_class = forms.DisciplineForm


class DisciplineDelete(RecordDeleteView):
    model = Discipline
    success_url_name = "faculties:discipline-list"


class FacultyYearList(RecordListView):
    model = FacultyYear
    filterset_class = filters.FacultyYearFilter
    columns = [
        Column("faculty", _("faculty"), sort="faculty__code", link=True),
        Column("year", _("year"), sort="year"),
        Column("teachers", _("full-time teachers"), sort="teachers"),
        Column("students", _("enrolled students"), sort="students"),
    ]
    sort_default = "-year"
    export_kind = "faculty_years"
    import_kind = "faculty_years"
    create_url_name = "faculties:facultyyear-create"

    def base_queryset(self):
        return FacultyYear.objects.select_related("faculty")


class FacultyYearDetail(RecordDetailView):
    model = FacultyYear
    detail_fields = ["faculty", "year", "teachers", "students"]
    edit_url_name = "faculties:facultyyear-edit"
    delete_url_name = "faculties:facultyyear-delete"
    list_url_name = "faculties:facultyyear-list"


class FacultyYearCreate(RecordCreateView):
    model = FacultyYear
    form_class = forms.FacultyYearForm


class FacultyYearUpdate(RecordUpdateView):
    model = FacultyYear
    form_class = forms.FacultyYearForm


class FacultyYearDelete(RecordDeleteView):
    model = FacultyYear
    success_url_name = "faculties:facultyyear-list"


class LeadingGroupMemberList(RecordListView):
    model = LeadingGroupMember
    filterset_class = filters.LeadingGroupMemberFilter
    columns = [
        Column("name", _("name"), sort="name", link=True),
        Column("position", _("position")),
        Column("group_role", _("role in group"), sort="group_role"),
        Column("faculty", _("faculty"), sort="faculty__code"),
    ]
    sort_default = "faculty__code"
    create_url_name = "faculties:leadinggroupmember-create"

    def base_queryset(self):
        return LeadingGroupMember.objects.select_related("faculty")


class LeadingGroupMemberDetail(RecordDetailView):
    model = LeadingGroupMember
    detail_fields = ["faculty", "name", "position", "group_role"]
    edit_url_name = "faculties:leadinggroupmember-edit"
    delete_url_name = "faculties:leadinggroupmember-delete"
    list_url_name = "faculties:leadinggroupmember-list"


class LeadingGroupMemberCreate(RecordCreateView):
    model = LeadingGroupMember
    form_class = forms.LeadingGroupMemberForm


class LeadingGroupMemberUpdate(RecordUpdateView):
    model = LeadingGroupMember
    form_class = forms.LeadingGroupMemberForm


class LeadingGroupMemberDelete(RecordDeleteView):
    model = LeadingGroupMember
    success_url_name = "faculties:leadinggroupmember-list"


class CoordinatorMembershipList(RecordListView):
    model = CoordinatorMembership
    filterset_class = filters.CoordinatorMembershipFilter
    columns = [
        Column("user", _("user"), sort="user__username", link=True),
        Column("faculty", _("faculty"), sort="faculty__code"),
    ]
    sort_default = "faculty__code"
    create_url_name = "faculties:coordinatormembership-create"

    def base_queryset(self):
        return CoordinatorMembership.objects.select_related("faculty", "user")


class CoordinatorMembershipDetail(RecordDetailView):
    model = CoordinatorMembership
    detail_fields = ["user", "faculty"]
    delete_url_name = "faculties:coordinatormembership-delete"
    list_url_name = "faculties:coordinatormembership-list"


class CoordinatorMembershipCreate(RecordCreateView):
    model = CoordinatorMembership
    form_class = forms.CoordinatorMembershipForm


class CoordinatorMembershipDelete(RecordDeleteView):
    model = CoordinatorMembership
    success_url_name = "faculties:coordinatormembership-list"


