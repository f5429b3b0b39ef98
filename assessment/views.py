"""The assessment's pages: the leaders' dashboard, faculty scorecards and the records behind
each value, the what-if endpoint, exports, and the office's indicators, targets, pools and
runs.  Every page reads stored runs; only the office's button computes one.

A published year shows its published run (``selectors.shown_run``), with who published it and
when; an unpublished year shows its latest run marked provisional.  Office and leaders may ask
for a published year's latest calculation (``?run=latest``), and are told when it differs
from the published figures, and how (``selectors.differences``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from assessment import exports, filters, forms, selectors
from assessment.models import (
    AssessmentRun,
    FacultyScore,
    IncentivePool,
    Indicator,
    IndicatorResult,
    Publication,
    Target,
)
from assessment.publishing import PublishError, publish
from assessment.rules import RULES, counted_groups
from assessment.scoring import round2
from assessment.tasks import recompute_before_showing, run_assessment_task
from assessment.worldmap import country_paths, shade
from faculties.models import Faculty, InternationalizationPlan
from intlportal import access
from intlportal.views import Column, RecordCreateView, RecordDeleteView, RecordListView, RecordUpdateView
from trips.models import Trip
from visits.models import Visit


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


def _shown(request, year: int) -> selectors.Shown:
    shown = selectors.shown_run(year, latest=selectors.wants_latest(request))
    if shown is None:
        raise Http404
    return shown


def _standing(request, shown: selectors.Shown, year: int) -> dict:
    """What every page of a year says about the run it shows: published (by whom, when,
    which version) or provisional, and the links between the published and latest runs."""
    latest = selectors.wants_latest(request)
    return {
        "shown": shown,
        "publication": shown.publication,
        "official": shown.official,
        "run_query": "&run=latest" if latest else "",
        "may_see_latest": selectors.may_see_latest(request.user),
        "may_publish": access.is_office(request.user),
        "publish_url": reverse("assessment:publish", args=[year]),
        "publications_url": reverse("assessment:publication-list", args=[year]),
    }


def _differences(user, shown: selectors.Shown, faculties, indicators) -> dict | None:
    """The notice that a newer calculation differs from the published figures (two stored
    documents compared, nothing computed); ``None`` when there is none or nothing differs."""
    if not shown.recalculated or not selectors.may_see_latest(user):
        return None
    published = shown.run if shown.official else AssessmentRun.objects.get(pk=shown.publication.run_id)
    latest = shown.run if not shown.official else AssessmentRun.objects.get(pk=shown.latest_id)
    found = selectors.differences(user, published, latest)
    if not found:
        return None
    return {"latest": latest, "changes": _described(found, faculties, indicators)}


def _described(found: selectors.Differences, faculties, indicators) -> dict:
    """Differences with names for the templates."""
    what = {"value": pgettext("indicator", "value"), "target": _("target")}
    parameters = []
    for key, old, new in found.parameters:
        if key == "pool":
            label = _("Incentive pool (yuan)")
        elif key == "threshold":
            label = _("Eligibility threshold")
        else:
            code = key.split(":", 1)[1]
            label = _("Weight of %(indicator)s") % {"indicator": indicators.get(code, code)}
        parameters.append((label, old, new))
    return {
        "parameters": parameters,
        "faculties": [
            {"change": change, "faculty": faculties.get(change.code, change.code),
             "indicators": [(indicators.get(code, code), what[kind], old, new)
                            for code, kind, old, new in change.indicators]}
            for change in found.faculties
        ],
    }


# --- dashboard -------------------------------------------------------------------------------


def dashboard(request):
    """The year's figures against last year, trends, the world map, the ranking, the what-if
    panel and the sensitivity of the ranking to each weight."""
    user = request.user
    _require_role(user)
    recompute_before_showing()  # without a broker: what a save left pending (assessment.tasks)
    shown = selectors.shown_runs(latest=selectors.wants_latest(request),
                                 fields=("created_at", "summary", "parameters"))
    runs = [shown[y].run for y in sorted(shown, reverse=True)]
    years = [r.year for r in runs]
    year = _year_from(request, years)
    context = {"years": years, "year": year, "run": None,
               # A leader's only writes: the trips abroad and the foreign visits waiting for a leader's approval.
               "trips_for_leader": Trip.objects.awaiting_leader().count() if access.is_leader(user) else 0,
               "visits_for_leader": Visit.objects.awaiting_leader().count() if access.is_leader(user) else 0}
    if year is None:
        return render(request, "assessment/dashboard.html", context)
    by_year = {r.year: r for r in runs}
    run = AssessmentRun.objects.get(pk=by_year[year].pk)
    shown[year].run = run
    previous = by_year.get(year - 1)
    faculties = _names()
    indicators = _indicators()
    context.update(_standing(request, shown[year], year))
    context["differences"] = _differences(user, shown[year], faculties, indicators)
    scores = list(run.scores.order_by("rank", "faculty_code"))
    visible = selectors.visible_faculty_codes(user)
    latest = "?run=latest" if selectors.wants_latest(request) else ""

    totals = run.summary.get("totals", {})
    previous_totals = previous.summary.get("totals", {}) if previous else {}
    figures = [
        (label, totals.get(key), previous_totals.get(key) if previous else None)
        for key, label in FIGURES
    ]
    figures = [
        {"label": label, "value": value, "previous": before,
         "change": None if value is None or before is None else value - before,
         "url": reverse("assessment:figure", args=[year, key]) + latest}
        for (key, _label), (label, value, before) in zip(FIGURES, figures, strict=True)
    ]
    sens = selectors.stored_sensitivity(run)
    sensitivity = [
        {"indicator": indicators.get(item.indicator), "direction": item.direction,
         "changes": [(faculties.get(code), code, a, b) for code, a, b in item.changes]}
        for item in sens
    ]
    weights = [
        {"code": spec["code"], "name": indicators[spec["code"]].display_name if spec["code"] in indicators
         else spec["code"], "weight": spec["weight"], "derived": spec["kind"] != Indicator.Kind.YES_NO,
         "growth": spec["growth_percent"], "floor": spec["floor"]}
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
        what_if_url=reverse("assessment:what-if", args=[year]) + latest,
        sensitivity=sensitivity,
        sensitivity_rows=_sensitivity_rows(sensitivity),
        heat=_heat_table(run, scores, faculties, indicators, visible, latest),
        trend_data=_trend_data(runs),
        map=_map(run),
        average_score=run.summary.get("average_score"),
    )
    return render(request, "assessment/dashboard.html", context)


def _heat_band(achievement: Decimal | None) -> str:
    """The colour band of an achievement: reached (≥ 100 %), close (≥ 80 %), behind, or n/a."""
    if achievement is None:
        return "na"
    if achievement >= 1:
        return "reached"
    return "close" if achievement >= Decimal("0.8") else "behind"


def _heat_table(run: AssessmentRun, scores, faculties, indicators, visible, query: str) -> dict:
    """Faculties (in rank order) × indicators: each cell the achievement in whole percent, linked to
    the records behind the value where the user may open the faculty's scorecard."""
    codes = [spec["code"] for spec in run.parameters.get("indicators", [])]
    achieved: dict[str, dict[str, Decimal | None]] = {}
    for faculty_code, indicator, achievement in run.results.values_list("faculty_code", "indicator", "achievement"):
        achieved.setdefault(faculty_code, {})[indicator] = achievement
    # One reverse() for the 780 cells of a large university, not one per cell.
    pattern = reverse("assessment:records", args=[run.year, "FACULTY", "INDICATOR"])
    rows = []
    for score in scores:
        code = score.faculty_code
        linked = visible is None or code in visible
        faculty_url = pattern.replace("FACULTY", quote(code, safe=""))
        rows.append({
            "faculty": faculties.get(code) or code,
            "cells": [
                {"percent": None if achieved.get(code, {}).get(ind) is None
                 else int(achieved[code][ind] * 100),  # floored: 99.6 % has not reached 100
                 "band": _heat_band(achieved.get(code, {}).get(ind)),
                 "indicator": indicators.get(ind) or ind,
                 "url": faculty_url.replace("INDICATOR", ind) + query if linked else None}
                for ind in codes
            ],
        })
    return {"indicators": [indicators.get(code) or code for code in codes], "rows": rows, "body": _heat_body(rows)}


def _heat_body(rows: list[dict]) -> str:
    """The heat table's rows as HTML, built here rather than in the template: a large university
    has 780 cells, and the template language would spend most of the dashboard's time on them.
    Each name is escaped once; the percentages are integers and the bands fixed words."""
    absent = f'<span class="visually-hidden">{escape(_("does not apply"))}</span>—'
    names: dict[int, str] = {}
    html = []
    for row in rows:
        faculty = escape(str(row["faculty"]))
        cells = []
        for position, cell in enumerate(row["cells"]):
            if position not in names:
                names[position] = escape(str(cell["indicator"]))
            if cell["percent"] is None:
                shown = absent
            elif cell["url"]:
                shown = f'<a href="{escape(cell["url"])}">{cell["percent"]}</a>'
            else:
                shown = str(cell["percent"])
            cells.append(f'<td class="text-end heat-{cell["band"]}" title="{faculty} · {names[position]}">{shown}</td>')
        html.append(f'<tr><th scope="row" class="text-nowrap fw-normal">{faculty}</th>{"".join(cells)}</tr>')
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703 - every name and link escaped above


def _sensitivity_rows(sensitivity: list[dict]) -> str:
    """The sensitivity table's rows as HTML (at 60 faculties it lists hundreds of rank changes,
    which the template language took a third of the dashboard's time to write)."""
    none = f'<span class="text-body-secondary">{escape(_("no rank changes"))}</span>'
    faculty_names: dict[str, str] = {}
    html = []
    for item in sensitivity:
        changes = []
        for faculty, code, before, after in item["changes"]:
            if code not in faculty_names:
                faculty_names[code] = escape(str(faculty or code))
            changes.append(f'<span class="me-2">{faculty_names[code]} ({before} → {after})</span>')
        indicator = escape(str(item["indicator"] or ""))
        move = "+20%" if item["direction"] > 0 else "−20%"
        html.append(f"<tr><td>{indicator}</td><td>{move}</td><td>{''.join(changes) or none}</td></tr>")
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703 - every name escaped above


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


# Each university-wide figure, and the indicator whose per-faculty numerators make it up
# (None: no indicator counts it; the breakdown is counted from the records).
FIGURE_INDICATORS = {
    "partners": "partners",
    "teachers_abroad": "teachers_abroad",
    "students_abroad": "student_overseas_share",
    "mobilities_inbound": None,
    "foreign_teacher_semesters": "foreign_teacher_semesters",
    "conferences_hosted": "conferences_hosted",
    "overseas_scholar_lectures": "overseas_scholar_lectures",
    "intl_publications_per_teacher": "intl_publications_per_teacher",
    "cooperative_programs": "cooperative_programs",
}


def figure(request, year: int, key: str):
    """One university-wide figure of the dashboard broken down by faculty, each faculty's part
    linked to the records behind it (where the user may see that faculty)."""
    user = request.user
    _require_role(user)
    if key not in FIGURE_INDICATORS:
        raise Http404
    shown = _shown(request, year)
    run = shown.run
    query = "?run=latest" if selectors.wants_latest(request) else ""
    faculties = _names()
    visible = selectors.visible_faculty_codes(user)
    indicator = FIGURE_INDICATORS[key]
    rows = []
    if indicator is not None:
        for code, numerator in (run.results.filter(indicator=indicator).order_by("-numerator", "faculty_code")
                                .values_list("faculty_code", "numerator")):
            url = None
            if visible is None or code in visible:
                url = reverse("assessment:records", args=[year, code, indicator]) + query
            rows.append({"faculty": faculties.get(code) or code, "count": int(numerator or 0), "url": url})
    else:
        # Counted when the run was stored, as its total was (a run stored before it kept them:
        # counted now).
        kept = run.summary.get("inbound_by_faculty")
        if kept is None:
            kept = {row["faculty__code"]: row["n"] for row in selectors.inbound_by_faculty(year)}
        list_url = reverse("exchanges:mobility-list")
        for code, n in sorted(kept.items(), key=lambda item: (-item[1], item[0])):
            url = None
            if code in faculties and (visible is None or code in visible):
                url = f"{list_url}?direction=inbound&year={year}&faculty={faculties[code].pk}"
            rows.append({"faculty": faculties.get(code) or code, "count": n, "url": url})
    label = dict(FIGURES)[key]
    return render(request, "assessment/figure.html", {
        "year": year, "run": run, "key": key, "label": label, "rows": rows,
        "total": run.summary.get("totals", {}).get(key), "by_indicator": indicator is not None,
        "breakdown_total": sum(row["count"] for row in rows),
        "dashboard_url": reverse("assessment:dashboard") + f"?year={year}" + query.replace("?", "&"),
        **_standing(request, shown, year),
    })


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
    paths = format_html_join(
        "", '<path class="country step-{}{}" d="{}" data-country="{}"><title>{}</title></path>',
        ((shape["step"], " has-partner" if shape["partner"] else "", shape["path"], shape["code"], shape["title"])
         for shape in shapes))
    return {"paths": paths, "top": top[:15]}


def _number(raw: str | None, low: Decimal, high: Decimal) -> Decimal | None | bool:
    """A query parameter as a number from ``low`` to ``high``: ``None`` when absent or empty,
    ``False`` when it is not such a number."""
    if raw is None or raw.strip() == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return False
    return value if value.is_finite() and low <= value <= high else False


@require_GET
def what_if(request, year: int):
    """Re-score the year's latest run without saving: with the weights (``w_<code>``), growth
    rates (``g_<code>``, percent) and floors (``fl_<code>``) in the query string, and the
    incentive pool (``pool``, yuan) and threshold (``threshold``) when given. Returns the
    ranking, scores, incentives and, for each faculty, the targets that moved."""
    user = request.user
    _require_role(user)
    run = _shown(request, year).run
    weights = selectors.run_weights(run)
    derived = [spec["code"] for spec in run.parameters.get("indicators", [])
               if spec["kind"] != Indicator.Kind.YES_NO]
    errors = {}
    growth: dict[str, Decimal] = {}
    floors: dict[str, Decimal] = {}
    asked = [
        (f"w_{code}", code, weights, Decimal(0), Decimal(1000), _("A weight is a number from 0 to 1000."), 1)
        for code in weights
    ] + [
        (f"g_{code}", code, growth, Decimal(-100), Decimal(1000),
         _("A growth rate is a percentage from -100 to 1000."), Decimal("0.01"))
        for code in derived
    ] + [
        (f"fl_{code}", code, floors, Decimal(0), Decimal("1E9"), _("A floor is a number, 0 or more."), 1)
        for code in derived
    ]
    for name, code, into, low, high, message, scale in asked:
        value = _number(request.GET.get(name), low, high)
        if value is False:
            errors[name if not name.startswith("w_") else code] = message
        elif value is not None:
            into[code] = value * scale
    chosen: dict[str, Decimal | None] = {}
    for name, high, message in (
        ("pool", Decimal("1E12"), _("The pool is an amount of yuan, 0 or more.")),
        ("threshold", Decimal(1000), _("The threshold is a score from 0 to 1000.")),
    ):
        value = _number(request.GET.get(name), Decimal(0), high)
        if value is False:
            errors[name] = message
        else:
            chosen[name] = value
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    faculties = _names()
    stored = selectors.measurements_of(run)
    measurements = selectors.measurements_of(run, growth=growth, floors=floors) if growth or floors else stored
    outcomes = selectors.rescore(run, measurements, weights, pool_amount=chosen["pool"],
                                 threshold=chosen["threshold"])
    before = {s.faculty_code: s.rank for s in run.scores.all()}
    return JsonResponse({
        "year": year,
        "faculties": [
            {"code": o.code, "name": str(faculties[o.code]) if o.code in faculties else o.code,
             "score": float(o.score), "rank": o.rank, "stored_rank": before.get(o.code),
             "incentive": format(o.incentive, "f"), "flagged": o.flagged,
             "targets": {code: [float(stored[o.code][code][1]), float(target)]
                         for code, (_value, target) in measurements[o.code].items()
                         if target != stored[o.code][code][1]}}
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
    shown = _shown(request, year) if year else None
    run = shown.run if shown else None
    rows = []
    context = _standing(request, shown, year) if shown else {}
    if run is not None:
        faculties = _names()
        visible = selectors.visible_faculty_codes(user)
        rows = [
            {"score": s, "faculty": faculties.get(s.faculty_code)}
            for s in run.scores.order_by("rank", "faculty_code")
            if visible is None or s.faculty_code in visible
        ]
    context.update(years=years, year=year, run=run, rows=rows)
    return render(request, "assessment/scorecards.html", context)


def _visible_faculty(user, code: str) -> Faculty:
    return access.get_visible_or_404(user, Faculty.objects.all(), code=code)


def faculty_history(request, code: str):
    """One faculty over the years (what a vice-president asks first): score, rank, incentive
    and every indicator's value and achievement, as a chart and a table, and as a workbook
    (``?export=xlsx``).  Each year shows the run the dashboard shows for it."""
    user = request.user
    _require_role(user)
    faculty = _visible_faculty(user, code)
    shown = selectors.shown_runs(latest=selectors.wants_latest(request))
    runs = {item.run.pk: year for year, item in shown.items()}
    scores = {score.run_id: score for score in FacultyScore.objects.filter(run_id__in=runs, faculty=faculty)}
    totals = dict(FacultyScore.objects.filter(run_id__in=runs).values_list("run_id").annotate(n=Count("pk")))
    results: dict[int, dict[str, IndicatorResult]] = {}
    codes: list[str] = []
    for result in IndicatorResult.objects.filter(run_id__in=runs, faculty=faculty).order_by("run_id", "position"):
        results.setdefault(result.run_id, {})[result.indicator] = result
        if result.indicator not in codes:
            codes.append(result.indicator)
    names = _indicators()
    columns = [(code_, str(names[code_]) if code_ in names else code_) for code_ in codes]
    rows = []
    for run_id, year in sorted(runs.items(), key=lambda item: item[1]):
        score = scores.get(run_id)
        if score is None:
            continue  # the faculty was not assessed that year
        cells = []
        for code_, _name in columns:
            result = results.get(run_id, {}).get(code_)
            cells.append({
                "value": None if result is None or result.value is None else round2(result.value),
                "achievement": None if result is None or result.achievement is None
                else round2(result.achievement * 100),
            })
        rows.append({"year": year, "score": score.score, "rank": score.rank, "total": totals.get(run_id),
                     "incentive": score.incentive, "official": shown[year].official, "cells": cells})
    if request.GET.get("export") == "xlsx":
        return exports.faculty_history_response(faculty, columns, rows)
    chart = {
        "years": [row["year"] for row in rows],
        "series": [{"label": name, "values": [None if row["cells"][i]["achievement"] is None
                                              else float(row["cells"][i]["achievement"]) for row in rows]}
                   for i, (_code, name) in enumerate(columns)],
        "average": {"label": _("Score"), "values": [float(row["score"]) for row in rows]},
    }
    return render(request, "assessment/faculty_history.html", {
        "faculty": faculty, "columns": columns, "rows": rows, "chart": chart,
    })


def plan_results(request, pk: int):
    """A plan's own targets against what the assessment measured in each year (the run the
    dashboard shows for that year): planned value, actual value and the share reached."""
    user = request.user
    _require_role(user)
    plan = access.get_visible_or_404(user, InternationalizationPlan.objects.select_related("faculty"), pk=pk)
    targets = list(plan.targets.order_by("year", "indicator"))
    shown = selectors.shown_runs(latest=selectors.wants_latest(request))
    runs = {shown[t.year].run.pk: t.year for t in targets if t.year in shown}
    actual = {(runs[r.run_id], r.indicator): r for r in
              IndicatorResult.objects.filter(run_id__in=runs, faculty=plan.faculty)}
    rows = []
    for target in targets:
        result = actual.get((target.year, target.indicator))
        value = None if result is None or result.value is None else round2(result.value)
        reached = None if value is None or not target.value else round2(value / target.value * 100)
        measured = target.year in shown
        rows.append({"target": target, "actual": value, "reached": reached, "measured": measured,
                     "official": measured and shown[target.year].official})
    return render(request, "assessment/plan_results.html", {"plan": plan, "rows": rows})


def scorecard(request, year: int, code: str):
    """One faculty's indicators in a year: value, target, achievement, what is missing, and
    a link to the records behind each value."""
    user = request.user
    _require_role(user)
    faculty = _visible_faculty(user, code)
    shown = _shown(request, year)
    run = shown.run
    score = run.scores.filter(faculty=faculty).first()
    if score is None:
        raise Http404
    kinds = {spec["code"]: spec["kind"] for spec in run.parameters.get("indicators", [])}
    indicators = _indicators()
    rows = []
    for result in run.results.filter(faculty=faculty).order_by("position"):
        kind = kinds.get(result.indicator, "")
        missing = selectors.still_missing(kind, result)
        rows.append({
            "result": result,
            "indicator": indicators.get(result.indicator),
            "kind": kind,
            "percent": kind == Indicator.Kind.RATE,
            "value": None if result.value is None else round2(result.value),
            "achievement": None if result.achievement is None else round2(result.achievement * 100),
            "missing": missing,
            "counted": RULES[result.indicator].counted(result.numerator),
            "still_needed": None if missing is None else RULES[result.indicator].counted(missing),
            "records_url": reverse("assessment:records", args=[year, faculty.code, result.indicator]),
        })
    unlinked = run.summary.get("unlinked_teacher_mobilities", {}).get(faculty.code, 0)
    return render(request, "assessment/scorecard.html", {
        "faculty": faculty, "run": run, "year": year, "score": score, "rows": rows, "unlinked": unlinked,
        "pool": run.parameters.get("pool"), **_standing(request, shown, year),
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
    shown = selectors.shown_run(year, latest=selectors.wants_latest(request))
    result = None
    if shown is not None:
        result = IndicatorResult.objects.filter(run=shown.run, faculty=faculty, indicator=indicator).first()
    return render(request, "assessment/records.html", {
        "official": shown is not None and shown.official,
        "faculty": faculty, "year": year, "rule": rule, "groups": groups, "result": result,
        "indicator": Indicator.objects.filter(code=indicator).first(),
        "stale": result is not None and result.numerator is not None and int(result.numerator) != len(groups),
        "counted": rule.counted(len(groups)),
        "scorecard_url": reverse("assessment:scorecard", args=[year, faculty.code])
        + ("?run=latest" if selectors.wants_latest(request) else ""),
    })


# --- exports ---------------------------------------------------------------------------------


def export_xlsx(request, year: int):
    """The ranking and the scorecards the user may see, as an Excel workbook."""
    user = request.user
    _require_role(user)
    shown = _shown(request, year)
    content = exports.workbook(shown.run, visible=selectors.visible_faculty_codes(user),
                               publication=shown.publication if shown.official else None)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    standing = f"v{shown.publication.version}" if shown.official else "provisional"
    response["Content-Disposition"] = f'attachment; filename="assessment-{year}-{standing}.xlsx"'
    return response


def print_view(request, year: int):
    """A print-friendly page of the year's ranking for the leaders' meeting."""
    user = request.user
    _require_role(user)
    shown = _shown(request, year)
    run = shown.run
    faculties = _names()
    indicators = _indicators()
    return render(request, "assessment/print.html", {
        **_standing(request, shown, year),
        "run": run, "year": year, "pool": run.parameters.get("pool"),
        "ranking": [{"score": s, "faculty": faculties.get(s.faculty_code)}
                    for s in run.scores.order_by("rank", "faculty_code")],
        "weights": [(indicators.get(spec["code"]), spec["weight"]) for spec in run.parameters.get("indicators", [])],
        "totals": run.summary.get("totals", {}),
        "figures": [(label, run.summary.get("totals", {}).get(key)) for key, label in FIGURES],
        "printed_at": timezone.now(),
    })


# --- publishing ------------------------------------------------------------------------------


def _split(run: AssessmentRun, faculties) -> dict:
    """The ranking and the incentive split a run stored, and their total (the pool, when one
    was set and somebody reached the threshold)."""
    scores = sorted(run.scores.all(), key=lambda s: (s.rank, s.faculty_code))
    return {
        "ranking": [{"score": s, "faculty": faculties.get(s.faculty_code)} for s in scores],
        "paid": sum((s.incentive for s in scores), Decimal("0.00")),
        "pool": run.parameters.get("pool"),
    }


def publish_year(request, year: int):
    """The office's confirmation page for publishing the year's latest run (GET), and the
    publication itself (POST): the ranking and the incentive split it makes official, and
    what changes against the version published before."""
    user = request.user
    _require_office(user)
    run = selectors.latest_run(year)
    if run is None:
        raise Http404
    current = Publication.objects.select_related("run", "published_by").filter(year=year).order_by("-version").first()
    form = forms.PublishForm(request.POST or None, initial={"run": run.pk}, republishing=current is not None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["run"] != run.pk:
            form.add_error(None, _("A newer calculation of %(year)s has been stored since: review it before "
                                   "publishing.") % {"year": year})
        else:
            try:
                publication = publish(run, by=user, reason=form.cleaned_data.get("reason", ""))
            except PublishError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The results of %(year)s are published (version %(version)s).") % {
                    "year": year, "version": publication.version})
                return redirect(reverse("assessment:dashboard") + f"?year={year}")
    faculties = _names()
    indicators = _indicators()
    already = current is not None and current.run_id == run.pk
    changes = None
    if current is not None and not already:
        changes = _described(selectors.differences(user, current.run, run), faculties, indicators)
    return render(request, "assessment/publish.html", {
        "year": year, "run": run, "form": form, "current": current, "already": already, "changes": changes,
        **_split(run, faculties),
    }, status=400 if request.method == "POST" else 200)


def publication_list(request, year: int):
    """Every published version of a year, newest first, each with what changed against the
    version before it (score, rank, incentive and indicators, from the stored runs)."""
    user = request.user
    _require_role(user)
    publications = list(Publication.objects.filter(year=year).select_related("run", "published_by")
                        .prefetch_related("run__scores").order_by("-version"))
    if not publications:
        raise Http404
    faculties = _names()
    indicators = _indicators()
    versions = []
    for publication, before in zip(publications, [*publications[1:], None], strict=True):
        changes = None
        if before is not None:
            changes = _described(selectors.differences(user, before.run, publication.run), faculties, indicators)
        versions.append({"publication": publication, "previous": before, "changes": changes,
                         **_split(publication.run, faculties)})
    return render(request, "assessment/publication_list.html", {
        "year": year, "versions": versions, "may_publish": access.is_office(user),
        "recalculated": AssessmentRun.objects.latest_for(year).pk != publications[0].run_id,
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


def _runs_context(form) -> dict:
    """The latest runs, newest first; automatic recalculations that changed nothing (the same
    year, parameters and results as the one listed above them, none published) are folded into
    one row that says how many there were."""
    runs = AssessmentRun.objects.select_related("created_by").order_by("-created_at", "-pk")[:200]
    published = dict(Publication.objects.values_list("run_id", "version"))
    rows: list[dict] = []
    for run in runs:
        version = published.get(run.pk)
        last = rows[-1] if rows else None
        if (last is not None and version is None and last["version"] is None
                and run.trigger == last["run"].trigger == AssessmentRun.Trigger.DATA_CHANGE
                and run.year == last["run"].year and run.parameters == last["run"].parameters
                and run.summary == last["run"].summary):
            last["folded"] += 1
            last["since"] = run.created_at
            continue
        rows.append({"run": run, "version": version, "folded": 0, "since": None})
    return {"runs": rows[:100], "form": form}


def run_list(request):
    """Every stored run, which of them were published, and the office's button to compute a
    year now."""
    _require_office(request.user)
    return render(request, "assessment/run_list.html",
                  _runs_context(forms.RunForm(initial={"year": timezone.localdate().year})))


@require_POST
def run_start(request):
    """Compute and store a year's assessment (the same work as ``run_assessment``)."""
    _require_office(request.user)
    form = forms.RunForm(request.POST)
    if not form.is_valid():
        return render(request, "assessment/run_list.html", _runs_context(form), status=400)
    year = form.cleaned_data["year"]
    run_assessment_task.apply_async(args=[year, request.user.pk])
    if year in selectors.published_years():
        messages.success(request, _(
            "The assessment of %(year)s is being computed again. Its published results stay official: the "
            "dashboard tells you what the new calculation would change, and you may publish it again.")
            % {"year": year})
    else:
        messages.success(request, _("The assessment of %(year)s is being computed; the dashboard shows it as soon "
                                    "as it is stored.") % {"year": year})
    return redirect(reverse("assessment:dashboard") + f"?year={year}")


def run_detail(request, pk: int):
    _require_office(request.user)
    run = get_object_or_404(AssessmentRun, pk=pk)
    indicators = _indicators()
    return render(request, "assessment/run_detail.html", {
        "run": run,
        "publications": run.publications.order_by("version"),
        "latest": selectors.latest_run(run.year).pk == run.pk,
        "indicators": [(indicators.get(spec["code"]), spec) for spec in run.parameters.get("indicators", [])],
        "targets": [
            (faculty, indicators.get(code), value)
            for faculty, values in sorted(run.parameters.get("targets", {}).items())
            for code, value in sorted(values.items())
        ],
    })
