"""Signals of the data exchange.

``records_imported(sender=model, kind=str, years=set[int] | None, user=User)`` is sent once
per import that wrote something, after its transaction commits (an import that changes
nothing sends nothing).  ``years`` holds the years the imported rows touched (before and
after a change), or ``None`` when the kind has no year (faculties, partners, agreements) or a
changed record has none: every year may be affected.  Receivers that recompute
derived figures (the assessment) schedule one recomputation per import here instead of
reacting to each row's ``post_save`` — bulk writes send no ``post_save`` at all.
"""

from django.dispatch import Signal

records_imported = Signal()
