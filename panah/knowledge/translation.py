"""A partner project's partner, title, services and eligibility in Kazakh, Russian and English
(django-modeltranslation; each reads the reader's language, with fallbacks)."""

from modeltranslation.translator import TranslationOptions, register

from panah.knowledge.models import PartnerProject


@register(PartnerProject)
class PartnerProjectTranslation(TranslationOptions):
    fields = ("partner", "title", "services", "eligibility")
    required_languages = ("ru",)  # every reader falls back to Russian (settings), so it must be there
