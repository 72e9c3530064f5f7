"""Build the figures rollup from what is already there (nothing on a new database; the demo on an old one)."""

from django.db import migrations


def build(apps, schema_editor):
    from fugong.analytics import rollup

    rollup.rebuild()


def clear(apps, schema_editor):
    from fugong.analytics import rollup

    rollup.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("dispatch", "0002_deadlines"),
        ("enterprises", "0002_industries_tags"),
    ]

    operations = [migrations.RunPython(build, clear)]
