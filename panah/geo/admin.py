from django.contrib import admin

from panah.geo.models import Country, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "name_kk", "valid_from", "valid_to"]
    search_fields = ["code", "name_en", "name_ru", "name_kk"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["alpha3", "name_en", "name_ru", "name_kk"]
    search_fields = ["alpha3", "name_en", "name_ru", "name_kk"]
