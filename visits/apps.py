from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Foreign visitors")

    def ready(self) -> None:
        from intlportal.navigation import register

        register(_("Exchanges"), _("Foreign visits"), "visits:visit-list", order=24)
