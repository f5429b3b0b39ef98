"""Time a 10,000-row mobility import on a fresh SQLite database.

    .venv/bin/python bench/import_benchmark.py [--rows 10000]

Builds a throw-away database in a temporary directory (migrations included), seeds the
faculties, staff, partners and schemes the rows refer to, writes the rows as .xlsx and as
.csv, and times ``manage.py import_records mobilities FILE`` on each (a create run, then a
second run of the same file, which finds every row unchanged).  Prints the wall-clock and CPU seconds.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTIVITIES = ["visit", "lecture", "conference", "semester_exchange", "summer_study_tour", "internship"]
COUNTRIES = ["GB", "US", "JP", "DE", "FR", "AU", "KR", "SG"]
HEADER = ["faculty", "direction", "person_kind", "person_name", "person_id", "staff_no", "partner", "country",
          "activity", "starts_on", "ends_on", "status", "funding_scheme", "amount"]


def rows(count: int):
    start = datetime.date(2025, 1, 1)
    for n in range(count):
        teacher = n % 3 == 0
        begins = start + datetime.timedelta(days=n % 360)
        yield [
            f"F{n % 20:02d}", "outbound" if n % 4 else "inbound", "teacher" if teacher else "student",
            f"人员{n}", f"P{n:06d}", f"T{n % 500:04d}" if teacher else "", f"Partner University {n % 200}",
            COUNTRIES[n % len(COUNTRIES)], ACTIVITIES[n % len(ACTIVITIES)], begins.isoformat(),
            (begins + datetime.timedelta(days=10 + n % 60)).isoformat(), "planned",
            f"Scheme {n % 5}" if n % 2 else "", f"{(n % 90) * 100}.50" if n % 2 else "",
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="intlportal-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intlportal.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import Workbook

    from exchanges.models import FundingScheme, Mobility, PartnerInstitution
    from faculties.models import Faculty
    from staff.models import StaffMember

    call_command("migrate", verbosity=0)
    faculties = Faculty.objects.bulk_create(
        [Faculty(code=f"F{i:02d}", name_zh=f"第{i}学院", name_en=f"School {i}") for i in range(20)])
    StaffMember.objects.bulk_create([StaffMember(faculty=faculties[i % 20], staff_no=f"T{i:04d}", name=f"教师{i}")
                                     for i in range(500)])
    PartnerInstitution.objects.bulk_create(
        [PartnerInstitution(name=f"Partner University {i}", country="GB") for i in range(200)])
    FundingScheme.objects.bulk_create([FundingScheme(name=f"Scheme {i}", year=2025, budget=10**7) for i in range(5)])

    data = list(rows(args.rows))
    csv_path = workdir / "mobilities.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        import csv

        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(data)
    xlsx_path = workdir / "mobilities.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("mobilities")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    workbook.save(xlsx_path)

    for path in (xlsx_path, csv_path):
        Mobility.history.all().delete()
        Mobility.objects.all().delete()
        for run in ("new rows", "same file again"):
            began, began_cpu = time.perf_counter(), time.process_time()
            call_command("import_records", "mobilities", str(path), stdout=open(os.devnull, "w"))  # noqa: SIM115
            seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
            # CPU seconds: what the import costs on a machine that is not busy with anything else.
            print(f"{path.suffix[1:]:>4}  {args.rows} rows  {run:<16} {seconds:6.2f} s wall  {cpu:6.2f} s CPU")
    assert Mobility.objects.count() == args.rows


if __name__ == "__main__":
    main()
