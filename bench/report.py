"""The benchmark's report: ``bench/RESULTS.md`` written from every ``bench/results/<n>.json``."""

from __future__ import annotations

import json

from bench.common import BENCH, FULL, GOALS, PAGE_GOALS_MS, RESULTS_DIR, log


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(results: dict[int, dict]) -> str:
    full = results[FULL]
    runs = sorted(results)
    n = full["mobilities"]
    out = ["# Benchmark results", "",
           "Written by `bench/run.py` (see the README, “Scale and benchmark”). Each run seeds a dedicated",
           "PostgreSQL database with the large data set, then measures in production mode.", ""]
    out += ["## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in full["machine"].items()]
    load = str(full["machine"].get("load average at start", "")).split()
    cpus = int(full["machine"].get("cpus (nproc)", 1) or 1)
    busy = bool(load) and float(load[0]) >= cpus
    out += ["", f"Run at {full['when']}. " + (
        "The machine was busy with other work at the start (load average at or above the number of CPUs), so "
        "absolute times are pessimistic; query counts are exact." if busy else
        "Nothing else ran (load average below the number of CPUs at the start). Medians still move by up to "
        "±20 % from one run to the next on this virtual machine; query counts are exact."), ""]
    out += ["## Data set", "", "| records | " + " | ".join(f"run {r:,}" for r in runs) + " |",
            "| --- | " + " | ".join("---:" for _ in runs) + " |"]
    for label in full["dataset"]:
        out.append(f"| {label} | " + " | ".join(f"{results[r]['dataset'].get(label, 0):,}" for r in runs) + " |")
    seeding = full.get("seed")
    if seeding:
        out += ["", f"Seeding {n:,} mobilities (and everything else above, with COPY and without history rows): "
                f"**{seeding['seconds']:.0f} s**, {seeding['seconds_with_vacuum']:.0f} s including "
                f"`VACUUM ANALYZE` — goal ≤ {GOALS['seed_seconds']} s: "
                f"{verdict(seeding['seconds'] <= GOALS['seed_seconds'])}."]
    a = full["assessment"]
    out += ["", "## run_assessment", "",
            "| run | wall time (median) | SQL queries | floor: hand-written SQL | ratio | "
            f"goal ≤ {GOALS['assessment_ratio']:g}× |",
            "| --- | ---: | ---: | ---: | ---: | --- |"]
    for r in runs:
        ar = results[r]["assessment"]
        rr = ar["seconds"] / ar["floor"]["seconds"]
        out.append(f"| {r:,} mobilities, year {results[r]['year']} | {ar['seconds'] * 1000:.0f} ms | {ar['queries']} | "
                   f"{ar['floor']['seconds'] * 1000:.0f} ms ({ar['floor']['queries']} statements) | {rr:.2f}× | "
                   f"{verdict(rr <= GOALS['assessment_ratio'])} |")
    out += ["", "The floor runs the same aggregates as `bench/floor.py`'s hand-written SQL through psycopg2 on",
            "the same database (median of repeated rounds after a warm-up); `run_assessment` additionally",
            "loads the parameters through the ORM, does the arithmetic and stores the run.", ""]
    out += ["<details><summary>Floor, per statement</summary>", "", "| statement | ms |", "| --- | ---: |"]
    out += [f"| {k} | {v * 1000:.1f} |" for k, v in a["floor"]["per_statement"].items()]
    out += ["", "</details>", ""]
    per_run = ", ".join(f"{results[r]['pages'][0]['requests']} at {r:,}" for r in runs)
    out += ["## Pages", "", f"Django test client on the real database, signed in; requests per page ({per_run}) "
            "after two warm-up requests.", ""]
    header = "| page | signed in as | " + " | ".join(f"median / p95 ({r:,})" for r in runs) + " | " + \
        " | ".join(f"queries ({r:,})" for r in runs) + " | goal (median) | queries constant |"
    out += [header, "| --- | --- | " + " | ".join("---:" for _ in runs) + " | " + " | ".join("---:" for _ in runs)
            + " | --- | --- |"]
    for i, page in enumerate(full["pages"]):
        same = [results[r]["pages"][i] for r in runs]
        counts = {p["queries"] for p in same}
        constant = len(counts) == 1 and all(len(p["queries_vary"]) == 1 for p in same)
        out.append(
            f"| {page['page']} | {page['role']} | "
            + " | ".join(f"{p['median_ms']:.0f} / {p['p95_ms']:.0f} ms" for p in same) + " | "
            + " | ".join(str(p["queries"]) for p in same) + " | "
            + f"≤ {PAGE_GOALS_MS.get(page['page'], GOALS['page_median_ms'])} ms: "
            + verdict(page["median_ms"] <= PAGE_GOALS_MS.get(page["page"], GOALS["page_median_ms"])) + " | "
            + (verdict(constant) if len(runs) > 1 else "(one run)") + " |")
    out += _saves()
    out += _spreadsheets()
    load = full.get("load")
    if load:
        t = load["total"]
        out += ["## Load", "", f"gunicorn on loopback, production mode, {load['workers']} workers (2 × cores + 1); "
                f"locust headless, {load['users']} users for {load['seconds']} s (each signs in once, then waits "
                "0.2–1 s between pages: leaders 2 : office 3).", "",
                "| request | requests | failures | median | p95 | req/s |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, row in load["by_name"].items():
            out.append(f"| {name} | {row['requests']:,} | {row['failures']} | {row['median_ms']:.0f} ms | "
                       f"{row['p95_ms']:.0f} ms | {row['rps']} |")
        served = t.get("requests", 0) > 0
        out += ["", f"Pages only, from the moment every user had signed in, for {load['seconds']} s: "
                f"{t.get('requests', 0):,} pages, throughput **{t.get('rps', 0)} pages/s**, median "
                f"{t.get('median_ms', 0):.0f} ms, p95 **{t.get('p95_ms', 0):.0f} ms**; {t.get('failures', 0)} errors "
                f"over all requests — goal no errors: {verdict(served and t.get('failures', 1) == 0)}; "
                f"p95 ≤ {GOALS['load_p95_ms']} ms: "
                f"{verdict(served and t.get('p95_ms', 1e9) <= GOALS['load_p95_ms'])}.", ""]
    out += ["## The five heaviest queries", "",
            f"The slowest distinct queries seen during the {n:,}-mobility run (pages and `run_assessment`), "
            "with `EXPLAIN (ANALYZE, BUFFERS)`.", ""]
    for i, q in enumerate(full["explain"], start=1):
        sql = q["sql"] if len(q["sql"]) < 1500 else q["sql"][:1500] + " …"
        out += [f"### {i}. {q['where']} — {q['ms']} ms, {'uses an index' if q['uses_index'] else 'no index'}", "",
                "```sql", sql, "```", "", "```", q["plan"], "```", ""]
        if "plan_after_migrations" in q:
            out += [f"After the indexes of the latest migrations "
                    f"({'uses an index' if q['uses_index_after_migrations'] else 'still no index'}):", "",
                    "```", q["plan_after_migrations"], "```", ""]
    analysis = BENCH / "analysis.md"
    if analysis.exists():  # the engineers' reading of the figures, kept by hand
        out += [analysis.read_text(encoding="utf-8")]
    return "\n".join(out)



def _saves() -> list[str]:
    """The saves section, from ``bench/saves.py``'s ``results/saves.json`` (if it was run)."""
    path = RESULTS_DIR / "saves.json"
    if not path.exists():
        return []
    every = json.loads(path.read_text())
    out = ["", "## Saves", "",
           "`bench/saves.py`: edits through the portal's forms (an event's date, a faculty's headcount), signed in "
           "as the office; the time until the portal hands the response to the server, and the assessment work "
           "done in the request (the recompute of the touched years runs after the response without a broker, in "
           "a worker with one).", "",
           "| data | broker | saves | median / p95 until answered | assessment in the request | "
           "after the response (median) | goal | load average (1/5/15 min), when |",
           "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for name, r in every.items():
        none_in_request = r["assessment_runs_in_request"] == 0 and r["assessment_ms_in_request"] == 0
        goal = (f"median ≤ {GOALS['save_median_ms']} ms: {verdict(r['median_ms'] <= GOALS['save_median_ms'])}"
                if name == "demo"
                else f"no assessment work in the request: {verdict(none_in_request)}")
        out.append(f"| {name} ({r['database']}) | {r['broker'] or 'none (in-process)'} | {r['saves']} | "
                   f"{r['median_ms']:.0f} / {r['p95_ms']:.0f} ms | {r['assessment_runs_in_request']} runs, "
                   f"{r['assessment_ms_in_request']:.0f} ms | {r['after_response_median_ms']:.0f} ms | {goal} | "
                   f"{' / '.join(str(x) for x in r.get('load_average', [])) or 'not recorded'}, {r.get('when', '')} |")
    return out


def _load(values) -> str:
    return " / ".join(f"{x:.2f}" for x in values) if values else "not recorded"


def _spreadsheets() -> list[str]:
    """The issue-15 section, from ``bench/exchange.py --write-results``'s ``results/exchange.json``."""
    path = RESULTS_DIR / "exchange.json"
    if not path.exists():
        return []
    r = json.loads(path.read_text())
    goals, verdicts = r["goals"], r["verdicts"]

    def goal(key: str) -> str:
        return "not measured" if verdicts.get(key) is None else verdict(verdicts[key])

    written = r["import_file"]
    out = ["## Spreadsheets (issue 15)", "",
           f"`bench/exchange.py` on {r['database']} ({r['mobilities']:,} mobilities), {r['cpus']} CPUs, {r['when']}; "
           f"each measurement run {r['repeat']}× in a fresh child process, median time; peak memory is the child's "
           "`VmHWM`, growth the peak minus what the idle process held (Django, the apps, one connection). Load "
           f"average (1/5/15 min) at the start {_load(r['load_average_at_start'])}, at the end "
           f"{_load(r['load_average_at_end'])}.", "",
           f"The import file is written as the office's sheets look: headers as {written['headers']}"
           f"{', a title row above them' if written['title_row'] else ''}, dates as real date cells (the CSV: "
           f"{written['dates_csv']}, amounts {written['amount_csv']}, {written['csv_encoding'].upper()}), records by "
           "their names, choices by their Chinese labels and synonyms. Checked and written as the office "
           "(`import_rows(..., dry_run=False)`), then deleted again; the assessment's recompute runs after the "
           "response in the portal and is not timed.", "",
           "| operation | rows | time (median) | peak memory | growth | load before → after (1 min) | goal |",
           "| --- | ---: | ---: | ---: | ---: | --- | --- |"]

    def line(label: str, m: dict, target: str) -> str:
        runs = m.get("runs") or [m]
        return (f"| {label} | {m['rows']:,} | {m['seconds']:.2f} s | {m['peak_rss_mb']:.0f} MB "
                f"| {m['growth_mb']:.0f} MB | {runs[0]['load_before'][0]:.2f} → {runs[-1]['load_after'][0]:.2f} "
                f"| {target} |")

    out.append(line("import mobilities, .xlsx", r["import_xlsx"],
                    f"≤ {goals['import_seconds']:g} s: {goal('import')}"))
    csv_import = r.get("import_csv_gbk", {})
    if "failed" in csv_import:
        out.append(f"| import mobilities, GBK .csv | — | failed: {csv_import['failed']} | | | | (informational) |")
    elif csv_import:
        out.append(line("import mobilities, GBK .csv", csv_import, "(informational)"))
    for e in r["export"]:
        big = e["rows"] == max(x["rows"] for x in r["export"])
        target = f"≤ {goals['export_seconds']:g} s: {verdict(e['seconds'] <= goals['export_seconds'])}" if big else \
            "(memory check)"
        out.append(line(f"export mobilities to .xlsx, {e['style']}", e, target))
    out += ["", f"Labels no slower than codes (50,000 rows, within ×{goals['labels_noise']:g} for run-to-run "
            f"noise): {goal('labels_not_slower')}. Memory flat (the 50,000-row export grows the process less than "
            f"{goals['memory_flat_mb']:g} MB more than the 5,000-row one, each style): {goal('memory_flat')}.", ""]
    floor = r.get("insert_floor")
    if floor:
        out += [f"PostgreSQL's own work writing the import's {r['import_xlsx']['rows']:,} mobilities — `INSERT … "
                f"SELECT` of copies, in a transaction rolled back, with the table's indexes, unique key and foreign-"
                f"key checks — is {floor['records_seconds']:.2f} s for the records and "
                f"{floor['history_seconds']:.2f} s for their history rows. No import can be faster than that; "
                "the rest of its time is Python: reading "
                "the workbook, converting every cell (names looked up once per file), `full_clean` per row, building "
                "the history rows and the workflow steps, and Django preparing each value of the bulk inserts.", ""]
    if verdicts.get("import") is False:
        out += ["**Import goal not met.** Of what remains above the floor, the largest parts (see `--profile`) are "
                "Django's per-value preparation of the bulk inserts and the per-row model validation; reaching 5 s "
                "would mean writing the rows with PostgreSQL `COPY` outside the ORM and history, a second write "
                "path beside the one every other save uses, which this change does not take.", ""]
    return out


def write_report() -> None:
    every = {int(p.stem): json.loads(p.read_text()) for p in RESULTS_DIR.glob("*.json") if p.stem.isdigit()}
    full = every.get(FULL)
    if full is None:
        log(f"no complete {FULL:,}-mobility run yet: bench/RESULTS.md not written")
        return
    (BENCH / "RESULTS.md").write_text(render(every), encoding="utf-8")
    log("wrote bench/RESULTS.md")

