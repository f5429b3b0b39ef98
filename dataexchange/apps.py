from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DataexchangeConfig(AppConfig):
    name = "dataexchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        # Every installed app may declare its kinds in <app>/dataexchange.py.
        autodiscover_modules("dataexchange")
        from intlportal import access
        from intlportal.navigation import register

        register(_("Data"), _("Import and export"), "dataexchange:index", order=900,
                 visible=lambda user: bool(access.roles(user)))
