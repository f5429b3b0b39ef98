from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataexchangeConfig(AppConfig):
    name = "dataexchange"
    verbose_name = _("Data exchange")
