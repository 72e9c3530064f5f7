from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "fugong.areas"
    label = "areas"
