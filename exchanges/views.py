"""Partners, agreements, funding schemes, mobilities (with their workflow), events and
students' language tests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from exchanges import filters, forms, services
from exchanges.models import (
    EXPIRY_WARNING_DAYS,
    REPORT_DUE_DAYS,
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from intlportal import access, uploads
from intlportal.forms import CommentForm
from intlportal.versioning import StaleEdit
from intlportal.views import (
    Column,
    RecordCreateView,
    RecordDetailView,
    RecordListView,
    RecordPages,
    RecordUpdateView,
    saved_message,
)
from intlportal.workflow import WorkflowError, timeline

AUTOCOMPLETE_LIMIT = 20


def exchanges_pages(model, prefix: str, **declaration) -> RecordPages:
    """A kind's pages, whose list and forms load the partner picker's script and style."""
    return RecordPages(model, prefix, list_template="exchanges/record_list.html",
                       form_template="exchanges/record_form.html", **declaration)


# --- partners --------------------------------------------------------------------------------


class PartnerDetail(RecordDetailView):
    template_name = "exchanges/partner_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["agreements"] = access.scope_for(user, self.object.agreements.with_related()).order_by("-starts_on")
        ctx["mobility_count"] = access.scope_for(user, self.object.mobilities.all()).count()
        return ctx


partners = exchanges_pages(
    PartnerInstitution, "partners", name="partner", form=forms.PartnerForm, filterset=filters.PartnerFilter,
    columns=[
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("name_zh", gettext_lazy("Chinese name"), sort="name_zh"),
        Column("country", gettext_lazy("country"), sort="country"),
        Column("kind", gettext_lazy("kind"), sort="kind"),
        Column("domains_display", gettext_lazy("domains")),
    ],
    sort_default="name", export_kind="partners",
    empty_hint=gettext_lazy("No partner matches. Search by another spelling or domain, or add the partner."),
    detail_fields=["name", "name_en", "name_zh", "country", "kind", "website",
                   ("domains_display", gettext_lazy("domains"))],
    detail_view=PartnerDetail,
)


@require_GET
def partner_autocomplete(request):
    """Up to 20 partners whose names or domains contain ``q``, best matches first (JSON)."""
    if not access.roles(request.user):
        raise PermissionDenied
    # Control characters are dropped (PostgreSQL refuses a null character in a query: 500).
    typed = "".join(c for c in request.GET.get("q", "")[:1000] if c.isprintable() or c.isspace())
    text = " ".join(typed.split())[:100]
    results = []
    if text:
        partners = (PartnerInstitution.objects.search(text)
                    .only("pk", "name", "name_en", "name_zh", "country")
                    .order_by("name")[:200])
        lowered = text.lower()

        def rank(p):
            names = [n.lower() for n in (p.name, p.name_en, p.name_zh) if n]
            starts = any(n.startswith(lowered) for n in names)
            return (0 if lowered in names else 1 if starts else 2, len(p.name), p.name)

        for partner in sorted(partners, key=rank)[:AUTOCOMPLETE_LIMIT]:
            results.append({"id": partner.pk, "value": partner.name, "label": partner.autocomplete_label})
    return JsonResponse({"results": results})


# --- agreements ------------------------------------------------------------------------------


class AgreementList(RecordListView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["expiring_count"] = access.scope_for(self.request.user, Agreement.objects.expiring_within()).count()
        ctx["expiry_days"] = EXPIRY_WARNING_DAYS
        return ctx


agreements = exchanges_pages(
    Agreement, "agreements", form=forms.AgreementForm, filterset=filters.AgreementFilter,
    columns=[
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("partner", gettext_lazy("partner"), sort="partner__name"),
        Column("partner__country", gettext_lazy("country"), sort="partner__country"),
        Column("faculties_display", gettext_lazy("faculties")),
        Column("kind", gettext_lazy("kind"), sort="kind"),
        Column("ends_on", gettext_lazy("ends on"), sort="ends_on"),
        Column("validity", gettext_lazy("status")),
    ],
    sort_default="ends_on", export_kind="agreements",
    empty_hint=gettext_lazy("No agreement matches these filters. Clear them, or record a signed agreement."),
    detail_fields=["title", "partner", "partner__country", ("faculties_display", gettext_lazy("faculties")), "kind",
                   "signed_on", "starts_on", "ends_on", "terminated_on", ("validity", gettext_lazy("validity"))],
    list_view=AgreementList, detail_template="exchanges/agreement_detail.html",
)


def _attachment(field_file, stem: str, pk: int) -> FileResponse:
    name = slugify(stem, allow_unicode=True)[:80] or "document"
    return uploads.download(field_file, f"{name}-{pk}.pdf")


@require_GET
def agreement_document(request, pk: int):
    """The signed PDF, to those who may see the agreement, as a download (never shown inline)."""
    agreement = access.get_visible_or_404(request.user, Agreement.objects.all(), pk=pk)
    return _attachment(agreement.document, agreement.title, agreement.pk)


# --- funding schemes -------------------------------------------------------------------------


class FundingSchemeDetail(RecordDetailView):
    template_name = "exchanges/fundingscheme_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["mobilities"] = access.scope_for(
            self.request.user, self.object.mobilities.with_related()).order_by("-starts_on")[:50]
        return ctx


funding_schemes = exchanges_pages(
    FundingScheme, "funding", form=forms.FundingSchemeForm, filterset=filters.FundingSchemeFilter,
    columns=[
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("year", gettext_lazy("year"), sort="year"),
        Column("budget", gettext_lazy("budget (yuan)"), sort="budget"),
        Column("committed", gettext_lazy("committed (yuan)"), sort="committed"),
        Column("spent", gettext_lazy("spent (yuan)"), sort="spent"),
        Column("remaining", gettext_lazy("remaining (yuan)")),
    ],
    sort_default="-year", export_kind="funding_schemes",
    empty_hint=gettext_lazy("No funding scheme yet. Add the year's schemes so mobilities can draw on them."),
    detail_fields=["name", "year", "budget", ("committed", gettext_lazy("committed (yuan)")),
                   ("spent", gettext_lazy("spent (yuan)")), ("remaining", gettext_lazy("remaining (yuan)"))],
    detail_view=FundingSchemeDetail,
)


# --- mobilities ------------------------------------------------------------------------------


def can_write_report(user, mobility: Mobility) -> bool:
    """The office, or a coordinator of the mobility's faculty, files the report of a completed
    outbound teacher mobility."""
    return (mobility.takes_report and mobility.status == Mobility.Status.COMPLETED
            and access.acts_for_faculty(user, mobility))


# A step of the timeline is named by the state it reached, except the moves named by what
# they did: handing a submitted mobility back, and filing its report (which keeps it completed).
STATE_STEP_LABELS = {
    **dict(Mobility.Status.choices),
    Mobility.Status.SUBMITTED: gettext_lazy("Submitted for approval"),
}
MOVE_STEP_LABELS = {
    (Mobility.Status.SUBMITTED, Mobility.Status.PLANNED): gettext_lazy("Returned to the faculty"),
    (Mobility.Status.COMPLETED, Mobility.Status.COMPLETED): gettext_lazy("Report submitted"),
}


def step_label(step) -> str:
    """What a logged workflow step of a mobility did, as its timeline says it."""
    return MOVE_STEP_LABELS.get((step.from_state, step.to_state)) or STATE_STEP_LABELS.get(step.to_state,
                                                                                            step.to_state)


class MobilityDetail(RecordDetailView):
    template_name = "exchanges/mobility_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        mobility, user = self.object, self.request.user
        status = mobility.status
        reviewer = access.can_review(user)
        ctx.update(
            timeline=[(step_label(step), step) for step in timeline(mobility)],
            can_submit=status == Mobility.Status.PLANNED and access.can_edit(user, mobility),
            can_approve=reviewer and status in services.APPROVABLE_STATES,
            can_return=reviewer and status == Mobility.Status.SUBMITTED,
            can_complete=reviewer and status == Mobility.Status.APPROVED,
            can_cancel=reviewer and status in services.CANCELLABLE_STATES,
            can_report=can_write_report(user, mobility),
            comment_form=CommentForm(),
            report_due_days=REPORT_DUE_DAYS,
        )
        return ctx


class MobilityCreate(RecordCreateView):
    def form_valid(self, form):
        mobility = form.save(commit=False)
        try:
            services.mobility_save(mobility=mobility, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.object = mobility
        message = _("The mobility of %(person)s was recorded as planned. Submit it for approval when it is "
                    "complete.") % {"person": mobility.person_name}
        if mobility.verified_at is None:
            message += " " + _("It counts in the assessment once the Foreign Affairs Office verifies it.")
        messages.success(self.request, message)
        return HttpResponseRedirect(mobility.get_absolute_url())


class MobilityUpdate(RecordUpdateView):
    def form_valid(self, form):
        try:
            mobility = services.mobility_save(mobility=form.save(commit=False), by=self.request.user,
                                              expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            return self.stale(form, stale)
        except Mobility.DoesNotExist as gone:  # deleted while the form was open
            raise Http404 from gone
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.object = mobility
        if mobility.was_staged:
            message = saved_message(mobility, self.request.user, staged=True)
        else:
            message = _("The mobility of %(person)s was saved.") % {"person": mobility.person_name}
        messages.success(self.request, message)
        return HttpResponseRedirect(mobility.get_absolute_url())


mobilities = exchanges_pages(
    Mobility, "mobilities", form=forms.MobilityForm, filterset=filters.MobilityFilter,
    columns=[
        Column("person_name", gettext_lazy("person name"), sort="person_name", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("direction", gettext_lazy("direction"), sort="direction"),
        Column("person_kind", gettext_lazy("person kind"), sort="person_kind"),
        Column("activity", gettext_lazy("activity"), sort="activity"),
        Column("country", gettext_lazy("country"), sort="country"),
        Column("partner", gettext_lazy("partner"), sort="partner__name"),
        Column("starts_on", gettext_lazy("starts on"), sort="starts_on"),
        Column("ends_on", gettext_lazy("ends on"), sort="ends_on"),
        Column("status", gettext_lazy("status"), sort="status"),
    ],
    sort_default="-starts_on", export_kind="mobilities",
    empty_hint=gettext_lazy("No mobility matches these filters. Clear them, or record a planned exchange."),
    detail_fields=["faculty", "direction", "person_kind", "person_name", "person_id", "staff_member", "partner",
                   "country", "activity", "starts_on", "ends_on", ("duration_days", gettext_lazy("duration (days)")),
                   "funding_scheme", "amount", "status", "submitted_at"],
    detail_view=MobilityDetail, create_view=MobilityCreate, update_view=MobilityUpdate,
)


def _may(user, action: str, mobility: Mobility) -> bool:
    if action == "submit":
        return access.can_edit(user, mobility) or access.can_review(user)
    return access.can_review(user)


TRANSITIONS = {
    # action: (service, message on success)
    "submit": (services.mobility_submit, gettext_lazy("The mobility was submitted to the office for approval.")),
    "approve": (services.mobility_approve, gettext_lazy("The mobility was approved.")),
    "return": (services.mobility_return, gettext_lazy("The mobility was returned to the faculty with your comment.")),
    "complete": (services.mobility_complete, gettext_lazy("The mobility was marked as completed.")),
    "cancel": (services.mobility_cancel, gettext_lazy("The mobility was cancelled; its amount is released.")),
}


@require_POST
def mobility_transition(request, pk: int, action: str):
    """Move a mobility along its workflow.  Refusals come back as messages on its page."""
    if action not in TRANSITIONS:
        raise Http404
    mobility = access.get_visible_or_404(request.user, Mobility.objects.all(), pk=pk)
    if not _may(request.user, action, mobility):
        raise PermissionDenied
    form = CommentForm(request.POST, required=action == "return")
    if not form.is_valid():
        messages.error(request, _("Say what the faculty should change: a comment is required to return a "
                                  "mobility."))
        return redirect(mobility)
    service, done = TRANSITIONS[action]
    try:
        service(mobility=mobility, by=request.user, comment=form.cleaned_data["comment"])
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return redirect(mobility)


def mobility_report(request, pk: int):
    """Write the post-exchange report of a completed outbound teacher mobility."""
    mobility = access.get_visible_or_404(request.user, Mobility.objects.with_related(), pk=pk)
    if not can_write_report(request.user, mobility):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.mobility_submit_report(mobility=mobility, by=request.user, text=form.cleaned_data["text"],
                                                file=form.cleaned_data.get("file"))
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The post-exchange report was saved."))
                return redirect(mobility)
    else:
        form = forms.ReportForm(initial={"text": mobility.report_text})
    return render(request, "exchanges/mobility_report.html", {
        "form": form, "mobility": mobility, "title": _("Post-exchange report of %(person)s") % {
            "person": mobility.person_name}})


@require_GET
def mobility_report_file(request, pk: int):
    mobility = access.get_visible_or_404(request.user, Mobility.objects.all(), pk=pk)
    return _attachment(mobility.report_file, f"report-{mobility.person_name}", mobility.pk)


# --- events ----------------------------------------------------------------------------------


events = exchanges_pages(
    Event, "events", form=forms.EventForm, filterset=filters.EventFilter,
    columns=[
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("kind", gettext_lazy("kind"), sort="kind"),
        Column("date", gettext_lazy("date"), sort="date"),
        Column("partners_display", gettext_lazy("partners")),
        Column("participants_total", gettext_lazy("participants"), sort="participants_total"),
        Column("participants_foreign", gettext_lazy("foreign participants"), sort="participants_foreign"),
    ],
    sort_default="-date", export_kind="events",
    empty_hint=gettext_lazy("No event matches these filters. Clear them, or record a conference, seminar, "
                            "lecture or summer school your faculty hosted."),
    detail_fields=["title", "faculty", "kind", "date", ("partners_display", gettext_lazy("partners")),
                   "participants_total", "participants_foreign"],
)


# --- students' language tests ----------------------------------------------------------------

language_tests = exchanges_pages(
    StudentLanguageTest, "language-tests", name="languagetest", form=forms.StudentLanguageTestForm,
    filterset=filters.StudentLanguageTestFilter,
    columns=[
        Column("student_id", gettext_lazy("student number"), sort="student_id", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("test", gettext_lazy("test"), sort="test"),
        Column("date", gettext_lazy("date"), sort="date"),
        Column("score", pgettext_lazy("test result", "score"), sort="score"),
    ],
    sort_default="-date", export_kind="language_tests",
    empty_hint=gettext_lazy("No language test matches these filters. Clear them, or record a student's "
                            "IELTS, TOEFL or other result."),
    detail_fields=["faculty", "student_id", "test", "date", "score"],
)
