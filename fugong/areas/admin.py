from django.contrib import admin

from fugong.areas.models import Area, Park


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "separately_listed"]
    list_filter = ["level", "separately_listed"]
    search_fields = ["code", "name"]


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["name", "league", "county"]
    list_filter = ["league"]
