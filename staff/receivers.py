"""What follows a staff record's save (wired in ``StaffConfig.ready``): the dated log of its
category and overseas degree (``services.standings_sync``).

A receiver, not a call in each view, because a staff record is saved by many hands — the
forms, the office's verification of a proposed change, the admin — and the log must follow
every one of them.  Imports write in bulk without ``post_save``; ``staff/dataexchange.py``
answers their ``records_imported`` instead.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from staff.models import StaffMember
from staff.services import standings_sync

#: The fields whose change can move a standing; a save naming none of them cannot.
STANDING_FIELDS = frozenset({"category", "has_overseas_degree", "hired_on", "verified_at"})


def staff_member_saved(sender, instance: StaffMember, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not STANDING_FIELDS & set(update_fields)):
        return
    standings_sync(staff=StaffMember.objects.filter(pk=instance.pk))


def connect() -> None:
    post_save.connect(staff_member_saved, sender=StaffMember, dispatch_uid="staff-standings")
