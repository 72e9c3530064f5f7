from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "fugong.analytics"
    label = "analytics"
