from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacultiesConfig(AppConfig):
    name = "faculties"
    verbose_name = _("Faculties")

    def ready(self) -> None:
        from faculties import receivers
        from intlportal import access
        from intlportal.navigation import register

        receivers.connect()
        section = _("Faculties")
        register(section, _("Faculties"), "faculties:faculty-list", order=10)
        register(section, _("Headcounts by year"), "faculties:facultyyear-list", order=11)
        register(section, _("Website updates"), "faculties:siteupdate-list", order=12)
        register(section, _("Disciplines"), "faculties:discipline-list", order=12)
        register(section, _("Leading groups"), "faculties:leadinggroupmember-list", order=13)
        register(section, _("Coordinators"), "faculties:coordinatormembership-list", order=14,
                 visible=access.is_office)
        register(section, _("Internationalization plans"), "faculties:plan-list", order=15)
