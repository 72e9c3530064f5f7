from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "fugong.problems"
    label = "problems"
