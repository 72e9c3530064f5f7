from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "fugong.finance"
    label = "finance"

    def ready(self):
        from fugong.analytics import brief
        from fugong.finance.selectors import brief_section

        brief.register("financing", brief_section, order=61)
