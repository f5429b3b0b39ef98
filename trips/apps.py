from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TripsConfig(AppConfig):
    name = "trips"
    verbose_name = _("Official trips abroad")

    def ready(self) -> None:
        from intlportal.navigation import register

        section = _("Exchanges")
        register(section, _("Trips abroad"), "trips:trip-list", order=25)
        register(section, _("Public notice of trips abroad"), "trips:notice", order=26)
