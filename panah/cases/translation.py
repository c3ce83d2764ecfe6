"""The titles of the legal rules and the legal texts they rest on, in Kazakh, Russian and English
(django-modeltranslation; eligibility and case pages show them in the reader's language, with fallbacks)."""

from modeltranslation.translator import TranslationOptions, register

from panah.cases.models import DeadlineRule, EligibilityRule


@register(DeadlineRule)
class DeadlineRuleTranslation(TranslationOptions):
    fields = ("title", "legal_reference")
    required_languages = ("ru",)  # every reader falls back to Russian (settings), so it must be there


@register(EligibilityRule)
class EligibilityRuleTranslation(TranslationOptions):
    fields = ("title", "legal_reference")
    required_languages = ("ru",)  # every reader falls back to Russian (settings), so it must be there
