from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Cooperative programs")

    def ready(self) -> None:
        from intlportal.navigation import register

        section = _("Cooperative programs")
        register(section, _("Cooperative programs"), "programs:program-list", order=40)
        register(section, _("Program courses"), "programs:course-list", order=41)
        register(section, _("Program enrolments"), "programs:enrollment-list", order=42)
        register(section, _("Teacher trainings"), "programs:training-list", order=43)
