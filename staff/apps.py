from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from intlportal.navigation import register
        from staff import receivers

        receivers.connect()

        section = _("Staff")
        register(section, _("Staff members"), "staff:staffmember-list", order=20)
        register(section, _("Foreign teacher contracts"), "staff:contract-list", order=21)
        register(section, _("Teaching assignments"), "staff:assignment-list", order=22)
        register(section, _("Teaching evaluations"), "staff:evaluation-list", order=23)
        register(section, _("Language assessments"), "staff:languageassessment-list", order=24)
        register(section, _("Publications"), "staff:publication-list", order=25)
