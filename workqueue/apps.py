from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkqueueConfig(AppConfig):
    name = "workqueue"
    verbose_name = _("Office work queue")

    def ready(self) -> None:
        from intlportal import access
        from intlportal.navigation import register

        section = _("Office")
        register(section, _("Work queue"), "workqueue:index", order=5, visible=access.is_office)
        register(section, _("Deleted records"), "history:deleted", order=6, visible=access.is_office)
