from django.db import migrations


def load(apps, schema_editor):
    from fugong.areas.services import load_from_files

    load_from_files(apps.get_model("areas", "Area"), apps.get_model("areas", "Park"))


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
