"""An import's need to recompute commits with its rows (issue 20, items 2 and 5).

``records_imported`` is sent inside the write transaction, so the assessment's pending
recompute row is written in the same transaction as the imported records: a crash or an
outage right after the commit cannot lose it.  A failing receiver is rolled back to its
savepoint and logged; the import itself is written.
"""

from __future__ import annotations

import pytest

from assessment import tasks
from assessment.models import PendingRecompute
from dataexchange import registry
from dataexchange.signals import records_imported
from exchanges.models import Mobility
from tests.dataexchange.helpers import GOOD_MOBILITY, mobility_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_pending_recompute_is_written_in_the_imports_transaction(
        office, mobility_refs, django_capture_on_commit_callbacks):
    PendingRecompute.objects.all().delete()
    # The commit's callbacks are captured, not run: what exists now was written in the transaction.
    with django_capture_on_commit_callbacks(execute=False):
        result = registry.import_rows("mobilities", mobility_csv(GOOD_MOBILITY), user=office, dry_run=False)
        assert result.ok and result.written, result.errors
        assert Mobility.objects.count() == 1
        assert tasks.pending_years() - {tasks.ALL_YEARS}, "the pending recompute waited for the commit"


def test_a_failing_receiver_is_rolled_back_to_its_savepoint_and_the_import_is_written(office, mobility_refs, caplog):
    def broken(**kwargs):
        PendingRecompute.objects.create(year=1999)
        raise RuntimeError("receiver broke")

    records_imported.connect(broken, dispatch_uid="test-broken-receiver")
    try:
        result = registry.import_rows("mobilities", mobility_csv(GOOD_MOBILITY), user=office, dry_run=False)
    finally:
        records_imported.disconnect(dispatch_uid="test-broken-receiver")
    assert result.ok and result.written
    assert Mobility.objects.count() == 1
    assert not PendingRecompute.objects.filter(year=1999).exists()
    assert "receiver failed" in caplog.text
