from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TripsConfig(AppConfig):
    name = "trips"
    verbose_name = _("Official trips abroad")

    def ready(self) -> None:
        from intlportal import access
        from intlportal.navigation import register

        section = _("Exchanges")
        register(section, _("Trips abroad"), "trips:trip-list", order=25)
        register(section, _("Public notice of trips abroad"), "trips:notice", order=26)
        register(section, _("Annual outbound plans"), "trips:tripplan-list", order=29)
        # The registry of passports and permits: personal data, the office's alone.
        register(section, _("Passports and travel permits"), "trips:passport-list", visible=access.is_office,
                 order=28)
        register(section, _("Who is abroad when"), "trips:calendar", order=27, visible=access.sees_everything)
