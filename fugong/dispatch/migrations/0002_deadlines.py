from datetime import time

from django.db import migrations


def seed(apps, schema_editor):
    deadline = apps.get_model("dispatch", "Deadline")
    deadline.objects.get_or_create(period_type="daily", defaults={"offset_days": 1, "at": time(10, 0)})
    deadline.objects.get_or_create(period_type="weekly", defaults={"offset_days": 7, "at": time(12, 0)})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
