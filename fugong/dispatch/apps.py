from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "fugong.dispatch"
    label = "dispatch"
