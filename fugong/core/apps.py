from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fugong.core"
    label = "core"
