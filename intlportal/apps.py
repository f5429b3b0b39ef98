from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntlportalConfig(AppConfig):
    name = "intlportal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from intlportal import filters, widgets

        filters.install()
        widgets.install()
