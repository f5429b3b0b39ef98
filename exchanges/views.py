"""Partners, agreements, funding schemes, mobilities (with their workflow), events and
students' language tests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from exchanges import filters, forms, services
from exchanges.models import (
    EXPIRY_WARNING_DAYS,
    Agreement,
    Event,
    FundingScheme,
    Mobility,
    PartnerInstitution,
    StudentLanguageTest,
)
from intlportal import access
from intlportal.forms import CommentForm
from intlportal.versioning import StaleEdit
from intlportal.views import (
    Column,
    RecordCreateView,
    RecordDeleteView,
    RecordDetailView,
    RecordListView,
    RecordUpdateView,
)
from intlportal.workflow import WorkflowError, timeline

AUTOCOMPLETE_LIMIT = 20


class ExchangesListView(RecordListView):
    """The generic list, with the partner picker's script and style loaded for the filters."""

    template_name = "exchanges/record_list.html"


class ExchangesFormMixin:
    template_name = "exchanges/record_form.html"


# --- partners --------------------------------------------------------------------------------


class PartnerList(ExchangesListView):
    model = PartnerInstitution
    filterset_class = filters.PartnerFilter
    columns = [
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("name_zh", gettext_lazy("Chinese name"), sort="name_zh"),
        Column("country", gettext_lazy("country"), sort="country"),
        Column("kind", gettext_lazy("kind"), sort="kind"),
        Column("domains_display", gettext_lazy("domains")),
    ]
    sort_default = "name"
    export_kind = "partners"
    import_kind = "partners"
    create_url_name = "exchanges:partner-create"
    empty_hint = gettext_lazy("No partner matches. Search by another spelling or domain, or add the partner.")


class PartnerDetail(RecordDetailView):
    model = PartnerInstitution
    template_name = "exchanges/partner_detail.html"
    detail_fields = ["name", "name_en", "name_zh", "country", "kind", "website", "domains_display"]
    edit_url_name = "exchanges:partner-edit"
    delete_url_name = "exchanges:partner-delete"
    list_url_name = "exchanges:partner-list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["agreements"] = access.scope_for(user, self.object.agreements.with_related()).order_by("-starts_on")
        ctx["mobility_count"] = access.scope_for(user, self.object.mobilities.all()).count()
        return ctx


class PartnerCreate(ExchangesFormMixin, RecordCreateView):
    model = PartnerInstitution
    form_class = forms.PartnerForm


class PartnerUpdate(ExchangesFormMixin, RecordUpdateView):
    model = PartnerInstitution
    form_class = forms.PartnerForm


class PartnerDelete(RecordDeleteView):
    model = PartnerInstitution
    success_url_name = "exchanges:partner-list"


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


class AgreementList(ExchangesListView):
    model = Agreement
    filterset_class = filters.AgreementFilter
    columns = [
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("partner", gettext_lazy("partner"), sort="partner__name"),
        Column("partner__country", gettext_lazy("country"), sort="partner__country"),
        Column("faculties_display", gettext_lazy("faculties")),
        Column("kind", gettext_lazy("kind"), sort="kind"),
        Column("ends_on", gettext_lazy("ends on"), sort="ends_on"),
        Column("validity", gettext_lazy("status")),
    ]
    sort_default = "ends_on"
    export_kind = "agreements"
    import_kind = "agreements"
    create_url_name = "exchanges:agreement-create"
    empty_hint = gettext_lazy("No agreement matches these filters. Clear them, or record a signed agreement.")

    def base_queryset(self):
        return Agreement.objects.with_related()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["expiring_count"] = access.scope_for(self.request.user, Agreement.objects.expiring_within()).count()
        ctx["expiry_days"] = EXPIRY_WARNING_DAYS
        return ctx


class AgreementDetail(RecordDetailView):
    model = Agreement
    template_name = "exchanges/agreement_detail.html"
    detail_fields = ["title", "partner", "partner__country", "faculties_display", "kind", "signed_on", "starts_on",
                     "ends_on", "validity"]
    edit_url_name = "exchanges:agreement-edit"
    delete_url_name = "exchanges:agreement-delete"
    list_url_name = "exchanges:agreement-list"

    def base_queryset(self):
        return Agreement.objects.with_related()


class AgreementCreate(ExchangesFormMixin, RecordCreateView):
    model = Agreement
    form_class = forms.AgreementForm


class AgreementUpdate(ExchangesFormMixin, RecordUpdateView):
    model = Agreement
    form_class = forms.AgreementForm


class AgreementDelete(RecordDeleteView):
    model = Agreement
    success_url_name = "exchanges:agreement-list"


def _attachment(field_file, stem: str, pk: int) -> FileResponse:
    if not field_file:
        raise Http404
    name = slugify(stem, allow_unicode=True)[:80] or "document"
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=f"{name}-{pk}.pdf",
                        content_type="application/pdf")


@require_GET
def agreement_document(request, pk: int):
    """The signed PDF, to those who may see the agreement, as a download (never shown inline)."""
    agreement = access.get_visible_or_404(request.user, Agreement.objects.all(), pk=pk)
    return _attachment(agreement.document, agreement.title, agreement.pk)


# --- funding schemes -------------------------------------------------------------------------


class FundingSchemeList(ExchangesListView):
    model = FundingScheme
    filterset_class = filters.FundingSchemeFilter
    columns = [
        Column("name", gettext_lazy("name"), sort="name", link=True),
        Column("year", gettext_lazy("year"), sort="year"),
        Column("budget", gettext_lazy("budget (yuan)"), sort="budget"),
        Column("committed", gettext_lazy("committed (yuan)"), sort="committed"),
        Column("spent", gettext_lazy("spent (yuan)"), sort="spent"),
        Column("remaining", gettext_lazy("remaining (yuan)")),
    ]
    sort_default = "-year"
    export_kind = "funding_schemes"
    import_kind = "funding_schemes"
    create_url_name = "exchanges:fundingscheme-create"
    empty_hint = gettext_lazy("No funding scheme yet. Add the year's schemes so mobilities can draw on them.")

    def base_queryset(self):
        return FundingScheme.objects.with_totals()


class FundingSchemeDetail(RecordDetailView):
    model = FundingScheme
    template_name = "exchanges/fundingscheme_detail.html"
    detail_fields = ["name", "year", "budget", "committed", "spent", "remaining"]
    edit_url_name = "exchanges:fundingscheme-edit"
    delete_url_name = "exchanges:fundingscheme-delete"
    list_url_name = "exchanges:fundingscheme-list"

    def base_queryset(self):
        return FundingScheme.objects.with_totals()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["mobilities"] = access.scope_for(
            self.request.user, self.object.mobilities.with_related()).order_by("-starts_on")[:50]
        return ctx


class FundingSchemeCreate(ExchangesFormMixin, RecordCreateView):
    model = FundingScheme
    form_class = forms.FundingSchemeForm


class FundingSchemeUpdate(ExchangesFormMixin, RecordUpdateView):
    model = FundingScheme
    form_class = forms.FundingSchemeForm


class FundingSchemeDelete(RecordDeleteView):
    model = FundingScheme
    success_url_name = "exchanges:fundingscheme-list"


# --- mobilities ------------------------------------------------------------------------------


class MobilityList(ExchangesListView):
    model = Mobility
    filterset_class = filters.MobilityFilter
    columns = [
        Column("person_name", gettext_lazy("person name"), sort="person_name", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("direction", gettext_lazy("direction"), sort="direction"),
        Column("person_kind", gettext_lazy("person kind"), sort="person_kind"),
        Column("activity", gettext_lazy("activity"), sort="activity"),
        Column("country", gettext_lazy("country"), sort="country"),
        Column("partner", gettext_lazy("partner"), sort="partner__name"),
        Column("starts_on", gettext_lazy("starts on"), sort="starts_on"),
        Column("ends_on", gettext_lazy("ends on"), sort="ends_on"),
        Column("status_label", gettext_lazy("status"), sort="status"),
    ]
    sort_default = "-starts_on"
    export_kind = "mobilities"
    import_kind = "mobilities"
    create_url_name = "exchanges:mobility-create"
    empty_hint = gettext_lazy("No mobility matches these filters. Clear them, or record a planned exchange.")

    def base_queryset(self):
        return Mobility.objects.with_related()


def can_write_report(user, mobility: Mobility) -> bool:
    """The office, or a coordinator of the mobility's faculty, files the report of a completed
    outbound teacher mobility."""
    if not (mobility.takes_report and mobility.status == Mobility.Status.COMPLETED):
        return False
    if access.is_office(user):
        return True
    return access.is_coordinator(user) and mobility.faculty_id in access.faculty_ids(user)


class MobilityDetail(RecordDetailView):
    model = Mobility
    template_name = "exchanges/mobility_detail.html"
    detail_fields = ["faculty", "direction", "person_kind", "person_name", "person_id", "staff_member", "partner",
                     "country", "activity", "starts_on", "ends_on", "duration_days", "funding_scheme", "amount",
                     "status_label", "submitted_at"]
    edit_url_name = "exchanges:mobility-edit"
    delete_url_name = "exchanges:mobility-delete"
    list_url_name = "exchanges:mobility-list"

    def base_queryset(self):
        return Mobility.objects.with_related()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        mobility, user = self.object, self.request.user
        planned = mobility.status == Mobility.Status.PLANNED
        reviewer = access.can_review(user)
        ctx.update(
            timeline=[(STEP_LABELS.get(step.to_state, step.to_state), step) for step in timeline(mobility)],
            can_submit=planned and not mobility.submitted_at and access.can_edit(user, mobility),
            can_approve=reviewer and planned,
            can_return=reviewer and mobility.is_awaiting_approval,
            can_complete=reviewer and mobility.status == Mobility.Status.APPROVED,
            can_cancel=reviewer and mobility.status in {Mobility.Status.PLANNED, Mobility.Status.APPROVED},
            can_report=can_write_report(user, mobility),
            comment_form=CommentForm(),
        )
        return ctx


STEP_LABELS = {
    **dict(Mobility.Status.choices),
    services.Step.SUBMITTED: gettext_lazy("Submitted for approval"),
    services.Step.RETURNED: gettext_lazy("Returned to the faculty"),
    services.Step.REPORT: gettext_lazy("Report submitted"),
}


class MobilityCreate(ExchangesFormMixin, RecordCreateView):
    model = Mobility
    form_class = forms.MobilityForm

    def form_valid(self, form):
        mobility = form.save(commit=False)
        try:
            services.mobility_save(mobility=mobility, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.object = mobility
        messages.success(self.request, _("The mobility of %(person)s was recorded as planned. Submit it for "
                                         "approval when it is complete.") % {"person": mobility.person_name})
        return HttpResponseRedirect(mobility.get_absolute_url())


class MobilityUpdate(ExchangesFormMixin, RecordUpdateView):
    model = Mobility
    form_class = forms.MobilityForm

    def form_valid(self, form):
        mobility = form.save(commit=False)
        try:
            services.mobility_save(mobility=mobility, by=self.request.user,
                                   expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            return self.stale(form, stale)
        except Mobility.DoesNotExist as gone:  # deleted while the form was open
            raise Http404 from gone
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        self.object = mobility
        messages.success(self.request, _("The mobility of %(person)s was saved.") % {"person": mobility.person_name})
        return HttpResponseRedirect(mobility.get_absolute_url())


class MobilityDelete(RecordDeleteView):
    model = Mobility
    success_url_name = "exchanges:mobility-list"


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


class EventList(ExchangesListView):
    model = Event
    filterset_class = filters.EventFilter
    columns = [
        Column("title", gettext_lazy("title"), sort="title", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("kind", gettext_lazy("kind"), sort="kind"),
        Column("date", gettext_lazy("date"), sort="date"),
        Column("partners_display", gettext_lazy("partners")),
        Column("participants_total", gettext_lazy("participants"), sort="participants_total"),
        Column("participants_foreign", gettext_lazy("foreign participants"), sort="participants_foreign"),
    ]
    sort_default = "-date"
    export_kind = "events"
    import_kind = "events"
    create_url_name = "exchanges:event-create"
    empty_hint = gettext_lazy("No event matches these filters. Clear them, or record a conference, seminar, "
                              "lecture or summer school your faculty hosted.")

    def base_queryset(self):
        return Event.objects.with_related()


class EventDetail(RecordDetailView):
    model = Event
    detail_fields = ["title", "faculty", "kind", "date", "partners_display", "participants_total",
                     "participants_foreign"]
    edit_url_name = "exchanges:event-edit"
    delete_url_name = "exchanges:event-delete"
    list_url_name = "exchanges:event-list"

    def base_queryset(self):
        return Event.objects.with_related()


class EventCreate(ExchangesFormMixin, RecordCreateView):
    model = Event
    form_class = forms.EventForm


class EventUpdate(ExchangesFormMixin, RecordUpdateView):
    model = Event
    form_class = forms.EventForm


class EventDelete(RecordDeleteView):
    model = Event
    success_url_name = "exchanges:event-list"


# --- students' language tests ----------------------------------------------------------------


class LanguageTestList(ExchangesListView):
    model = StudentLanguageTest
    filterset_class = filters.StudentLanguageTestFilter
    columns = [
        Column("student_id", gettext_lazy("student number"), sort="student_id", link=True),
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("test", gettext_lazy("test"), sort="test"),
        Column("date", gettext_lazy("date"), sort="date"),
        Column("score", gettext_lazy("score"), sort="score"),
    ]
    sort_default = "-date"
    create_url_name = "exchanges:languagetest-create"

    # DESIGN.md's data-exchange table has no language-test kind yet: the export and import
    # buttons appear once the data-exchange registry registers "language_tests".
    @property
    def export_kind(self):
        from dataexchange import registry

        return "language_tests" if any(k.name == "language_tests" for k in registry.kinds()) else None

    import_kind = export_kind
    empty_hint = gettext_lazy("No language test matches these filters. Clear them, or record a student's "
                              "IELTS, TOEFL or other result.")

    def base_queryset(self):
        return StudentLanguageTest.objects.select_related("faculty")


class LanguageTestDetail(RecordDetailView):
    model = StudentLanguageTest
    detail_fields = ["faculty", "student_id", "test", "date", "score"]
    edit_url_name = "exchanges:languagetest-edit"
    delete_url_name = "exchanges:languagetest-delete"
    list_url_name = "exchanges:languagetest-list"


class LanguageTestCreate(ExchangesFormMixin, RecordCreateView):
    model = StudentLanguageTest
    form_class = forms.StudentLanguageTestForm


class LanguageTestUpdate(ExchangesFormMixin, RecordUpdateView):
    model = StudentLanguageTest
    form_class = forms.StudentLanguageTestForm


class LanguageTestDelete(RecordDeleteView):
    model = StudentLanguageTest
    success_url_name = "exchanges:languagetest-list"
