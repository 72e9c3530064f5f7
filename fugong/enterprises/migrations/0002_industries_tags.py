import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "industries.csv"
TAGS = ["leading", "backbone", "key_industry", "specialised", "epidemic_supply"]


def load(apps, schema_editor):
    industry = apps.get_model("enterprises", "Industry")
    tag = apps.get_model("enterprises", "Tag")
    with open(DATA, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            industry.objects.update_or_create(
                code=row["code"], defaults={"section": row["section"], "name": row["name"], "name_en": row["name_en"]}
            )
    for code in TAGS:
        tag.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
