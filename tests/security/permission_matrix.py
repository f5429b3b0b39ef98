"""Who gets what from every URL of the portal: one row per URL name, one answer per persona.

The personas (``tests/conftest.py``):

* ``anonymous`` — nobody signed in;
* ``office``, ``leader``;
* ``own``   — the coordinator of faculty A, whose record the URL is about;
* ``other`` — the coordinator of faculty B, for whom A's record does not exist (404).

Answers are HTTP statuses; ``LOGIN`` is the redirect to the sign-in page.  A URL pattern
without a name (the API's catch-all) is keyed by its route.  A POST that works
answers ``DONE`` (the redirect back to the record).  ``tests/security/test_permission_matrix.py``
walks every URL pattern of the project and fails when a URL name is missing here, so a new
page cannot ship without someone deciding who may open it.

Skipped: ``admin/``.  The Django admin has its own permission model (``is_staff`` and model
permissions) and serves superusers only; it is not part of the portal's roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"  # 302 to the sign-in page
DONE = 302  # a POST that was carried out, redirecting back
REFUSED_FORM = 400  # a POST taken and refused by its form: the page again, as typed, with the errors
PERSONAS = ("anonymous", "office", "leader", "own", "other")


def answers(*, anonymous: Any = LOGIN, office: Any = 200, leader: Any = 200, own: Any = 200,
            other: Any = 200) -> dict[str, Any]:
    return {"anonymous": anonymous, "office": office, "leader": leader, "own": own, "other": other}


# Reading ---------------------------------------------------------------------------------------
EVERY_ROLE = answers()                                       # lists (scoped), shared records
FACULTY_RECORD = answers(other=404)                          # a record of faculty A
OFFICE_PAGE = answers(leader=403, own=403, other=403)        # the office's own pages
# Writing ---------------------------------------------------------------------------------------
COORDINATORS_CREATE = answers(leader=403)                    # a form for a kind coordinators keep
OFFICE_CREATES = answers(leader=403, own=403, other=403)     # a form for a kind the office keeps
OWN_EDITS = answers(leader=403, other=404)                   # faculty A's record, coordinators keep it
# A form on faculty A's trip page (a member, a country, a day, a visa): the matrix's empty post is
# refused by the form and the page comes back with it (400); a leader may not, faculty B finds nothing.
PANEL_FORM = answers(office=REFUSED_FORM, leader=403, own=REFUSED_FORM, other=404)
OFFICE_EDITS = answers(leader=403, own=403, other=404)       # faculty A's record, the office keeps it
# A record the office verified (intlportal.verification): its coordinator may propose changes,
# but only the office deletes it.
VERIFIED_DELETE = answers(leader=403, own=403, other=404)
# The REST API: no session and no token answers 401 (with a WWW-Authenticate challenge).
API_LIST = answers(anonymous=401)
API_FACULTY_RECORD = answers(anonymous=401, other=404)


@dataclass(frozen=True)
class Case:
    """One request to one URL name: how to build its arguments and what each persona gets."""

    expect: dict[str, Any]
    args: Callable[[Any], list] = lambda world: []
    method: str = "get"
    data: Callable[[Any], dict] = lambda world: {}
    label: str = ""
    query: str = ""
    path: str | None = None  # for a URL pattern without a name: the address to ask
    extra: dict = field(default_factory=dict)


def crud(namespace: str, prefix: str, record: str, *, create: dict, detail: dict, edit: dict,
         listing: dict = EVERY_ROLE, names: tuple[str, ...] = ("list", "create", "detail", "edit", "delete"),
         delete: dict | None = None):
    """The five generic pages of a record kind (``intlportal.views.RecordPages.urls``)."""
    pk = lambda world: [getattr(world, record).pk]  # noqa: E731
    rows = {
        "list": Case(listing),
        "create": Case(create),
        "detail": Case(detail, args=pk),
        "edit": Case(edit, args=pk),
        "delete": Case(delete or edit, args=pk),
    }
    return {f"{namespace}:{prefix}-{name}": rows[name] for name in names}


def coordinated(namespace: str, prefix: str, record: str, *, verified: bool = False):
    """A kind each faculty's coordinator records for their own faculty; ``verified``: a kind
    the office verifies, whose world record is verified (so the coordinator may not delete it)."""
    return crud(namespace, prefix, record, create=COORDINATORS_CREATE, detail=FACULTY_RECORD, edit=OWN_EDITS,
                delete=VERIFIED_DELETE if verified else None)


def office_kept(namespace: str, prefix: str, record: str, **kwargs):
    """A kind of some faculty that only the office creates and changes."""
    return crud(namespace, prefix, record, create=OFFICE_CREATES, detail=FACULTY_RECORD, edit=OFFICE_EDITS, **kwargs)


def shared(namespace: str, prefix: str, record: str, **kwargs):
    """A kind of no faculty (partners, funding schemes): all read, the office keeps it."""
    return crud(namespace, prefix, record, create=OFFICE_CREATES, detail=EVERY_ROLE,
                edit=answers(leader=403, own=403, other=403), **kwargs)


def api(basename: str, record: str | None):
    rows = {f"api:{basename}-list": Case(API_LIST)}
    if record:
        rows[f"api:{basename}-detail"] = Case(API_FACULTY_RECORD, args=lambda world: [getattr(world, record).pk])
    return rows


def pk_of(record: str) -> Callable[[Any], list]:
    return lambda world: [getattr(world, record).pk]


def verification_token(record) -> str:
    """An item of the list of evidence to verify, as its checkbox sends it."""
    return f"{record._meta.label_lower}:{record.pk}:{record.version}"


MATRIX: dict[str, list[Case]] = {}


def add(rows: dict[str, Case | list[Case]]) -> None:
    for name, case in rows.items():
        assert name not in MATRIX, f"{name} declared twice"
        MATRIX[name] = case if isinstance(case, list) else [case]


# --- the portal's own pages ----------------------------------------------------------------------
add({
    "home": Case(answers(office=302, leader=302, own=302, other=302)),  # each role lands on its work
    # Signed-in users are sent on from the sign-in page.
    "login": Case(answers(anonymous=200, office=302, leader=302, own=302, other=302)),
    "logout": Case(answers(office=302, leader=302, own=302, other=302), method="post"),
    "set-language": Case(answers(anonymous=302, office=302, leader=302, own=302, other=302), method="post",
                         data=lambda world: {"language": "en", "next": "/"}),
})

# --- accounts: campus sign-in, password reset, the office's accounts pages -------------------------
# CAS answers 404 while CAS_SERVER_URL is unset (as here); tests/accounts run it against a real server.
NOBODY = answers(anonymous=404, office=404, leader=404, own=404, other=404)
EVERYBODY = answers(anonymous=200)
add({
    "accounts:cas-login": Case(NOBODY),
    "accounts:cas-logout": Case(NOBODY),
    "accounts:password-reset": Case(EVERYBODY),
    "accounts:password-reset-done": Case(EVERYBODY),
    # A link with a bad token: the page says the link is no longer valid.
    "accounts:password-reset-confirm": Case(EVERYBODY, args=lambda world: ["MQ", "bad-token"]),
    "accounts:password-reset-complete": Case(EVERYBODY),
    "accounts:user-list": Case(OFFICE_PAGE),
    "accounts:user-create": Case(OFFICE_PAGE),
    "accounts:user-detail": Case(OFFICE_PAGE, args=pk_of("account")),
    "accounts:user-edit": Case(OFFICE_PAGE, args=pk_of("account")),
    # GET asks for confirmation; POST carries it out.
    "accounts:user-activate": [
        Case(OFFICE_PAGE, args=pk_of("inactive_account"), label="confirm"),
        Case(answers(office=DONE, leader=403, own=403, other=403), args=pk_of("inactive_account"),
             method="post", label="post"),
    ],
    "accounts:user-deactivate": [
        Case(OFFICE_PAGE, args=pk_of("account"), label="confirm"),
        Case(answers(office=DONE, leader=403, own=403, other=403), args=pk_of("account"),
             method="post", label="post"),
    ],
})

# --- faculties --------------------------------------------------------------------------------------
add(office_kept("faculties", "faculty", "faculty_a"))
add(coordinated("faculties", "discipline", "discipline"))
add(coordinated("faculties", "facultyyear", "faculty_year", verified=True))
add(coordinated("faculties", "siteupdate", "site_update", verified=True))
add(coordinated("faculties", "leadinggroupmember", "leading_group_member"))
add(office_kept("faculties", "coordinatormembership", "membership", names=("list", "create", "detail", "delete")))
add(coordinated("faculties", "plan", "plan"))
add(crud("trips", "trip", "trip", create=COORDINATORS_CREATE, detail=FACULTY_RECORD, edit=OWN_EDITS))
add({
    "trips:notice": Case(EVERY_ROLE),
    # The application's group and countries: its faculty (or the office) while it is a draft.
    "trips:trip-member-add": Case(PANEL_FORM, args=pk_of("trip"),
                                  method="post"),
    "trips:trip-country-add": Case(PANEL_FORM, args=pk_of("trip"),
                                   method="post"),
    "trips:trip-part-delete": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                                   args=lambda world: [world.trip.pk, "member", world.trip_member.pk]),
    # Each step says who may ask for it (trips/views.py: MAY); submitting is the faculty's.
    "trips:trip-step": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                            args=lambda world: [world.trip.pk, "submit"]),
    # --- trips: passports and permits (trips/views_passports.py) ---
    # The registry is the office's (a document's number is personal data): 403 for everyone else,
    # another faculty's coordinator included.
    **crud("trips", "passport", "travel_document", listing=OFFICE_PAGE, create=OFFICE_PAGE, detail=OFFICE_PAGE,
           edit=OFFICE_PAGE),
    "trips:passport-lend": Case(answers(office=DONE, leader=403, own=403, other=403), method="post",
                                args=pk_of("travel_document"),
                                data=lambda world: {"trip": world.trip.pk, "on": "2026-01-05"}),
    "trips:passport-return": Case(answers(office=DONE, leader=403, own=403, other=403), method="post",
                                  args=pk_of("travel_document"), data=lambda world: {"on": "2026-01-05"}),
    "trips:passport-custody": Case(answers(office=DONE, leader=403, own=403, other=403), method="post",
                                   args=pk_of("travel_document"),
                                   data=lambda world: {"custody": "cancelled", "on": "2026-01-05", "note": "遗失"}),
    "trips:block-lift": Case(answers(office=DONE, leader=403, own=403, other=403), method="post",
                             args=pk_of("faculty_a"),
                             data=lambda world: {"reason": "已说明情况", "until": "2099-12-31"}),
    # --- trips: briefing, visas, travel, report, spending, closing (trips/views_travel.py) ---
    # The faculty (or the office) confirms briefings, keeps visas, files the report and the spending;
    # a leader reads the trip but writes none of it. (Departure, return and closing: trips:trip-step.)
    "trips:trip-briefing": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                                args=lambda world: [world.cleared_trip.pk, world.cleared_trip.members.get().pk]),
    "trips:trip-visa-add": Case(PANEL_FORM, method="post",
                                args=pk_of("cleared_trip"),
                                data=lambda world: {"visa-member": world.cleared_trip.members.get().pk,
                                                    "visa-country": "JP", "visa-status": "not_needed"}),
    "trips:trip-visa-edit": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                                 args=lambda world: [world.cleared_trip.pk, world.trip_visa.pk],
                                 data=lambda world: {f"visa{world.trip_visa.pk}-status": "refused"}),
    "trips:trip-visa-delete": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                                   args=lambda world: [world.cleared_trip.pk, world.trip_visa.pk],
                                   data=lambda world: {"confirmed": "1"}),
    "trips:trip-report": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                              args=pk_of("back_trip"),
                              data=lambda world: {"report-report_text": "补充报告", "report-version": "1"}),
    "trips:trip-report-download": Case(FACULTY_RECORD, args=pk_of("back_trip")),
    "trips:trip-spending": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                                args=pk_of("back_trip"),
                                data=lambda world: {f"spending-{name}": "100" for name in (
                                    "spent_travel", "spent_accommodation", "spent_meals", "spent_incidentals",
                                    "spent_registration", "spent_other")} | {"spending-version": "1"}),
    # --- trips: change requests, annual plan, itinerary, invitation, objections (trips/views_changes.py) ---
    # The annual outbound plan: each faculty's coordinator files their own; leaders read.
    **coordinated("trips", "tripplan", "trip_plan"),
    # The itinerary, like the group: its faculty (or the office) while the application can change.
    "trips:trip-day-add": Case(PANEL_FORM, args=pk_of("trip"),
                               method="post"),
    # The invitation letter: whoever sees the trip downloads it.
    "trips:trip-invitation": Case(FACULTY_RECORD, args=lambda world: [world.trip.pk, "letter"]),
    # Objections to a notice and their outcome: the office records them.
    "trips:trip-objection-add": Case(answers(office=DONE, leader=403, own=403, other=404), args=pk_of("trip"),
                                     method="post", data=lambda world: {"text": "名单与公示不一致。"}),
    "trips:trip-objection-outcome": Case(answers(office=DONE, leader=403, own=403, other=404), method="post",
                                         args=lambda world: [world.trip.pk, world.trip_objection.pk],
                                         data=lambda world: {"outcome": "经核实，名单无误。"}),
    # --- trips: calendar and iCalendar feed (trips/views_calendar.py) ---
    # The month view: office and leaders see every faculty, a coordinator their own (scoped).
    "trips:calendar": Case(EVERY_ROLE),
    # Each signed-in user's own feed address (creating or resetting it redirects back).
    "trips:calendar-feed": [Case(EVERY_ROLE),
                            Case(answers(office=DONE, leader=DONE, own=DONE, other=DONE), method="post")],
    # The feed itself: the secret token is the credential, no session needed.
    "trips:ical": Case(answers(anonymous=200), args=lambda world: [world.calendar_feed.token]),
})
add({
    # The faculty's coordinator (or the office) submits the plan; a leader never does.
    "faculties:plan-submit": Case(answers(office=DONE, leader=403, own=DONE, other=404), args=pk_of("plan"),
                                  method="post"),
    "faculties:plan-approve": Case(answers(office=DONE, leader=403, own=403, other=404),
                                   args=pk_of("submitted_plan"), method="post"),
    "faculties:plan-return": Case(answers(office=DONE, leader=403, own=403, other=404),
                                  args=pk_of("submitted_plan"), method="post",
                                  data=lambda world: {"comment": "Please add the partner targets."}),
    "faculties:plan-target-create": Case(OWN_EDITS, args=pk_of("plan")),
    "faculties:plan-target-edit": Case(OWN_EDITS, args=lambda world: [world.plan.pk, world.plan_target.pk]),
    "faculties:plan-target-delete": Case(OWN_EDITS, args=lambda world: [world.plan.pk, world.plan_target.pk]),
    "faculties:plan-attachment-create": Case(OWN_EDITS, args=pk_of("plan")),
    "faculties:plan-attachment-delete": Case(OWN_EDITS,
                                             args=lambda world: [world.plan.pk, world.plan_attachment.pk]),
    "faculties:plan-attachment-download": Case(FACULTY_RECORD, args=pk_of("plan_attachment")),
})

# --- foreign visits (visits/) -------------------------------------------------------------------------
# (visits pages: rows go here)
add(crud("visits", "visit", "visit", create=COORDINATORS_CREATE, detail=FACULTY_RECORD, edit=OWN_EDITS))
add({
    # The delegation and its programme: its faculty (or the office) while it is a draft or returned.
    "visits:visit-member-add": Case(PANEL_FORM, args=pk_of("visit"), method="post"),
    "visits:visit-programme-add": Case(PANEL_FORM, args=pk_of("visit"), method="post"),
    "visits:visit-part-delete": Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
                                     args=lambda world: [world.visit.pk, "member", world.visit_member.pk]),
    # Passport number and date of birth: personal data, the office's alone.
    "visits:visit-member-personal": Case(answers(office=DONE, leader=403, own=403, other=404), method="post",
                                         args=lambda world: [world.visit.pk, world.visit_member.pk],
                                         data=lambda world: {f"m{world.visit_member.pk}-passport_number": "X1"}),
    # Each step says who may ask for it (visits/services.py: STEPS); submitting is the faculty's.
    "visits:visit-step": [
        Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
             args=lambda world: [world.visit.pk, "submit"], label="submit"),
        Case(answers(office=DONE, leader=403, own=403, other=404), method="post",
             args=lambda world: [world.visit.pk, "approve"], label="approve"),
    ],
})

# --- documents from the office's Word templates (documents/) --------------------------------------------
# (documents pages: rows go here)
# The templates are the office's; a document is made from a record by whoever may act for its
# faculty (never a leader), one with personal data (a visa invitation) by the office alone; a kept
# document is downloaded by whoever sees the record, one with personal data by the office alone.
add({
    "documents:template-list": Case(OFFICE_PAGE),
    "documents:template-upload": [
        Case(OFFICE_PAGE, args=lambda world: ["visit_invitation"], label="form"),
        # The matrix's empty post: no file, the form comes back with the error.
        Case(answers(office=REFUSED_FORM, leader=403, own=403, other=403), method="post",
             args=lambda world: ["visit_invitation"], label="empty upload"),
    ],
    "documents:template-download": Case(OFFICE_PAGE, args=lambda world: ["trip_approval", 0]),
    "documents:generate": [
        Case(answers(office=DONE, leader=403, own=DONE, other=404), method="post",
             args=lambda world: ["trip_approval", world.trip.pk], label="trip approval form"),
        Case(answers(office=DONE, leader=403, own=403, other=404), method="post",
             args=lambda world: ["visa_invitation", world.documents_visit_member.pk], label="visa invitation"),
    ],
    "documents:document-download": [
        Case(FACULTY_RECORD, args=lambda world: [world.trip_document.pk], label="no personal data"),
        Case(answers(leader=403, own=403, other=404), args=lambda world: [world.visa_document.pk],
             label="personal data"),
    ],
})

# --- staff ------------------------------------------------------------------------------------------
add(coordinated("staff", "staffmember", "staff_member", verified=True))
add(office_kept("staff", "contract", "contract"))
add(coordinated("staff", "assignment", "teaching_assignment", verified=True))
add(coordinated("staff", "evaluation", "evaluation"))
add(coordinated("staff", "languageassessment", "language_assessment", verified=True))
add(coordinated("staff", "publication", "publication", verified=True))

# --- exchanges --------------------------------------------------------------------------------------
add(shared("exchanges", "partner", "partner"))
add(office_kept("exchanges", "agreement", "agreement"))
add(shared("exchanges", "fundingscheme", "funding_scheme"))
add(coordinated("exchanges", "mobility", "mobility", verified=True))
add(coordinated("exchanges", "event", "event", verified=True))
add(coordinated("exchanges", "languagetest", "language_test"))
add({
    "exchanges:partner-autocomplete": Case(EVERY_ROLE, query="?q=Testland"),
    "exchanges:agreement-document": Case(FACULTY_RECORD, args=pk_of("agreement_with_document")),
    # The post-exchange report of a completed outbound teacher mobility: its faculty or the office.
    "exchanges:mobility-report": Case(OWN_EDITS, args=pk_of("completed_mobility")),
    "exchanges:mobility-report-file": Case(FACULTY_RECORD, args=pk_of("reported_mobility")),
    "exchanges:mobility-transition": [
        Case(answers(office=DONE, leader=403, own=DONE, other=404), label="submit", method="post",
             args=lambda world: [world.mobility.pk, "submit"]),
        Case(answers(office=DONE, leader=403, own=403, other=404), label="approve", method="post",
             args=lambda world: [world.submitted_mobility.pk, "approve"]),
    ],
})

# --- programs ---------------------------------------------------------------------------------------
add(office_kept("programs", "program", "program"))
add(coordinated("programs", "enrollment", "enrollment"))
add(coordinated("programs", "course", "course"))
add(coordinated("programs", "training", "training", verified=True))
add({
    "programs:program-transition": Case(answers(office=DONE, leader=403, own=403, other=404), method="post",
                                        args=lambda world: [world.program.pk, "declare"]),
})

# --- assessment ---------------------------------------------------------------------------------------
add({
    "assessment:dashboard": Case(EVERY_ROLE),
    "assessment:scorecards": Case(EVERY_ROLE),
    "assessment:scorecard": Case(FACULTY_RECORD, args=lambda world: [world.assessed_year, world.faculty_a.code]),
    "assessment:faculty-history": Case(FACULTY_RECORD, args=lambda world: [world.faculty_a.code]),
    "assessment:plan-results": Case(FACULTY_RECORD, args=lambda world: [world.plan_target.plan.pk]),
    "assessment:records": Case(FACULTY_RECORD,
                               args=lambda world: [world.assessed_year, world.faculty_a.code, "partners"]),
    "assessment:what-if": Case(EVERY_ROLE, args=lambda world: [world.assessed_year]),
    "assessment:figure": Case(EVERY_ROLE, args=lambda world: [world.assessed_year, "teachers_abroad"]),
    "assessment:export-xlsx": Case(EVERY_ROLE, args=lambda world: [world.assessed_year]),
    "assessment:print": Case(EVERY_ROLE, args=lambda world: [world.assessed_year]),
    "assessment:indicator-list": Case(EVERY_ROLE),
    "assessment:indicator-edit": Case(OFFICE_PAGE, args=pk_of("indicator")),
    "assessment:run-list": Case(OFFICE_PAGE),
    "assessment:run-start": Case(answers(office=DONE, leader=403, own=403, other=403), method="post",
                                 data=lambda world: {"year": world.assessed_year}),
    "assessment:run-detail": Case(OFFICE_PAGE, args=pk_of("assessment_run")),
    # Only the office publishes a year's results; every role reads the published versions.
    "assessment:publish": [
        Case(OFFICE_PAGE, args=lambda world: [world.assessed_year], label="confirm"),
        Case(answers(office=DONE, leader=403, own=403, other=403), args=lambda world: [world.assessed_year],
             method="post", data=lambda world: {"run": world.assessment_run.pk}, label="publish"),
    ],
    "assessment:publication-list": Case(EVERY_ROLE, args=lambda world: [world.published_year]),
})
add(office_kept("assessment", "target", "target", names=("list", "create", "edit", "delete")))
add(shared("assessment", "pool", "pool", names=("list", "create", "edit", "delete")))

# --- import and export ---------------------------------------------------------------------------------
# An import job is its uploader's alone: anybody else, the office included, gets 404.
OWNER_ONLY = answers(office=404, leader=404, own=200, other=404)
add({
    "dataexchange:index": Case(EVERY_ROLE),
    "dataexchange:export": Case(EVERY_ROLE, args=lambda world: ["mobilities", "xlsx"]),
    "dataexchange:template": Case(COORDINATORS_CREATE, args=lambda world: ["mobilities", "xlsx"]),
    "dataexchange:import": Case(COORDINATORS_CREATE, args=lambda world: ["mobilities"]),
    "dataexchange:job": Case(OWNER_ONLY, args=pk_of("import_job")),
    "dataexchange:job-status": Case(OWNER_ONLY, args=pk_of("import_job")),
    "dataexchange:job-commit": Case(answers(office=404, leader=404, own=DONE, other=404), method="post",
                                    args=pk_of("import_job")),
    "dataexchange:job-cancel": [
        Case(OWNER_ONLY, label="confirm", args=pk_of("import_job")),
        Case(answers(office=404, leader=404, own=DONE, other=404), label="cancel", method="post",
             args=pk_of("import_job")),
    ],
    "dataexchange:job-retry": Case(answers(office=404, leader=404, own=DONE, other=404), method="post",
                                   args=pk_of("import_job")),
})

# --- notifications, work queue, history ---------------------------------------------------------------
RECIPIENT_ONLY = answers(office=404, leader=404, own=DONE, other=404)
add({
    "notifications:list": Case(EVERY_ROLE),
    "notifications:open": Case(RECIPIENT_ONLY, method="post", args=pk_of("notification")),
    "notifications:mark-read": Case(RECIPIENT_ONLY, method="post", args=pk_of("notification")),
    "notifications:mark-all-read": Case(answers(office=DONE, leader=DONE, own=DONE, other=DONE), method="post"),
    "notifications:preferences": Case(answers(office=DONE, leader=DONE, own=DONE, other=DONE), method="post"),
    "workqueue:index": Case(answers(leader=403, own=302, other=302)),  # coordinators: to their own to-do
    "workqueue:mine": Case(answers(office=403, leader=403)),  # a coordinator's to-do
    # The evidence awaiting verification: the office verifies (here a settled record: refused
    # with a message, and the list again).
    "workqueue:verification": [
        Case(OFFICE_PAGE, label="list"),
        Case(answers(office=DONE, leader=403, own=403, other=403), label="verify", method="post",
             data=lambda world: {"action": "verify", "item": verification_token(world.faculty_year)}),
    ],
    "history:deleted": Case(OFFICE_PAGE),
    "history:record": Case(OFFICE_PAGE,
                           args=lambda world: ["exchanges", "mobility", world.mobility.pk]),
    "history:restore": Case(answers(office=DONE, leader=403, own=403, other=403), method="post",
                            args=lambda world: ["exchanges", "event", world.deleted_event_history_id]),
})

# --- the REST API ----------------------------------------------------------------------------------------
add({
    "api:api-root": Case(API_LIST),
    "api:schema": Case(API_LIST),
    # The documentation is an HTML page: the anonymous are sent to sign in.
    "api:docs": Case(EVERY_ROLE),
    # The unnamed catch-all after the endpoints: a JSON 404 for anybody, never the HTML page.
    "api/v1/^.*$": Case(answers(anonymous=404, office=404, leader=404, own=404, other=404),
                        path="/api/v1/faculties/0.5/"),
    "api:token-list": Case(OFFICE_PAGE),
    "api:token-issue": Case(OFFICE_PAGE),
    "api:token-revoke": Case(OFFICE_PAGE, args=pk_of("api_token")),
    "api:assessment-document": Case(API_LIST, args=lambda world: [world.assessed_year]),
    "api:assessment-run-list": Case(API_LIST),
    "api:assessment-run-detail": Case(API_LIST, args=pk_of("assessment_run")),
})
add(api("faculty", "faculty_a"))
add(api("faculty-year", "faculty_year"))
add(api("site-update", "site_update"))
add(api("discipline", "discipline"))
add(api("leading-group-member", "leading_group_member"))
add(api("plan", "plan"))
add({"api:partner-list": Case(API_LIST), "api:partner-detail": Case(API_LIST, args=pk_of("partner"))})
add(api("agreement", "agreement"))
add({"api:funding-scheme-list": Case(API_LIST),
     "api:funding-scheme-detail": Case(API_LIST, args=pk_of("funding_scheme"))})
add(api("mobility", "mobility"))
add(api("event", "event"))
add(api("student-language-test", "language_test"))
add(api("staff-member", "staff_member"))
add(api("contract", "contract"))
add(api("teaching-assignment", "teaching_assignment"))
add(api("evaluation", "evaluation"))
add(api("language-assessment", "language_assessment"))
add(api("publication", "publication"))
add(api("program", "program"))
add(api("program-enrollment", "enrollment"))
add(api("program-course", "course"))
add(api("program-training", "training"))
add(api("trip", "trip"))
# --- visits in the API (api/endpoints.py): rows go here ---
add(api("visit", "visit"))  # world.visit: a draft visit of faculty A
