from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "fugong.notices"
    label = "notices"
