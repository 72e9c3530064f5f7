from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "fugong.policies"
    label = "policies"

    def ready(self):
        from fugong.analytics import brief
        from fugong.policies.selectors import brief_section

        brief.register("policies", brief_section, order=66)
