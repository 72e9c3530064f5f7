from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fugong.core"
    label = "core"

    def ready(self):
        from fugong.core.fields import keep_indexes_on_bulk_writes

        keep_indexes_on_bulk_writes()
