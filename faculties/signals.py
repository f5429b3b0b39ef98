"""What a plan's workflow tells the apps above the faculties (the notifications connect to
these in ``NotificationsConfig.ready``): the faculties import no app above them.

Both are sent inside the transition's transaction, with ``plan``, ``by`` and ``comment``;
a receiver that raises rolls the transition back.
"""

from django.dispatch import Signal

#: A plan was submitted to the office.
plan_submitted = Signal()
#: The office approved or returned a submitted plan (``plan.status`` says which).
plan_decided = Signal()
