"""The assessment's record kinds in the import/export registry: the office's targets and the
yearly incentive pools (columns as in DESIGN.md); and an import's ``records_imported`` makes
the assessment stale (imports write in bulk, without ``post_save``)."""

from assessment import signals
from assessment.models import IncentivePool, Indicator, Target
from dataexchange.columns import Column, Decimal, ForeignKey, Integer
from dataexchange.registry import Kind, register
from dataexchange.signals import records_imported
from faculties.models import Faculty

register(Kind(
    name="targets",
    model=Target,
    columns=[
        Column("faculty", ForeignKey(Faculty, "code")),
        Column("year", Integer(min_value=1990, max_value=2100)),
        Column("indicator", ForeignKey(Indicator, "code")),
        Column("value", Decimal(min_value=0)),
    ],
    key=("faculty", "year", "indicator"),
    faculty="faculty",
    year="year",
))

register(Kind(
    name="incentive_pools",
    model=IncentivePool,
    columns=[
        Column("year", Integer(min_value=1990, max_value=2100)),
        Column("amount", Decimal(min_value=0)),
        Column("threshold", Decimal(min_value=0)),
    ],
    key=("year",),
    year="year",
))

records_imported.connect(signals.records_imported_receiver, dispatch_uid=f"{signals.DISPATCH_PREFIX}:imported")
