"""Staff members, foreign teachers' contracts, teaching, evaluations, language assessments
and publications."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intlportal import access
from intlportal.views import Column, RecordDetailView, RecordListView, RecordPages
from staff import filters, forms, selectors
from staff.models import (
    EXPIRY_WARNING_DAYS,
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)

# The contract badges and counts say how near "expiring" is.
EXPIRY_CONTEXT = {"expiry_warning_days": EXPIRY_WARNING_DAYS}

# --- staff members -------------------------------------------------------------------------


class StaffMemberList(RecordListView):
    extra_context = EXPIRY_CONTEXT


class StaffMemberDetail(RecordDetailView):
    template_name = "staff/staffmember_detail.html"
    extra_context = EXPIRY_CONTEXT

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


staff_members = RecordPages(
    StaffMember, "members", form=forms.StaffMemberForm, filterset=filters.StaffMemberFilter,
    columns=[
        Column("staff_no", _("staff number"), sort="staff_no", link=True),
        Column("name", pgettext_lazy("person", "name"), sort="name", link=True),
        Column("faculty", _("faculty"), sort="faculty__code"),
        Column("category", _("category"), sort="category"),
        Column("title", pgettext_lazy("academic rank", "title"), sort="title"),
        Column("nationality", _("nationality"), sort="nationality"),
        Column("has_overseas_degree", _("overseas degree"), sort="has_overseas_degree"),
    ],
    sort_default="staff_no", export_kind="staff",
    empty_hint=_("No staff members match. Change the filters, import the staff list, or add a staff member."),
    detail_fields=["staff_no", "name", "faculty", "nationality", "category", "title", "hired_on", "left_on",
                   "has_overseas_degree"],
    list_template="staff/staffmember_list.html", list_view=StaffMemberList, detail_view=StaffMemberDetail,
)


# --- contracts -----------------------------------------------------------------------------


class ContractList(RecordListView):
    template_name = "staff/contract_list.html"
    extra_context = EXPIRY_CONTEXT
    # Shown to the office alone (``PERSONAL_FIELDS``).
    personal_columns = [
        Column("salary", _("monthly salary (yuan)"), sort="salary"),
        Column("work_permit_no", _("work permit number")),
        Column("work_permit_expires_on", _("work permit expires on"), sort="work_permit_expires_on"),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if access.can_see_personal_data(request.user):
            self.columns = [*type(self).columns, *self.personal_columns]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["show_personal"] = access.can_see_personal_data(user)
        if ctx["show_personal"]:
            ctx["expiry_counts"] = selectors.expiry_counts(access.scope_for(user, ForeignTeacherContract.objects.all()))
        return ctx


class ContractDetail(RecordDetailView):
    template_name = "staff/contract_detail.html"
    extra_context = EXPIRY_CONTEXT

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["show_personal"] = access.can_see_personal_data(self.request.user)
        return ctx


contracts = RecordPages(
    ForeignTeacherContract, "contracts", name="contract", form=forms.ContractForm, filterset=filters.ContractFilter,
    columns=[
        Column("staff_member__name", _("teacher"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("category", _("category"), sort="category"),
        Column("starts_on", _("starts on"), sort="starts_on"),
        Column("ends_on", _("ends on"), sort="ends_on"),
        Column("status", _("status"), sort="status"),
    ],
    sort_default="ends_on",
    export_kind="contracts",  # salary and work permit columns: the office's export alone
    empty_hint=_("No contracts match. Change the filters, or add the contract of a foreign teacher."),
    detail_fields=["staff_member", "staff_member__faculty", "category", "discipline", "starts_on", "ends_on",
                   "status", "salary", "work_permit_no", "work_permit_expires_on"],
    list_view=ContractList, detail_view=ContractDetail,
)


# --- teaching, evaluations, language assessments, publications -----------------------------

assignments = RecordPages(
    TeachingAssignment, "teaching", name="assignment", form=forms.TeachingAssignmentForm,
    filterset=filters.TeachingAssignmentFilter,
    columns=[
        Column("staff_member__name", _("teacher"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("staff_member__category", _("category"), sort="staff_member__category"),
        Column("semester", _("semester"), sort="semester"),
        Column("course", _("course"), sort="course", link=True),
        Column("hours", _("hours"), sort="hours"),
        Column("context", _("context"), sort="context"),
        Column("program", _("cooperative program")),
    ],
    sort_default="-semester", export_kind="teaching_assignments",
    empty_hint=_("No teaching assignments match. Change the filters, import a semester's timetable, "
                 "or add an assignment."),
    detail_fields=["staff_member", "staff_member__faculty", "semester", "course", "hours", "context", "program"],
)

evaluations = RecordPages(
    TeachingEvaluation, "evaluations", name="evaluation", form=forms.TeachingEvaluationForm,
    filterset=filters.TeachingEvaluationFilter,
    columns=[
        Column("staff_member__name", _("teacher"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("semester", _("semester"), sort="semester"),
        Column("source", _("source"), sort="source"),
        Column("course", _("course"), sort="course"),
        Column("score", _("score"), sort="score", link=True),
    ],
    sort_default="-semester", export_kind="teaching_evaluations",
    empty_hint=_("No evaluations match. Change the filters, or record a semester's evaluation results."),
    detail_fields=["staff_member", "staff_member__faculty", "semester", "source", "course", "score", "feedback"],
)

language_assessments = RecordPages(
    LanguageAssessment, "language-assessments", form=forms.LanguageAssessmentForm,
    filterset=filters.LanguageAssessmentFilter,
    columns=[
        Column("staff_member__name", _("staff member"), sort="staff_member__name", link=True),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("date", _("date"), sort="date", link=True),
        Column("language", pgettext_lazy("language test", "language"), sort="language"),
        Column("result", _("result"), sort="result"),
        Column("score", pgettext_lazy("test result", "score"), sort="score"),
    ],
    sort_default="-date", export_kind="language_assessments",
    empty_hint=_("No language assessments match. Change the filters, import the results, or add one."),
    detail_fields=["staff_member", "staff_member__faculty", "date", "language", "result", "score"],
)

publications = RecordPages(
    Publication, "publications", form=forms.PublicationForm, filterset=filters.PublicationFilter,
    columns=[
        Column("title", pgettext_lazy("publication", "title"), sort="title", link=True),
        Column("staff_member__name", _("author"), sort="staff_member__name"),
        Column("staff_member__faculty", _("faculty"), sort="staff_member__faculty__code"),
        Column("year", _("year"), sort="year"),
        Column("journal", _("journal"), sort="journal"),
        Column("is_international", _("international journal"), sort="is_international"),
    ],
    sort_default="-year", export_kind="publications",
    empty_hint=_("No publications match. Change the filters, import the publication list, or add one."),
    detail_fields=["title", "staff_member", "staff_member__faculty", "year", "journal", "is_international", "doi"],
)
