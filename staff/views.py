"""Staff members, foreign teachers' contracts, teaching, evaluations, language assessments
and publications."""

from django.utils.translation import gettext_lazy as _

from intlportal import access
from intlportal.views import (
    Column,
    RecordCreateView,
    RecordDeleteView,
    RecordDetailView,
    RecordListView,
    RecordUpdateView,
)
from staff import filters, forms, selectors
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)

# --- staff members -------------------------------------------------------------------------


class StaffMemberList(RecordListView):
    model = StaffMember
    filterset_class = filters.StaffMemberFilter
    template_name = "staff/staffmember_list.html"
    columns = [
        Column("staff_no", _("staff number"), sort="staff_no", link=True),
        Column("name", _("name"), sort="name", link=True),
        Column("faculty", _("faculty"), sort="faculty__code"),
        Column("category", _("category"), sort="category"),
        Column("title", _("title"), sort="title"),
        Column("nationality", _("nationality"), sort="nationality"),
        Column("has_overseas_degree", _("overseas degree"), sort="has_overseas_degree"),
    ]
    sort_default = "staff_no"
    export_kind = "staff"
    import_kind = "staff"
    create_url_name = "staff:staffmember-create"
    empty_hint = _("No staff members match. Change the filters, import the staff list, or add a staff member.")

    def base_queryset(self):
        return StaffMember.objects.select_related("faculty").with_contract_expiring()


class StaffMemberDetail(RecordDetailView):
    model = StaffMember
    template_name = "staff/staffmember_detail.html"
    detail_fields = ["staff_no", "name", "faculty", "nationality", "category", "title", "hired_on", "left_on",
                     "has_overseas_degree"]
    edit_url_name = "staff:staffmember-edit"
    delete_url_name = "staff:staffmember-delete"
    list_url_name = "staff:staffmember-list"

    def base_queryset(self):
        return StaffMember.objects.select_related("faculty")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        member = self.object
        user = self.request.user
        trend = selectors.evaluation_trend(member)
        ctx.update(
            show_personal=access.can_see_personal_data(user),
            contracts=member.contracts.select_related("discipline"),
            assignments=member.assignments.select_related("program")[:50],
            trend=trend,
            sources=TeachingEvaluation.Source.choices,
            trend_chart={
                "labels": [entry.semester for entry in trend],
                "series": [
                    {"label": str(label), "data": [_num(entry.by_source.get(code)) for entry in trend]}
                    for code, label in TeachingEvaluation.Source.choices
                ] + [{"label": str(_("All evaluations")), "data": [_num(entry.overall) for entry in trend]}],
            },
            language_assessments=member.language_assessments.all(),
            publications=member.publications.all()[:50],
            can_add_assignment=access.can_create(user, TeachingAssignment),
        )
        return ctx


def _num(value):
    return None if value is None else float(value)


class StaffMemberCreate(RecordCreateView):
    model = StaffMember
    form_class = forms.StaffMemberForm


class StaffMemberUpdate(RecordUpdateView):
    model = StaffMember
    form_class = forms.StaffMemberForm


class StaffMemberDelete(RecordDeleteView):
    model = StaffMember
    success_url_name = "staff:staffmember-list"


# --- contracts -----------------------------------------------------------------------------


class ContractList(RecordListView):
    model = ForeignTeacherContract
    filterset_class = filters.ContractFilter
    template_name = "staff/contract_list.html"
    columns = [
        Column("staff_member__name", _("teacher"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("category", _("category"), sort="category"),
        Column("starts_on", _("starts on"), sort="starts_on"),
        Column("ends_on", _("ends on"), sort="ends_on"),
        Column("status", _("status"), sort="status"),
    ]
    # Shown to the office alone (``PERSONAL_FIELDS``).
    personal_columns = [
        Column("salary", _("monthly salary (yuan)"), sort="salary"),
        Column("work_permit_no", _("work permit number")),
        Column("work_permit_expires_on", _("work permit expires on"), sort="work_permit_expires_on"),
    ]
    sort_default = "ends_on"
    export_kind = "contracts"  # salary and work permit columns: the office's export alone
    import_kind = "contracts"
    create_url_name = "staff:contract-create"
    empty_hint = _("No contracts match. Change the filters, or add the contract of a foreign teacher.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if access.can_see_personal_data(request.user):
            self.columns = [*type(self).columns, *self.personal_columns]

    def base_queryset(self):
        return ForeignTeacherContract.objects.with_people()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["show_personal"] = access.can_see_personal_data(user)
        if ctx["show_personal"]:
            ctx["expiry_counts"] = selectors.expiry_counts(access.scope_for(user, ForeignTeacherContract.objects.all()))
        return ctx


class ContractDetail(RecordDetailView):
    model = ForeignTeacherContract
    template_name = "staff/contract_detail.html"
    detail_fields = ["staff_member", "staff_member__faculty", "category", "discipline", "starts_on", "ends_on",
                     "status", "salary", "work_permit_no", "work_permit_expires_on"]
    edit_url_name = "staff:contract-edit"
    delete_url_name = "staff:contract-delete"
    list_url_name = "staff:contract-list"

    def base_queryset(self):
        return ForeignTeacherContract.objects.with_people()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["show_personal"] = access.can_see_personal_data(self.request.user)
        return ctx


class ContractCreate(RecordCreateView):
    model = ForeignTeacherContract
    form_class = forms.ContractForm


class ContractUpdate(RecordUpdateView):
    model = ForeignTeacherContract
    form_class = forms.ContractForm


class ContractDelete(RecordDeleteView):
    model = ForeignTeacherContract
    success_url_name = "staff:contract-list"


# --- teaching assignments ------------------------------------------------------------------


class AssignmentList(RecordListView):
    model = TeachingAssignment
    filterset_class = filters.TeachingAssignmentFilter
    columns = [
        Column("staff_member__name", _("teacher"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("staff_member__category", _("category"), sort="staff_member__category"),
        Column("semester", _("semester"), sort="semester"),
        Column("course", _("course"), sort="course", link=True),
        Column("hours", _("hours"), sort="hours"),
        Column("context", _("context"), sort="context"),
        Column("program", _("cooperative program")),
    ]
    sort_default = "-semester"
    export_kind = "teaching_assignments"
    import_kind = "teaching_assignments"
    create_url_name = "staff:assignment-create"
    empty_hint = _("No teaching assignments match. Change the filters, import a semester's timetable, "
                   "or add an assignment.")

    def base_queryset(self):
        return TeachingAssignment.objects.select_related("staff_member__faculty", "program")


class AssignmentDetail(RecordDetailView):
    model = TeachingAssignment
    detail_fields = ["staff_member", "staff_member__faculty", "semester", "course", "hours", "context", "program"]
    edit_url_name = "staff:assignment-edit"
    delete_url_name = "staff:assignment-delete"
    list_url_name = "staff:assignment-list"

    def base_queryset(self):
        return TeachingAssignment.objects.select_related("staff_member__faculty", "program")


class AssignmentCreate(RecordCreateView):
    model = TeachingAssignment
    form_class = forms.TeachingAssignmentForm


class AssignmentUpdate(RecordUpdateView):
    model = TeachingAssignment
    form_class = forms.TeachingAssignmentForm


class AssignmentDelete(RecordDeleteView):
    model = TeachingAssignment
    success_url_name = "staff:assignment-list"


# --- evaluations ---------------------------------------------------------------------------


class EvaluationList(RecordListView):
    model = TeachingEvaluation
    filterset_class = filters.TeachingEvaluationFilter
    columns = [
        Column("staff_member__name", _("teacher"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("semester", _("semester"), sort="semester"),
        Column("source", _("source"), sort="source"),
        Column("score", _("score"), sort="score", link=True),
    ]
    sort_default = "-semester"
    create_url_name = "staff:evaluation-create"
    empty_hint = _("No evaluations match. Change the filters, or record a semester's evaluation results.")

    def base_queryset(self):
        return TeachingEvaluation.objects.select_related("staff_member__faculty")


class EvaluationDetail(RecordDetailView):
    model = TeachingEvaluation
    detail_fields = ["staff_member", "staff_member__faculty", "semester", "source", "score", "feedback"]
    edit_url_name = "staff:evaluation-edit"
    delete_url_name = "staff:evaluation-delete"
    list_url_name = "staff:evaluation-list"

    def base_queryset(self):
        return TeachingEvaluation.objects.select_related("staff_member__faculty")


class EvaluationCreate(RecordCreateView):
    model = TeachingEvaluation
    form_class = forms.TeachingEvaluationForm


class EvaluationUpdate(RecordUpdateView):
    model = TeachingEvaluation
    form_class = forms.TeachingEvaluationForm


class EvaluationDelete(RecordDeleteView):
    model = TeachingEvaluation
    success_url_name = "staff:evaluation-list"


# --- language assessments ------------------------------------------------------------------


class LanguageAssessmentList(RecordListView):
    model = LanguageAssessment
    filterset_class = filters.LanguageAssessmentFilter
    columns = [
        Column("staff_member__name", _("staff member"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("date", _("date"), sort="date", link=True),
        Column("language", _("language"), sort="language"),
        Column("result", _("result"), sort="result"),
        Column("score", _("score"), sort="score"),
    ]
    sort_default = "-date"
    export_kind = "language_assessments"
    import_kind = "language_assessments"
    create_url_name = "staff:languageassessment-create"
    empty_hint = _("No language assessments match. Change the filters, import the results, or add one.")

    def base_queryset(self):
        return LanguageAssessment.objects.select_related("staff_member__faculty")


class LanguageAssessmentDetail(RecordDetailView):
    model = LanguageAssessment
    detail_fields = ["staff_member", "staff_member__faculty", "date", "language", "result", "score"]
    edit_url_name = "staff:languageassessment-edit"
    delete_url_name = "staff:languageassessment-delete"
    list_url_name = "staff:languageassessment-list"

    def base_queryset(self):
        return LanguageAssessment.objects.select_related("staff_member__faculty")


class LanguageAssessmentCreate(RecordCreateView):
    model = LanguageAssessment
    form_class = forms.LanguageAssessmentForm


class LanguageAssessmentUpdate(RecordUpdateView):
    model = LanguageAssessment
    form_class = forms.LanguageAssessmentForm


class LanguageAssessmentDelete(RecordDeleteView):
    model = LanguageAssessment
    success_url_name = "staff:languageassessment-list"


# --- publications --------------------------------------------------------------------------


class PublicationList(RecordListView):
    model = Publication
    filterset_class = filters.PublicationFilter
    columns = [
        Column("title", _("title"), sort="title", link=True),
        Column("staff_member__name", _("author"), sort="staff_member__name"),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("year", _("year"), sort="year"),
        Column("journal", _("journal"), sort="journal"),
        Column("is_international", _("international journal"), sort="is_international"),
    ]
    sort_default = "-year"
    export_kind = "publications"
    import_kind = "publications"
    create_url_name = "staff:publication-create"
    empty_hint = _("No publications match. Change the filters, import the publication list, or add one.")

    def base_queryset(self):
        return Publication.objects.select_related("staff_member__faculty")


class PublicationDetail(RecordDetailView):
    model = Publication
    detail_fields = ["title", "staff_member", "staff_member__faculty", "year", "journal", "is_international", "doi"]
    edit_url_name = "staff:publication-edit"
    delete_url_name = "staff:publication-delete"
    list_url_name = "staff:publication-list"

    def base_queryset(self):
        return Publication.objects.select_related("staff_member__faculty")


class PublicationCreate(RecordCreateView):
    model = Publication
    form_class = forms.PublicationForm


class PublicationUpdate(RecordUpdateView):
    model = Publication
    form_class = forms.PublicationForm


class PublicationDelete(RecordDeleteView):
    model = Publication
    success_url_name = "staff:publication-list"
