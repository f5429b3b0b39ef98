#!/usr/bin/env python
"""Spreadsheets as the office has them (issue 15): import and export speed on 500,000 mobilities.

    .venv/bin/python bench/exchange.py                      # measure; print, write nothing to RESULTS.md
    .venv/bin/python bench/exchange.py --write-results      # on an idle machine: results/exchange.json + RESULTS.md
    .venv/bin/python bench/exchange.py --profile            # where the time goes (cProfile, top 25)
    .venv/bin/python bench/exchange.py --seed               # seed the database again first

Works on the PostgreSQL database ``intlportal_bench`` (``--database`` for another benchmark
database), the one ``bench/run.py`` fills with 500,000 mobilities from ``demo.largedata``; when
it does not exist (or with ``--seed``) it is created and seeded here (about a minute).  Then,
each in a child process in production mode (``bench/run.py``'s ``production_environment``):

1. import of 10,000 new mobilities from an ``.xlsx`` workbook the benchmark writes with
   openpyxl as the office's own sheets look: a title row, the headers in Chinese (the columns'
   labels; their codes when the kind cannot match the labels yet), real date cells, faculties,
   partners and staff by name, choices by their Chinese labels — every cell as the current
   converters read it back (checked before the file is written; a cell they cannot read yet is
   written as its code, and the result says which columns were).  Checked and written as the
   office (``registry.import_rows(..., dry_run=False)``), then the imported rows, their history,
   workflow steps and the assessment's pending recomputes are deleted again by the child;
2. the same rows as a CSV file in GBK (Chinese Excel's "CSV (逗号分隔)"), dates typed as
   ``2025/3/1``: informational;
3. export of 50,000 and of 5,000 mobilities to ``.xlsx`` (``writing.export_to_path``), in the
   codes style and the labels style (when ``export_to_path`` takes ``style=``).

Goals: import ≤ 5 s, export of 50,000 ≤ 8 s, labels no slower than codes (within the run-to-run
noise, ``LABELS_NOISE``), memory flat (the 50,000-row export grows the process by less than
``MEMORY_FLAT_MB`` more than the 5,000-row one).  Each measurement is repeated (``--repeat``,
median time); the machine's load average before and after each, and the time (UTC), are kept
beside the figures.  An import's recompute of the assessment runs after the response in the
portal (``intlportal.deferred``): it is deferred here as in a request and not timed.

Memory: the child's peak resident size is read from ``/proc/self/status`` (``VmHWM``, reset
before the work through ``/proc/self/clear_refs``).  ``ru_maxrss`` as ``wait4`` reports it is
kept too, but it is not the child's own: Linux carries the parent's high-water mark over the
``fork``/``exec`` that starts the child, so it never reads below the (larger) parent.

``--write-results`` writes ``bench/results/exchange.json`` and the "Spreadsheets (issue 15)"
section of ``bench/RESULTS.md`` (``bench/report.py``; the rest of the file is written from the
same JSON as before).  Without it the figures are printed and kept in a temporary file only:
a measurement taken on a busy machine must not become the published one.  ``--profile`` runs
the import and the 50,000-row export of each style under cProfile and prints the time of each
step (``IMPORT_PHASES``, ``EXPORT_PHASES``), then the 25 functions with the most cumulative and
the most own time; its shares are meaningful on a busy machine,
its absolute times are not.  Not part of CI.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import decimal
import inspect
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is on the path, the project is not
    sys.path.insert(0, str(ROOT))

from bench.common import FULL, PY, RESULTS_DIR, SERVER, log  # noqa: E402

EXCHANGE_FILE = RESULTS_DIR / "exchange.json"
PERSON_PREFIX = "BENCH-XCH-"  # person ids of the imported rows, none of them in the data set
GOALS = {
    "import_seconds": 5.0,  # 10,000 rows from .xlsx, checked and written
    "export_seconds": 8.0,  # 50,000 rows to .xlsx
    "memory_flat_mb": 20.0,  # 50,000-row export's growth minus the 5,000-row one's
    "labels_noise": 1.05,  # labels ≤ codes × this: the same work measured twice differs by a few percent
}
IMPORT_ROWS = 10_000
EXPORT_ROWS = (50_000, 5_000)
PROFILE_TOP = 25
# Funding schemes the imported rows draw on, created for the run and deleted after it.
BENCH_SCHEMES = ("国际交流专项经费（基准测试）", "学生出国（境）交流资助（基准测试）")


# --- the child process: one measurement ------------------------------------------------------


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Make ``VmHWM`` start again from the present resident size (Linux ≥ 4.0)."""
    # Where it cannot, the peak may include the start-up's own, which is below the work's.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _export_child(argument: str, office) -> dict:
    from dataexchange import registry
    from dataexchange.writing import export_to_path
    from exchanges.models import Mobility

    rows, style, path = argument.split(":", 2)
    rows = int(rows)
    last = Mobility.objects.order_by("pk").values_list("pk", flat=True)[rows - 1]
    queryset = Mobility.objects.filter(pk__lte=last)
    kwargs = {"style": style} if "style" in inspect.signature(export_to_path).parameters else {}
    if style != "codes" and not kwargs:
        raise SystemExit("export_to_path takes no style= yet: only the codes style can be measured")
    count = export_to_path(registry.get("mobilities"), queryset, Path(path), user=office, **kwargs)
    return {"rows": count, "style": style, "bytes": Path(path).stat().st_size}


def _cleanup_imported() -> dict:
    """Delete the benchmark's imported mobilities with their history and workflow steps."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from exchanges.models import Mobility
    from intlportal.models import WorkflowTransition

    history = Mobility.history.model._meta.db_table
    mobility = Mobility._meta.db_table
    transitions = WorkflowTransition._meta.db_table
    content_type = ContentType.objects.get_for_model(Mobility).pk
    like = PERSON_PREFIX + "%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {transitions} WHERE content_type_id = %s AND object_id IN "  # noqa: S608
                       f"(SELECT id FROM {mobility} WHERE person_id LIKE %s)", [content_type, like])
        steps = cursor.rowcount
        cursor.execute(f"DELETE FROM {history} WHERE person_id LIKE %s", [like])  # noqa: S608
        cursor.execute(f"DELETE FROM {mobility} WHERE person_id LIKE %s", [like])  # noqa: S608
        return {"deleted": cursor.rowcount, "workflow_steps_deleted": steps}


def _import_child(argument: str, office) -> dict:
    from dataexchange import registry
    from intlportal import deferred

    # As in a request: the assessment's recompute waits until after the response.
    token = deferred._pending.set({})
    try:
        result = registry.import_rows("mobilities", Path(argument), user=office, dry_run=False)
    finally:
        deferred._pending.reset(token)
    if not result.ok:
        errors = [str(error) for error in result.errors[:5]]
        raise SystemExit(f"import rejected: {result.file_errors} {errors} ({len(result.errors)} errors)")
    return {"rows": result.total, "created": result.created, "updated": result.updated}


def run_child(mode: str, argument: str, profile_out: str | None) -> None:
    import resource

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from exchanges.models import Mobility

    office = get_user_model().objects.get(username="office")
    Mobility.objects.exists()  # what a process holds before the work: Django, the apps, one connection
    baseline_kb = _memory_kb("VmRSS")
    _reset_peak()
    profiler = None
    if profile_out:
        import cProfile

        profiler = cProfile.Profile()
    pending_before = 0
    if mode == "import":
        from assessment.models import PendingRecompute

        pending_before = PendingRecompute.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    cleanup = None
    started = time.perf_counter()
    try:
        if profiler:
            profiler.enable()
        if mode == "export":
            detail = _export_child(argument, office)
        elif mode == "import":
            detail = _import_child(argument, office)
        else:
            raise SystemExit(f"unknown child mode {mode}")
        seconds = time.perf_counter() - started
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile_out)
    finally:
        if mode == "import":  # leave the data set as it was, also after a rejected import
            cleanup = _cleanup_imported()
            # Nothing will run the recomputes the import recorded here.
            PendingRecompute.objects.filter(pk__gt=pending_before).delete()
    peak_kb = _memory_kb("VmHWM")
    print(json.dumps({
        **detail, **({"cleanup": cleanup} if cleanup else {}),
        "seconds": round(seconds, 2), "baseline_rss_mb": round(baseline_kb / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1), "growth_mb": round(max(peak_kb - baseline_kb, 0) / 1024, 1),
        "child_ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


# --- the parent: files, children, results ----------------------------------------------------


def child(mode: str, argument: str, env: dict[str, str], *, profile_out: Path | None = None) -> dict:
    """Run one measurement in a child process, with the load average and time around it."""
    command = [PY, str(Path(__file__).resolve()), "--child", mode, argument]
    if profile_out:
        command += ["--profile-out", str(profile_out)]
    before = [round(x, 2) for x in os.getloadavg()]
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"child {mode} {argument} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["wait4_ru_maxrss_mb"] = round(usage.ru_maxrss / 1024, 1)  # the parent's, see the docstring
    result["load_before"] = before
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["when"] = when
    return result


def repeated(label: str, repeat: int, run) -> dict:
    """``run()`` ``repeat`` times: the median time, the largest growth, every run kept."""
    runs = []
    for i in range(repeat):
        runs.append(run())
        r = runs[-1]
        log(f"{label} ({i + 1}/{repeat}): {r['seconds']:.2f} s, peak {r['peak_rss_mb']} MB "
            f"(+{r['growth_mb']} MB), load {r['load_before'][0]} → {r['load_after'][0]}")
    summary = {key: value for key, value in runs[-1].items() if key not in {"seconds", "when"}}
    summary.update({
        "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "min_seconds": min(r["seconds"] for r in runs),
        "growth_mb": max(r["growth_mb"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "runs": runs,
    })
    return summary


def _gbk(text) -> bool:
    try:
        str(text).encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _candidates(converter, value) -> list[tuple[str, str]]:
    """(form, cell text) a person might type for ``value``, the office's most likely first:
    a record's Chinese, English name or web domain, a choice's Chinese label or a synonym,
    then what ``export_label`` and ``export`` write.  Only texts GBK can hold (the CSV)."""
    found = []
    for name in getattr(converter, "names", ()):
        given = getattr(value, name, "")
        given = given[0] if isinstance(given, list) and given else given
        if isinstance(given, str) and given:
            found.append((name, given))
    if hasattr(converter, "export_label"):
        with contextlib.suppress(Exception):  # a converter still being written
            found.append(("label", converter.export_label(value)))
    found += [("synonym", word) for word in getattr(converter, "synonyms", {}).get(value, ())]
    found.append(("code", converter.export(value)))
    return [(form, str(text)) for form, text in found if text not in (None, "") and _gbk(text)]


def _read_back(converter, value, text: str, office) -> bool:
    """Does the converter read ``text`` as ``value`` (a name two staff members share: as the
    importer will, by the row's faculty)?"""
    from dataexchange import columns

    try:
        return converter.parse(text) == value
    except Exception as error:  # noqa: BLE001 - anything but the value is a no
        ambiguous = isinstance(error, getattr(columns, "Ambiguous", ()))
        candidates = getattr(error, "candidates", None) if ambiguous else None
        if candidates and getattr(converter, "narrow_by", None):
            same = [c for c in candidates if c.faculty_id == getattr(value, "faculty_id", None)]
            return same == [value]
        return False


class Cells:
    """The cell texts of each (column, value) the converters read back, in the forms an
    office would type them; a record goes by its first such form, a choice by its label and
    synonyms in turn.  How many values of each column went by which form is kept."""

    def __init__(self, kind, office):
        self.kind, self.office = kind, office
        self.texts: dict[str, dict] = {}
        self.forms: dict[str, dict[str, int]] = {}

    def learn(self, name: str, values) -> None:
        from django.utils import translation

        converter = self.kind.column(name).converter
        values = {v for v in values if v not in (None, "")}
        many = not hasattr(converter, "names")  # a choice, a country: every form in turn
        with translation.override("zh-hans"):
            offered = {value: _candidates(converter, value) for value in values}
            with contextlib.suppress(Exception):  # a converter still being written: parse says no
                converter.prepare([text for forms in offered.values() for _f, text in forms], user=self.office)
            accepted = {}
            for value, forms in offered.items():
                good = [(form, text) for form, text in forms if _read_back(converter, value, text, self.office)]
                if not good:
                    raise SystemExit(f"column {name}: no cell text reads back as {value!r} ({forms})")
                if many:  # a code only where nothing else reads back: nobody types "outbound"
                    good = [(form, text) for form, text in good if form != "code"] or good
                accepted[value] = good if many else good[:1]
        self.texts[name] = {value: [text for _f, text in good] for value, good in accepted.items()}
        counts: dict[str, int] = {}
        for good in accepted.values():
            for form, _text in good:
                counts[form] = counts.get(form, 0) + 1
        self.forms[name] = counts

    def __call__(self, name: str, value, n: int = 0):
        if value in (None, ""):
            return ""
        texts = self.texts[name][value]
        return texts[n % len(texts)]


def _headings(kind) -> tuple[list[str], str]:
    """The columns' Chinese labels when the kind matches them back to the columns, else codes."""
    from django.utils import translation

    with translation.override("zh-hans"):
        if hasattr(kind, "column_for_header") and all(hasattr(c, "heading") for c in kind.columns):
            titles = [c.heading("labels") for c in kind.columns]
            if all(getattr(kind.column_for_header(t), "name", None) == c.name for t, c in zip(titles, kind.columns)):
                return titles, "labels"
    return [c.name for c in kind.columns], "codes"


def _parses(converter, text: str, expected) -> bool:
    try:
        return converter.parse(text) == expected
    except Exception:  # noqa: BLE001
        return False


def planned_rows(rows: int) -> list[dict]:
    """``rows`` new mobilities with valid references, as values (records, codes, dates)."""
    from django.db.models import Sum

    from exchanges.dataexchange import FUNDED_STATES
    from exchanges.models import FundingScheme, Mobility, PartnerInstitution
    from faculties.models import Faculty
    from staff.models import StaffMember

    rng = random.Random(15)
    faculties = list(Faculty.objects.order_by("pk"))
    partners = list(PartnerInstitution.objects.order_by("pk")[:500])
    staff = list(StaffMember.objects.filter(category="domestic").select_related("faculty").order_by("pk")[:2000])
    # Funded rows must fit what the schemes have left (the import checks the budgets); the
    # large data set spends its own schemes many times over, so the rows draw on the
    # benchmark's (``bench_schemes``).
    used = dict(Mobility.objects.filter(status__in=FUNDED_STATES, amount__isnull=False)
                .values("funding_scheme").annotate(total=Sum("amount")).values_list("funding_scheme", "total"))
    left = {s: s.budget - (used.get(s.pk) or 0) for s in FundingScheme.objects.filter(name__in=BENCH_SCHEMES)}
    schemes = [s for s, money in left.items() if money >= 5000]
    states = ["completed", "approved", "planned"]
    planned = []
    for n in range(rows):
        teacher = n % 5 == 0
        member = rng.choice(staff) if teacher else None
        faculty = member.faculty if teacher else rng.choice(faculties)
        partner = rng.choice(partners)
        starts = datetime.date(rng.randint(2020, 2025), rng.choice([3, 7, 9]), rng.randint(1, 28))
        scheme, amount = None, None
        if n % 3 == 0 and schemes:
            scheme = schemes[n % len(schemes)]
            amount = decimal.Decimal(rng.choice([5000, 8000, 15000, 12500]))
            if left[scheme] >= amount:
                left[scheme] -= amount
            else:
                scheme, amount = None, None
        planned.append({
            "faculty": faculty, "direction": "outbound", "person_kind": "teacher" if teacher else "student",
            "person_name": f"导入测试{n}", "person_id": f"{PERSON_PREFIX}{n:06d}", "staff_no": member,
            "partner": partner, "country": partner.country,
            "activity": "visit" if teacher else rng.choice(["semester_exchange", "summer_study_tour"]),
            "starts_on": starts, "ends_on": starts + datetime.timedelta(days=rng.randint(7, 120)),
            "status": rng.choice(states), "funding_scheme": scheme, "amount": amount,
        })
    return planned


def write_import_files(work: Path, rows: int, office) -> dict:
    """The import's workbook and its GBK CSV twin; what each column was written as."""
    from openpyxl import Workbook

    from dataexchange import files, registry

    kind = registry.get("mobilities")
    planned = planned_rows(rows)
    cells = Cells(kind, office)
    for column in kind.columns:
        if column.name not in {"starts_on", "ends_on", "amount", "person_name", "person_id"}:
            cells.learn(column.name, [row[column.name] for row in planned])
    titles, heading_style = _headings(kind)
    title_row = "header_match" in inspect.signature(files.parse_file).parameters

    def text(name, value, n):
        return value if name in {"person_name", "person_id"} else cells(name, value, n)

    # The workbook: real date cells, amounts as numbers.
    xlsx = work / f"import-{rows}.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("出国（境）交流")
    if title_row:  # the office's sheets carry a title above the header
        sheet.append(["2025年度学生及教职工出国（境）交流情况统计表"])
    sheet.append(titles)
    for n, row in enumerate(planned):
        sheet.append([row[c.name] if c.name in {"starts_on", "ends_on"}
                      else (float(row[c.name]) if c.name == "amount" and row[c.name] is not None
                            else text(c.name, row[c.name], n)) for c in kind.columns])
    book.save(xlsx)

    # The CSV as Chinese Excel saves it: GBK, dates as typed, amounts with 元.
    date_converter = kind.column("starts_on").converter
    slash = _parses(date_converter, "2025/3/1", datetime.date(2025, 3, 1))
    amount_converter = kind.column("amount").converter
    yuan = _parses(amount_converter, "5,000元", decimal.Decimal(5000))

    def csv_cell(name, value, n):
        if value is None:
            return ""
        if name in {"starts_on", "ends_on"}:
            return f"{value.year}/{value.month}/{value.day}" if slash else value.isoformat()
        if name == "amount":
            return f"{value:,.0f}元" if yuan else str(value)
        return text(name, value, n)

    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(titles)
    for n, row in enumerate(planned):
        out.writerow([csv_cell(c.name, row[c.name], n) for c in kind.columns])
    gbk = work / f"import-{rows}-gbk.csv"
    gbk.write_bytes(buffer.getvalue().encode("gbk"))  # every text was chosen so that GBK holds it
    return {
        "xlsx": xlsx, "csv": gbk,
        "written_as": {"headers": heading_style, "title_row": title_row, "dates_xlsx": "date cells",
                       "dates_csv": "2025/3/1" if slash else "ISO", "amount_csv": "5,000元" if yuan else "plain",
                       "csv_encoding": "gbk", "columns": cells.forms},
    }


@contextlib.contextmanager
def bench_schemes():
    """The benchmark's funding schemes, with room for every funded row, for the run only."""
    from exchanges.models import FundingScheme

    remove_schemes()
    for name in BENCH_SCHEMES:
        FundingScheme.objects.create(name=name, year=2025, budget=decimal.Decimal(100_000_000))
    try:
        yield
    finally:
        remove_schemes()


def remove_schemes() -> None:
    from django.db import transaction

    from exchanges.models import FundingScheme

    with transaction.atomic():
        FundingScheme.objects.filter(name__in=BENCH_SCHEMES).delete()
        # After the records: deleting one adds a history entry of its own.
        FundingScheme.history.model.objects.filter(name__in=BENCH_SCHEMES).delete()


def database_exists(name: str) -> bool:
    from bench.run import _exists, _server

    conn = _server()
    try:
        with conn.cursor() as cursor:
            return _exists(cursor, name)
    finally:
        conn.close()


# The steps of an import and of an export, as (what, file the function is in, function): the
# profile's cumulative time of each, a first reading before the top-25 lists.
IMPORT_PHASES = [
    ("reading the file", "dataexchange/files.py", "parse_file"),
    ("converting the cells (lookups included)", "dataexchange/importer.py", "_read_rows"),
    ("  of which: messages for names several records share", "dataexchange/columns.py", "_ambiguous_message"),
    ("checking rows (kind's checks)", "dataexchange/importer.py", "_check_rows"),
    ("planning: existing records, full_clean, workflow", "dataexchange/importer.py", "_plan_changes"),
    ("  of which: existing records by key", "dataexchange/importer.py", "_existing"),
    ("  of which: full_clean", "django/db/models/base.py", "full_clean"),
    ("batch checks (budgets)", "dataexchange/importer.py", "_run_batch_checks"),
    ("writing", "dataexchange/importer.py", "_write"),
    ("  of which: records with history (bulk_create_with_history)", "simple_history/utils.py",
     "bulk_create_with_history"),
    ("  of which: history rows (bulk_history_create)", "simple_history/manager.py", "bulk_history_create"),
    ("  of which: the signal (records_imported)", "dataexchange/importer.py", "announce_import"),
    ("commit", "~", "<method 'commit' of 'psycopg2.extensions.connection' objects>"),
    ("SQL sent (every statement)", "~", "<method 'execute' of 'psycopg2.extensions.cursor' objects>"),
]
EXPORT_PHASES = [
    ("rows: query, model instances and converters", "dataexchange/writing.py", "rows"),
    ("  of which: model instances from the query", "django/db/models/query.py", "_iterator"),
    ("  of which: fetching from PostgreSQL", "~", "<method 'fetchmany' of 'psycopg2.extensions.cursor' objects>"),
    ("cells to XML (openpyxl write-only)", "openpyxl/worksheet/_write_only.py", "append"),
    ("  of which: lxml_write_cell", "openpyxl/cell/_writer.py", "lxml_write_cell"),
    ("compressing (zlib)", "~", "<method 'compress' of 'zlib.Compress' objects>"),
]


def print_phases(stats, phases) -> None:
    total = stats.total_tt or 1
    print(f"{'step':<70} {'cumulative s':>12} {'share':>7}")
    for label, where, function in phases:
        seconds = sum(ct for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
                      if name == function and filename.endswith(where))
        print(f"{label:<70} {seconds:>12.2f} {seconds / total:>7.0%}")


def print_profile(path: Path, title: str, phases) -> None:
    import pstats

    print(f"\n===== {title}: steps =====", flush=True)
    print_phases(pstats.Stats(str(path)), phases)
    for order in ("cumulative", "tottime"):
        print(f"\n===== {title}: top {PROFILE_TOP} by {order} =====", flush=True)
        stats = pstats.Stats(str(path), stream=sys.stdout)
        stats.strip_dirs().sort_stats(order).print_stats(PROFILE_TOP)
        sys.stdout.flush()


def verdicts(results: dict) -> dict:
    """Each goal: met (True), not met (False) or not measured (None)."""
    goals = results["goals"]
    exports = {(e["style"], e["rows"]): e for e in results.get("export", [])}
    codes, labels = exports.get(("codes", EXPORT_ROWS[0])), exports.get(("labels", EXPORT_ROWS[0]))
    flat = []
    for style in ("codes", "labels"):
        big, small = exports.get((style, EXPORT_ROWS[0])), exports.get((style, EXPORT_ROWS[1]))
        if big and small:
            flat.append(big["growth_mb"] - small["growth_mb"] < goals["memory_flat_mb"])
    imported = results.get("import_xlsx")
    return {
        "import": imported["seconds"] <= goals["import_seconds"] if imported else None,
        "export": (all(e["seconds"] <= goals["export_seconds"] for e in (codes, labels) if e)
                   if codes or labels else None),
        "labels_not_slower": (labels["seconds"] <= codes["seconds"] * goals["labels_noise"]
                              if codes and labels else None),
        "memory_flat": all(flat) if flat else None,
    }


def measure(env: dict[str, str], work: Path, *, repeat: int, office) -> dict:
    from django.utils import timezone

    from dataexchange.writing import export_to_path
    from exchanges.models import Mobility

    results: dict = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "database": env["DATABASE_URL"].rsplit("/", 1)[-1],
        "cpus": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "mobilities": Mobility.objects.count(), "repeat": repeat, "goals": GOALS,
        "local_date": timezone.localdate().isoformat(),
    }
    made = write_import_files(work, IMPORT_ROWS, office)
    results["import_file"] = made["written_as"]
    log(f"import files written: {made['written_as']}")
    results["import_xlsx"] = repeated(f"import {IMPORT_ROWS:,} rows from .xlsx", repeat,
                                      lambda: child("import", str(made["xlsx"]), env))
    try:
        results["import_csv_gbk"] = repeated(f"import {IMPORT_ROWS:,} rows from GBK .csv", repeat,
                                             lambda: child("import", str(made["csv"]), env))
    except SystemExit as refused:  # informational: the reader may not take GBK yet
        log(f"GBK CSV import failed: {refused}")
        results["import_csv_gbk"] = {"failed": str(refused)}
    results["insert_floor"] = insert_floor(IMPORT_ROWS)
    log(f"PostgreSQL's own insert of {IMPORT_ROWS:,} mobilities: {results['insert_floor']}")
    styles = ["codes", "labels"] if "style" in inspect.signature(export_to_path).parameters else ["codes"]
    results["export"] = []
    for rows in EXPORT_ROWS:
        for style in styles:
            path = work / f"export-{rows}-{style}.xlsx"
            argument = f"{rows}:{style}:{path}"
            measured = repeated(f"export {rows:,} rows, {style}", repeat,
                                lambda argument=argument: child("export", argument, env))
            results["export"].append(measured)
            path.unlink(missing_ok=True)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["verdicts"] = verdicts(results)
    return results


def insert_floor(rows: int) -> dict:
    """What PostgreSQL itself takes to write ``rows`` mobilities (their 19 indexes, unique key
    and foreign-key checks), without Django: ``INSERT … SELECT`` of copies of existing rows, and
    the same into the history table, in a transaction rolled back.  The import cannot be faster
    than this; what it takes beyond is reading, checking and preparing the rows in Python."""
    from django.db import connection, transaction

    from exchanges.models import Mobility

    table, history = Mobility._meta.db_table, Mobility.history.model._meta.db_table
    columns = [f.column for f in Mobility._meta.concrete_fields if f.column != "id"]
    listed = ", ".join(f'"{c}"' for c in columns)
    def chosen(names):
        return ", ".join(f"'{PERSON_PREFIX}F' || id" if c == "person_id" else f'"{c}"' for c in names)

    kept = {f.column for f in Mobility.history.model._meta.concrete_fields}
    in_history = [c for c in columns if c in kept]
    timings = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE floor_rows ON COMMIT DROP AS SELECT * FROM {table} "  # noqa: S608
                       f"ORDER BY id LIMIT %s", [rows])
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO {table} ({listed}) SELECT {chosen(columns)} FROM floor_rows")  # noqa: S608
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, now
        timings["records_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        history_columns = ", ".join(f'"{c}"' for c in in_history)
        cursor.execute(f"INSERT INTO {history} ({history_columns}, id, history_date, history_type, "  # noqa: S608
                       f"history_change_reason) SELECT {chosen(in_history)}, id, now(), '+', 'import' FROM floor_rows")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        timings["history_seconds"] = round(time.perf_counter() - started, 2)
        transaction.set_rollback(True)
    return timings


def profile(env: dict[str, str], work: Path, office) -> None:
    from dataexchange.writing import export_to_path

    made = write_import_files(work, IMPORT_ROWS, office)
    log(f"import file written: {made['written_as']}")
    out = work / "import.prof"
    measured = child("import", str(made["xlsx"]), env, profile_out=out)
    log(f"profiled import: {measured['seconds']} s (load {measured['load_before']} → {measured['load_after']})")
    print_profile(out, f"import of {IMPORT_ROWS:,} rows from .xlsx ({measured['seconds']} s under cProfile)",
                  IMPORT_PHASES)
    styles = ["codes", "labels"] if "style" in inspect.signature(export_to_path).parameters else ["codes"]
    for style in styles:
        out = work / f"export-{style}.prof"
        measured = child("export", f"{EXPORT_ROWS[0]}:{style}:{work / f'export-{style}.xlsx'}", env, profile_out=out)
        log(f"profiled export ({style}): {measured['seconds']} s")
        print_profile(out, f"export of {EXPORT_ROWS[0]:,} rows, {style} style ({measured['seconds']} s under cProfile)",
                      EXPORT_PHASES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="intlportal_bench", help="a benchmark database (default %(default)s)")
    parser.add_argument("--seed", action="store_true", help="create and seed the database again")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default %(default)s)")
    parser.add_argument("--profile", action="store_true", help="profile the import and the export instead")
    parser.add_argument("--write-results", action="store_true",
                        help="write bench/results/exchange.json and RESULTS.md (on an idle machine only)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(*args.child, args.profile_out)
        return

    from bench.run import manage, prepare, production_environment

    name = args.database
    if not name.startswith("intlportal_bench"):
        raise SystemExit(f"refusing to touch database {name!r}: not a benchmark database")
    work = Path(tempfile.mkdtemp(prefix="intlportal-exchange-"))
    static_root = Path(tempfile.gettempdir()) / "intlportal-bench-static"
    env = {**os.environ, **production_environment(f"{SERVER}/{name}", static_root, work / "media")}
    os.environ.update(env)
    fresh = args.seed or not database_exists(name)
    if fresh:
        log(f"creating database {name}")
        prepare(name, reuse=False, env=env)
    else:
        manage("migrate", "--noinput", "-v0", env=env)

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from exchanges.models import Mobility

    if fresh or not Mobility.objects.exists():
        from bench.measure import seed

        seed(FULL)
    # A run that died half-way leaves its rows: the measurement needs them gone.
    leftover = Mobility.objects.filter(person_id__startswith=PERSON_PREFIX).count()
    if leftover:
        log(f"deleting {leftover} mobilities a previous run left")
        _cleanup_imported()
    office = get_user_model().objects.get(username="office")
    try:
        with bench_schemes():
            if args.profile:
                profile(env, work, office)
                log(f"profiles kept in {work} (pstats files)")
                return
            results = measure(env, work, repeat=args.repeat, office=office)
    finally:
        for spreadsheet in [*work.glob("*.xlsx"), *work.glob("*.csv")]:
            spreadsheet.unlink()
    print(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    if args.write_results:
        RESULTS_DIR.mkdir(exist_ok=True)
        EXCHANGE_FILE.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
        from bench.report import write_report

        write_report()
    else:
        kept = work / "exchange.json"
        kept.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
        log(f"not published (no --write-results): {kept}")


if __name__ == "__main__":
    main()
