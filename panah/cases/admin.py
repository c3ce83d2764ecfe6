"""The dated legal rules are data an administrator maintains: confirm a configurable value, or add an
amendment as a new version (a later `applies from`), then recompute deadlines with
`panah refresh_deadlines`. Titles and legal references are edited in Kazakh, Russian and English.
Cases hold personal data and are worked on their own pages, not here."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from panah.cases.models import DeadlineRule, EligibilityRule
from panah.cases.ruledata import NAMES as NAME_FIELDS


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(TranslationAdmin):
    list_display = ["code", "valid_from", "period", "unit", "open_cases_keep_previous", "configurable"]
    list_filter = ["configurable", "unit"]
    search_fields = ["code", *NAME_FIELDS]
    ordering = ["code", "valid_from"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(TranslationAdmin):
    list_display = ["code", "goal", "valid_from", "years", "counts_from", "configurable"]
    list_filter = ["goal", "configurable"]
    search_fields = ["code", *NAME_FIELDS]
    ordering = ["code", "valid_from"]
