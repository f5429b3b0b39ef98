"""The assessment's record kinds in the import/export registry: the office's targets and the
yearly incentive pools (columns as in DESIGN.md); and an import's ``records_imported`` makes
the assessment stale (imports write in bulk, without ``post_save``)."""

from assessment import signals
from assessment.models import IncentivePool, Indicator, Target
from dataexchange.columns import Column, Decimal, ForeignKey, Integer
from dataexchange.registry import Kind, register
from dataexchange.signals import records_imported
from faculties.dataexchange import YEAR_ALIASES, faculty_column

register(Kind(
    name="targets",
    model=Target,
    columns=[
        faculty_column(),
        Column("year", Integer(min_value=1990, max_value=2100), aliases=("考核年度", *YEAR_ALIASES)),
        Column("indicator", ForeignKey(Indicator, "code", names=("name_zh", "name_en")),
               aliases=("指标名称", "考核指标", "指标代码")),
        Column("value", Decimal(min_value=0), aliases=("目标", "目标数", "年度目标")),
    ],
    key=("faculty", "year", "indicator"),
    faculty="faculty",
    year="year",
))

register(Kind(
    name="incentive_pools",
    model=IncentivePool,
    columns=[
        Column("year", Integer(min_value=1990, max_value=2100), aliases=YEAR_ALIASES),
        Column("amount", Decimal(min_value=0), aliases=("金额", "奖励总额", "奖励金额", "奖励经费（元）")),
        Column("threshold", Decimal(min_value=0), aliases=("门槛分", "奖励门槛", "门槛分数")),
    ],
    key=("year",),
    year="year",
))

records_imported.connect(signals.records_imported_receiver, dispatch_uid=f"{signals.DISPATCH_PREFIX}:imported")
