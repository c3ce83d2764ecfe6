"""An organisation's name in Kazakh, Russian and English (django-modeltranslation adds name_kk, name_ru,
name_en; `name` reads the reader's language with the fallbacks of settings.MODELTRANSLATION_FALLBACK_LANGUAGES)."""

from modeltranslation.translator import TranslationOptions, register

from panah.accounts.models import Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("ru",)  # every reader falls back to Russian (settings), so it must be there
