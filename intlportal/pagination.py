"""The lists' paginator: a page's rows found by their keys first.

``OFFSET 4975 LIMIT 25`` over 500,000 mobilities makes PostgreSQL read the 5,000 rows it skips
(23 ms at page 200, bench/RESULTS.md). Asking for the page's primary keys in a subquery
(``pk IN (SELECT id … ORDER BY … OFFSET … LIMIT …)``) lets it skip them in the ordering's
index without touching the table (an index-only scan, under 1 ms), then read just the 25 rows.
One query, as before; the same rows in the same order (``tests/intlportal/test_pagination.py``).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet


class KeysFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        # A DISTINCT query selects its ordering columns too: its keys cannot be one column.
        if isinstance(rows, QuerySet) and not rows.query.distinct and not rows.query.combinator:
            return self._get_page(rows.filter(pk__in=rows.values("pk")[bottom:top]), number, self)
        return self._get_page(rows[bottom:top], number, self)
