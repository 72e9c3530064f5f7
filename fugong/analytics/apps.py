from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "fugong.analytics"
    label = "analytics"

    def ready(self):
        # The rollup is kept live by the writers below through their signals: they never import analytics.
        from fugong.analytics import rollup
        from fugong.dispatch import upkeep
        from fugong.dispatch.signals import reports_written
        from fugong.enterprises.signals import enterprises_changed

        reports_written.connect(rollup.on_reports_written, dispatch_uid=rollup.UID)
        upkeep.register(rollup.Upkeep())
        enterprises_changed.connect(rollup.on_enterprises_changed, dispatch_uid="analytics.rollup.enterprises")
