from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges")

    def ready(self) -> None:
        from exchanges.models import Mobility
        from exchanges.services import check_funding
        from intlportal import access, verification
        from intlportal.navigation import register

        # A faculty's change to a mobility's amount or funding becomes the record only within the budget.
        verification.register_check(Mobility, check_funding)

        section = _("Exchanges")
        register(section, _("Mobilities"), "exchanges:mobility-list", order=30)
        register(section, _("Agreements"), "exchanges:agreement-list", order=31)
        register(section, _("Partner institutions"), "exchanges:partner-list", order=32)
        register(section, _("Hosted events"), "exchanges:event-list", order=33)
        register(section, _("Student language tests"), "exchanges:languagetest-list", order=34)
        register(section, _("Funding schemes"), "exchanges:fundingscheme-list", order=35,
                 visible=access.sees_everything)
