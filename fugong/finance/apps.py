from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "fugong.finance"
    label = "finance"
