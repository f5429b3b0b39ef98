"""Signals of the data exchange.

``records_imported(sender=model, kind=str, years=set[int] | None, user=User)`` is sent once
per import that wrote something, inside its write transaction, in a savepoint that is rolled
back and logged when a receiver fails, never raised (an import that changes nothing sends
nothing).  A receiver records what must survive in the database then and there, and defers
anything outside the database (a broker, a cache, e-mail) with ``transaction.on_commit``.
``years`` holds the years the imported rows touched (before and after a change), or ``None``
when the kind has no year (faculties, partners, agreements) or a changed record has none:
every year may be affected.  Receivers that recompute derived figures (the assessment)
schedule one recomputation per import here instead of
reacting to each row's ``post_save`` — bulk writes send no ``post_save`` at all.
"""

from django.dispatch import Signal

records_imported = Signal()
