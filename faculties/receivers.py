"""What follows a change of the website update log (wired in ``FacultiesConfig.ready``): the
faculty's copy of its latest verified update (``services.site_updated_on_refresh``).

A receiver, because an update is saved by many hands — the forms, the office's verification
of a proposed change, the admin — and deleted from its page; imports write in bulk without
``post_save``, and ``faculties/dataexchange.py`` answers their ``records_imported`` instead.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from faculties.models import SiteUpdate
from faculties.services import site_updated_on_refresh


def site_update_changed(sender, instance: SiteUpdate, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    site_updated_on_refresh(faculty_ids=[instance.faculty_id])


def connect() -> None:
    post_save.connect(site_update_changed, sender=SiteUpdate, dispatch_uid="site-update-copy:save")
    post_delete.connect(site_update_changed, sender=SiteUpdate, dispatch_uid="site-update-copy:delete")
