from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents from templates")

    def ready(self) -> None:
        from intlportal import access
        from intlportal.navigation import register

        register(_("Office"), _("Document templates"), "documents:template-list",
                 visible=access.is_office, order=60)
