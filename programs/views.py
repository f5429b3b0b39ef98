"""Cooperative programs, their lifecycle, enrolments, courses and teacher trainings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from intlportal import access
from intlportal.views import Column, RecordCreateView, RecordDetailView, RecordListView, RecordPages
from intlportal.workflow import WorkflowError, timeline
from programs import filters, forms, selectors, services
from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining

ACTION_LABELS = {
    "declare": _("Declare to the Ministry"),
    "approve": _("Record the Ministry's approval"),
    "enroll": _("Start enrolling"),
    "suspend": _("Suspend"),
    "close": pgettext_lazy("program lifecycle", "Close"),
}

# --- programs ------------------------------------------------------------------------------


class ProgramList(RecordListView):
    template_name = "programs/program_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for program in ctx["object_list"]:
            program.one_third = selectors.one_third_check(program)
        scoped = access.scope_for(self.request.user, CooperativeProgram.objects.all())
        ctx["breaching_count"] = len(selectors.breaching_programs(scoped))
        return ctx


class ProgramDetail(RecordDetailView):
    template_name = "programs/program_detail.html"

    def base_queryset(self):
        return CooperativeProgram.objects.for_pages().prefetch_related("partners")  # the page lists them

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        program = self.object
        user = self.request.user
        labels = dict(CooperativeProgram.Status.choices)
        actions = []
        if access.can_move_program(user):
            for name in services.available_actions(program):
                form = forms.ApproveForm(prefix=name) if name == "approve" else forms.TransitionForm(prefix=name)
                actions.append({"name": name, "label": ACTION_LABELS[name], "form": form})
        ctx.update(
            one_third=selectors.one_third_check(program),
            counts=selectors.course_counts(program),
            enrollments=program.enrollments.all(),
            courses=program.courses.all(),
            trainings=program.trainings.all(),
            # A teacher of another faculty may teach in the program: their assignment is that
            # faculty's record (``staff_member__faculty``), so the list is scoped like any other.
            teaching=access.scope_for(user, program.teaching_assignments.select_related("staff_member"))
            .order_by("-semester")[:50],
            timeline=[(step, labels.get(step.from_state, step.from_state), labels.get(step.to_state, step.to_state))
                      for step in timeline(program)],
            actions=actions,
            can_add_course=access.can_edit(user, ProgramCourse(program=program)),
        )
        return ctx


programs = RecordPages(
    CooperativeProgram, "list", name="program", form=forms.CooperativeProgramForm,
    filterset=filters.CooperativeProgramFilter,
    columns=[
        Column("code", pgettext_lazy("cooperative program", "code"), sort="code", link=True),
        Column("name_zh", _("Chinese name"), sort="name_zh", link=True),
        Column("faculty", _("faculty"), sort="faculty__code"),
        Column("level", _("level"), sort="level"),
        Column("status", _("status"), sort="status"),
        Column("approval_no", _("Ministry approval number"), sort="approval_no"),
        Column("expires_on", _("approval expires on"), sort="expires_on"),
    ],
    sort_default="code", export_kind="programs",
    empty_hint=_("No cooperative programs match. Change the filters; the office adds programs."),
    detail_fields=["code", "faculty", "name_zh", "name_en", "level", "form", "status", "partners", "approval_no",
                   "approved_on", "expires_on", "annual_quota"],
    list_view=ProgramList, detail_view=ProgramDetail,
)


@require_POST
def program_transition(request, pk: int, action: str):
    """Move a program along its lifecycle (office only)."""
    program = access.get_visible_or_404(request.user, CooperativeProgram.objects.all(), pk=pk)
    if not access.can_move_program(request.user) or action not in services.TRANSITIONS:
        raise PermissionDenied
    form_class = forms.ApproveForm if action == "approve" else forms.TransitionForm
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(program)
    data = form.cleaned_data
    try:
        if action == "approve":
            services.program_approve(program=program, by=request.user, approval_no=data["approval_no"],
                                     approved_on=data["approved_on"], expires_on=data.get("expires_on"),
                                     comment=data["comment"])
        else:
            service = {
                "declare": services.program_declare,
                "enroll": services.program_start_enrolling,
                "suspend": services.program_suspend,
                "close": services.program_close,
            }[action]
            service(program=program, by=request.user, comment=data["comment"])
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        program.refresh_from_db()
        messages.success(request, gettext("The program is now “%(status)s”.")
                         % {"status": program.get_status_display()})
    return redirect(program)


# --- enrolments, courses, teacher trainings -------------------------------------------------

enrollments = RecordPages(
    ProgramEnrollment, "enrolments", name="enrollment", form=forms.ProgramEnrollmentForm,
    filterset=filters.ProgramEnrollmentFilter,
    columns=[
        Column("program", _("program"), sort="program__code", link=True),
        Column("program__faculty", _("faculty"), sort="program__faculty__code"),
        Column("year", _("year"), sort="year", link=True),
        Column("students", _("students enrolled"), sort="students"),
    ],
    sort_default="-year", export_kind="program_enrollments",
    empty_hint=_("No enrolments match. Change the filters, or record a year's intake."),
    detail_fields=["program", "program__faculty", "year", "students"],
)


class CourseCreate(RecordCreateView):
    """Opened from a program's page with ``?program=<pk>``: that program is chosen already."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("program", "").isdigit():
            initial["program"] = int(self.request.GET["program"])
        return initial


courses = RecordPages(
    ProgramCourse, "courses", name="course", form=forms.ProgramCourseForm, filterset=filters.ProgramCourseFilter,
    columns=[
        Column("course", _("course"), sort="course", link=True),
        Column("program", _("program"), sort="program__code"),
        Column("credits", _("credits"), sort="credits"),
        Column("hours", _("hours"), sort="hours"),
        Column("is_core", _("core course"), sort="is_core"),
        Column("is_introduced", _("introduced from the partner"), sort="is_introduced"),
        Column("partner_taught_hours", _("hours taught by partner teachers"), sort="partner_taught_hours"),
    ],
    sort_default="program__code", export_kind="program_courses",
    empty_hint=_("No courses match. Change the filters, or add the program's courses."),
    detail_fields=["program", "program__faculty", "course", "credits", "hours", "is_core", "is_introduced",
                   "partner_taught_hours"],
    create_view=CourseCreate,
)

trainings = RecordPages(
    ProgramTeacherTraining, "trainings", name="training", form=forms.ProgramTeacherTrainingForm,
    filterset=filters.ProgramTeacherTrainingFilter,
    columns=[
        Column("title", _("title"), sort="title", link=True),
        Column("program", _("program"), sort="program__code"),
        Column("program__faculty", _("faculty"), sort="program__faculty__code"),
        Column("year", _("year"), sort="year"),
        Column("date", _("date"), sort="date"),
        Column("participants", pgettext_lazy("training", "participants"), sort="participants"),
    ],
    sort_default="-date", export_kind="program_trainings",
    empty_hint=_("No trainings match. Change the filters, or record this year's training of the program's "
                 "teachers."),
    detail_fields=["program", "program__faculty", "year", "date", "title", "participants"],
)
