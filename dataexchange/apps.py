from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DataexchangeConfig(AppConfig):
    name = "dataexchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        # Every installed app may declare its kinds in <app>/dataexchange.py.
        autodiscover_modules("dataexchange")
        from dataexchange import registry
        from intlportal import access, exporting
        from intlportal.navigation import register

        # The list pages' ?export=csv|xlsx[&style=codes|labels] writes the registry's kind, and
        # the registry says whom their Import button is for.
        exporting.provide(registry.export_response, importable=registry.may_import)

        register(_("Data"), _("Import and export"), "dataexchange:index", order=900,
                 visible=lambda user: bool(access.roles(user)))
