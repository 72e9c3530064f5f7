from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "fugong.catalogue"
    label = "catalogue"

    def ready(self):
        from fugong.analytics import brief, sections
        from fugong.catalogue import services
        from fugong.catalogue.selectors import brief_section, dashboard_panel
        from fugong.enterprises.signals import enterprises_moved

        brief.register("catalogue", brief_section, order=67)
        sections.register("catalogue", dashboard_panel, order=67)
        # Open claims follow their enterprise to its new area; the registry does not import the catalogue.
        enterprises_moved.connect(services.on_enterprises_moved, dispatch_uid="catalogue.follow_enterprises")
