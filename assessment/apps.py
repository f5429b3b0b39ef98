from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from assessment import signals
        from intlportal import access
        from intlportal.navigation import register

        signals.connect()

        section = _("Assessment")
        register(section, _("Dashboard"), "assessment:dashboard", order=60)
        register(section, _("Faculty scorecards"), "assessment:scorecards", order=61)
        register(section, _("Indicators"), "assessment:indicator-list", order=62, visible=access.is_office)
        register(section, _("Targets set by the office"), "assessment:target-list", order=63,
                 visible=access.is_office)
        register(section, _("Incentive pools"), "assessment:pool-list", order=64, visible=access.is_office)
        register(section, _("Runs"), "assessment:run-list", order=65, visible=access.is_office)
