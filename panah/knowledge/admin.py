"""The partner directory and the leaflets are kept in the admin (few rows, edited by administrators).

Articles are published only through the publishing pages and services, which version, index and audit
them, so the admin shows them read-only. Shared information is personal data: it is not in the admin.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from panah.knowledge.models import Article, ArticleVersion, Leaflet, LeafletTranslation, PartnerProject


@admin.register(PartnerProject)
class PartnerProjectAdmin(TranslationAdmin):
    """Partner, title, services and eligibility are edited in Kazakh, Russian and English."""

    list_display = ["title", "partner", "starts_on", "ends_on", "capacity", "topic"]
    list_filter = ["topic", "regions"]
    search_fields = [f"{field}_{language}" for field in ("title", "partner") for language in ("kk", "ru", "en")]
    filter_horizontal = ["regions"]


class LeafletTranslationInline(admin.StackedInline):
    model = LeafletTranslation
    extra = 1


@admin.register(Leaflet)
class LeafletAdmin(admin.ModelAdmin):
    list_display = ["slug", "topic", "project"]
    list_filter = ["topic"]
    inlines = [LeafletTranslationInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ["slug", "topic", "created_at"]
    list_filter = ["topic"]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnly):
    list_display = ["article", "number", "effective_from", "published_at", "published_by"]
    list_filter = ["article__topic"]
