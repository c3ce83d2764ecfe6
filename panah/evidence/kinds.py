"""The kinds of evidence file: stored as codes, put into words when read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    PASSPORT = "passport", _("passport")
    IDENTITY_CARD = "identity_card", _("identity card")
    BIRTH_CERTIFICATE = "birth_certificate", _("birth certificate")
    APPLICATION = "application", _("application")
    DECISION = "decision", _("decision")
    COURT_RULING = "court_ruling", _("court ruling")
    OTHER = "other", _("other")
