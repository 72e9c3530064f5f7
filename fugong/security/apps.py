from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "fugong.security"
    label = "security"

    def ready(self):
        from fugong.accounts.hooks import register_login_gate
        from fugong.security import signals
        from fugong.security.views import login_gate

        signals.connect()
        register_login_gate(login_gate)
