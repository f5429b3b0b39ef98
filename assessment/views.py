"""The assessment's pages: the leaders' dashboard, faculty scorecards and the records behind
each value, the what-if endpoint, exports, and the office's indicators, targets, pools and
runs.  Every page reads stored runs; only the office's button computes one."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from assessment import exports, filters, forms, selectors
from assessment.models import AssessmentRun, IncentivePool, Indicator, IndicatorResult, Target
from assessment.rules import RULES, counted_groups
from assessment.scoring import round2
from assessment.tasks import run_assessment_task
from assessment.worldmap import country_paths, shade
from faculties.models import Faculty
from intlportal import access
from intlportal.views import Column, RecordCreateView, RecordDeleteView, RecordListView, RecordUpdateView


def _require_role(user) -> None:
    if not access.roles(user):
        raise PermissionDenied


def _require_office(user) -> None:
    if not access.is_office(user):
        raise PermissionDenied


def _year_from(request, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else None


def _names() -> dict[str, Faculty]:
    return {f.code: f for f in Faculty.objects.all()}


def _indicators() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.all()}


# --- dashboard -------------------------------------------------------------------------------


def dashboard(request):
    """The year's figures against last year, trends, the world map, the ranking, the what-if
    panel and the sensitivity of the ranking to each weight."""
    user = request.user
    _require_role(user)
    runs = list(AssessmentRun.objects.latest_per_year().only("id", "year", "created_at", "summary", "parameters"))
    years = [r.year for r in runs]
    year = _year_from(request, years)
    context = {"years": years, "year": year, "run": None}
    if year is None:
        return render(request, "assessment/dashboard.html", context)
    by_year = {r.year: r for r in runs}
    run = AssessmentRun.objects.get(pk=by_year[year].pk)
    previous = by_year.get(year - 1)
    faculties = _names()
    indicators = _indicators()
    measurements = selectors.measurements_of(run)
    scores = list(run.scores.order_by("rank", "faculty_code"))
    visible = selectors.visible_faculty_codes(user)

    totals = run.summary.get("totals", {})
    previous_totals = previous.summary.get("totals", {}) if previous else {}
    figures = [
        (label, totals.get(key), previous_totals.get(key) if previous else None)
        for key, label in FIGURES
    ]
    figures = [
        {"label": label, "value": value, "previous": before,
         "change": None if value is None or before is None else value - before}
        for label, value, before in figures
    ]
    sens = selectors.sensitivity(run, measurements)
    weights = [
        {"code": spec["code"], "name": indicators[spec["code"]].display_name if spec["code"] in indicators
         else spec["code"], "weight": spec["weight"]}
        for spec in run.parameters.get("indicators", [])
    ]
    context.update(
        run=run,
        previous=previous,
        figures=figures,
        ranking=[
            {"score": s, "faculty": faculties.get(s.faculty_code),
             "scorecard": visible is None or s.faculty_code in visible}
            for s in scores
        ],
        pool=run.parameters.get("pool"),
        weights=weights,
        what_if_url=reverse("assessment:what-if", args=[year]),
        sensitivity=[
            {"indicator": indicators.get(item.indicator), "direction": item.direction,
             "changes": [(faculties.get(code), code, a, b) for code, a, b in item.changes]}
            for item in sens
        ],
        trend_data=_trend_data(runs),
        map=_map(run),
        average_score=run.summary.get("average_score"),
    )
    return render(request, "assessment/dashboard.html", context)


FIGURES = [
    ("partners", gettext_lazy("Partner institutions with active agreements")),
    ("teachers_abroad", gettext_lazy("Teachers sent abroad")),
    ("students_abroad", gettext_lazy("Students with an exchange abroad")),
    ("mobilities_inbound", gettext_lazy("Incoming visitors and students")),
    ("foreign_teacher_semesters", gettext_lazy("Foreign teacher semesters")),
    ("conferences_hosted", gettext_lazy("Conferences and seminars hosted")),
    ("overseas_scholar_lectures", gettext_lazy("Lectures by overseas scholars")),
    ("intl_publications_per_teacher", gettext_lazy("International publications")),
    ("cooperative_programs", gettext_lazy("Cooperative programs")),
]


def _trend_data(runs: list[AssessmentRun]) -> dict:
    ordered = sorted(runs, key=lambda r: r.year)
    series = [
        ("teachers_abroad", _("Teachers sent abroad")),
        ("students_abroad", _("Students abroad")),
        ("partners", _("Partner institutions")),
        ("conferences_hosted", _("Conferences hosted")),
    ]
    return {
        "years": [r.year for r in ordered],
        "series": [
            {"label": label, "values": [r.summary.get("totals", {}).get(key) for r in ordered]}
            for key, label in series
        ],
        "average": {"label": _("Average score"),
                    "values": [float(r.summary["average_score"]) if r.summary.get("average_score") else None
                               for r in ordered]},
    }


def _map(run: AssessmentRun) -> dict:
    partners = run.summary.get("partners_by_country", {})
    mobilities = run.summary.get("mobilities_by_country", {})
    people = {code: m.get("outbound", 0) + m.get("inbound", 0) for code, m in mobilities.items()}
    highest = max(people.values(), default=0)
    from django_countries import countries

    shapes = []
    for code, path in country_paths():
        n_people, n_partners = people.get(code, 0), partners.get(code, 0)
        shapes.append({
            "code": code, "path": path, "step": shade(n_people, highest),
            "partner": n_partners > 0,
            "title": _("%(country)s: %(partners)s partner institutions, %(people)s exchanges") % {
                "country": countries.name(code), "partners": n_partners, "people": n_people},
        })
    top = sorted(
        ({"code": code, "name": countries.name(code), "partners": partners.get(code, 0),
          "outbound": mobilities.get(code, {}).get("outbound", 0),
          "inbound": mobilities.get(code, {}).get("inbound", 0)}
         for code in set(partners) | set(mobilities)),
        key=lambda row: (-(row["outbound"] + row["inbound"]), -row["partners"], row["code"]),
    )
    return {"shapes": shapes, "top": top[:15]}


@require_GET
def what_if(request, year: int):
    """Re-score the year's latest run with the weights in the query string (``w_<code>``),
    without saving: the ranking, scores and incentives as they would be."""
    user = request.user
    _require_role(user)
    run = selectors.latest_run(year)
    if run is None:
        raise Http404
    weights = selectors.run_weights(run)
    errors = {}
    for code in weights:
        raw = request.GET.get(f"w_{code}")
        if raw is None or raw == "":
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value > 1000:
            errors[code] = _("A weight is a number from 0 to 1000.")
        else:
            weights[code] = value
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    faculties = _names()
    outcomes = selectors.rescore(run, selectors.measurements_of(run), weights)
    before = {s.faculty_code: s.rank for s in run.scores.all()}
    return JsonResponse({
        "year": year,
        "faculties": [
            {"code": o.code, "name": str(faculties[o.code]) if o.code in faculties else o.code,
             "score": float(o.score), "rank": o.rank, "stored_rank": before.get(o.code),
             "incentive": format(o.incentive, "f"), "flagged": o.flagged}
            for o in outcomes
        ],
    })


# --- scorecards ------------------------------------------------------------------------------


def scorecards(request):
    """The faculties whose scorecard the user may open, for the chosen year."""
    user = request.user
    _require_role(user)
    years = selectors.run_years()
    year = _year_from(request, years)
    run = selectors.latest_run(year) if year else None
    rows = []
    if run is not None:
        faculties = _names()
        visible = selectors.visible_faculty_codes(user)
        rows = [
            {"score": s, "faculty": faculties.get(s.faculty_code)}
            for s in run.scores.order_by("rank", "faculty_code")
            if visible is None or s.faculty_code in visible
        ]
    return render(request, "assessment/scorecards.html", {"years": years, "year": year, "run": run, "rows": rows})


def _visible_faculty(user, code: str) -> Faculty:
    return access.get_visible_or_404(user, Faculty.objects.all(), code=code)


def scorecard(request, year: int, code: str):
    """One faculty's indicators in a year: value, target, achievement, what is missing, and
    a link to the records behind each value."""
    user = request.user
    _require_role(user)
    faculty = _visible_faculty(user, code)
    run = selectors.latest_run(year)
    if run is None:
        raise Http404
    score = run.scores.filter(faculty=faculty).first()
    if score is None:
        raise Http404
    kinds = {spec["code"]: spec["kind"] for spec in run.parameters.get("indicators", [])}
    indicators = _indicators()
    rows = []
    for result in run.results.filter(faculty=faculty).order_by("position"):
        kind = kinds.get(result.indicator, "")
        rows.append({
            "result": result,
            "indicator": indicators.get(result.indicator),
            "kind": kind,
            "percent": kind == Indicator.Kind.RATE,
            "value": None if result.value is None else round2(result.value),
            "achievement": None if result.achievement is None else round2(result.achievement * 100),
            "missing": selectors.still_missing(kind, result),
            "counted_label": RULES[result.indicator].counted_label,
            "records_url": reverse("assessment:records", args=[year, faculty.code, result.indicator]),
        })
    unlinked = run.summary.get("unlinked_teacher_mobilities", {}).get(faculty.code, 0)
    return render(request, "assessment/scorecard.html", {
        "faculty": faculty, "run": run, "year": year, "score": score, "rows": rows, "unlinked": unlinked,
        "pool": run.parameters.get("pool"),
    })


def records(request, year: int, code: str, indicator: str):
    """The records behind one value of a scorecard: exactly those the indicator counted,
    grouped by what it counts, so the number of groups is the value's numerator."""
    user = request.user
    _require_role(user)
    faculty = _visible_faculty(user, code)
    rule = RULES.get(indicator)
    if rule is None:
        raise Http404
    groups = counted_groups(rule, faculty_id=faculty.pk, year=year)
    run = selectors.latest_run(year)
    result = None
    if run is not None:
        result = IndicatorResult.objects.filter(run=run, faculty=faculty, indicator=indicator).first()
    return render(request, "assessment/records.html", {
        "faculty": faculty, "year": year, "rule": rule, "groups": groups, "result": result,
        "indicator": Indicator.objects.filter(code=indicator).first(),
        "stale": result is not None and result.numerator is not None and int(result.numerator) != len(groups),
        "scorecard_url": reverse("assessment:scorecard", args=[year, faculty.code]),
    })


# --- exports ---------------------------------------------------------------------------------


def export_xlsx(request, year: int):
    """The ranking and the scorecards the user may see, as an Excel workbook."""
    user = request.user
    _require_role(user)
    run = selectors.latest_run(year)
    if run is None:
        raise Http404
    content = exports.workbook(run, visible=selectors.visible_faculty_codes(user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{year}.xlsx"'
    return response


def print_view(request, year: int):
    """A print-friendly page of the year's ranking for the leaders' meeting."""
    user = request.user
    _require_role(user)
    run = selectors.latest_run(year)
    if run is None:
        raise Http404
    faculties = _names()
    indicators = _indicators()
    return render(request, "assessment/print.html", {
        "run": run, "year": year, "pool": run.parameters.get("pool"),
        "ranking": [{"score": s, "faculty": faculties.get(s.faculty_code)}
                    for s in run.scores.order_by("rank", "faculty_code")],
        "weights": [(indicators.get(spec["code"]), spec["weight"]) for spec in run.parameters.get("indicators", [])],
        "totals": run.summary.get("totals", {}),
        "figures": [(label, run.summary.get("totals", {}).get(key)) for key, label in FIGURES],
        "printed_at": timezone.now(),
    })


# --- the office's pages ----------------------------------------------------------------------


class IndicatorList(RecordListView):
    model = Indicator
    filterset_class = filters.IndicatorFilter
    template_name = "assessment/indicator_list.html"
    columns = [
        Column("display_name", gettext_lazy("indicator")),
        Column("kind", gettext_lazy("kind")),
        Column("weight", gettext_lazy("weight")),
        Column("growth_percent", gettext_lazy("growth rate (%)")),
        Column("floor", gettext_lazy("floor")),
        Column("is_active", gettext_lazy("active")),
    ]
    paginate_by = 50


class IndicatorUpdate(RecordUpdateView):
    model = Indicator
    form_class = forms.IndicatorForm

    def get_success_url(self):
        return reverse("assessment:indicator-list")


class TargetList(RecordListView):
    model = Target
    filterset_class = filters.TargetFilter
    template_name = "assessment/target_list.html"
    columns = [
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code"),
        Column("year", gettext_lazy("year"), sort="year"),
        Column("indicator", gettext_lazy("indicator"), sort="indicator__position"),
        Column("value", gettext_lazy("target"), sort="value", link=True),
    ]
    sort_default = "-year"
    export_kind = "targets"
    import_kind = "targets"
    create_url_name = "assessment:target-create"
    title = gettext_lazy("Targets set by the office")
    empty_hint = gettext_lazy(
        "The office has set no target here: every target is derived from last year's value."
    )

    def base_queryset(self):
        return Target.objects.select_related("faculty", "indicator")


class TargetCreate(RecordCreateView):
    model = Target
    form_class = forms.TargetForm


class TargetUpdate(RecordUpdateView):
    model = Target
    form_class = forms.TargetForm


class TargetDelete(RecordDeleteView):
    model = Target
    success_url_name = "assessment:target-list"


class PoolList(RecordListView):
    model = IncentivePool
    filterset_class = filters.PoolFilter
    columns = [
        Column("year", gettext_lazy("year"), sort="year", link=True),
        Column("amount", gettext_lazy("amount (yuan)"), sort="amount"),
        Column("threshold", gettext_lazy("eligibility threshold"), sort="threshold"),
    ]
    sort_default = "-year"
    export_kind = "incentive_pools"
    import_kind = "incentive_pools"
    create_url_name = "assessment:pool-create"


class PoolCreate(RecordCreateView):
    model = IncentivePool
    form_class = forms.IncentivePoolForm


class PoolUpdate(RecordUpdateView):
    model = IncentivePool
    form_class = forms.IncentivePoolForm


class PoolDelete(RecordDeleteView):
    model = IncentivePool
    success_url_name = "assessment:pool-list"


def run_list(request):
    """Every stored run, and the office's button to compute a year now."""
    _require_office(request.user)
    runs = AssessmentRun.objects.select_related("created_by").order_by("-created_at", "-pk")[:100]
    form = forms.RunForm(initial={"year": timezone.localdate().year})
    return render(request, "assessment/run_list.html", {"runs": runs, "form": form})


@require_POST
def run_start(request):
    """Compute and store a year's assessment (the same work as ``run_assessment``)."""
    _require_office(request.user)
    form = forms.RunForm(request.POST)
    if not form.is_valid():
        runs = AssessmentRun.objects.select_related("created_by").order_by("-created_at", "-pk")[:100]
        return render(request, "assessment/run_list.html", {"runs": runs, "form": form}, status=400)
    year = form.cleaned_data["year"]
    run_assessment_task.apply_async(args=[year, request.user.pk])
    messages.success(request, _("The assessment of %(year)s is being computed; the dashboard shows it as soon as "
                                "it is stored.") % {"year": year})
    return redirect(reverse("assessment:dashboard") + f"?year={year}")


def run_detail(request, pk: int):
    _require_office(request.user)
    run = get_object_or_404(AssessmentRun, pk=pk)
    indicators = _indicators()
    return render(request, "assessment/run_detail.html", {
        "run": run,
        "indicators": [(indicators.get(spec["code"]), spec) for spec in run.parameters.get("indicators", [])],
        "targets": [
            (faculty, indicators.get(code), value)
            for faculty, values in sorted(run.parameters.get("targets", {}).items())
            for code, value in sorted(values.items())
        ],
    })
