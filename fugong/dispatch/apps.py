from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "fugong.dispatch"
    label = "dispatch"

    def ready(self):
        # The registry tells of moved enterprises through its signal: it never imports dispatch.
        from fugong.dispatch import services
        from fugong.enterprises.signals import enterprises_moved, key_projects_moved

        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="dispatch.follow_enterprises")
        key_projects_moved.connect(services.on_key_projects_moved, dispatch_uid="dispatch.follow_key_projects")
