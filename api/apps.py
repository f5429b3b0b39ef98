from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from intlportal import access
        from intlportal.navigation import register

        register(_("Office"), _("API tokens"), "api:token-list", order=7, visible=access.is_office)
        register(_("Data"), _("API documentation"), "api:docs", order=910)
