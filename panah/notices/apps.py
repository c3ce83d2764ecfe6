from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "panah.notices"
    verbose_name = _("Decision notices")
