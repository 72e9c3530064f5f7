import csv
from pathlib import Path

from django.db import transaction

from fugong.areas.models import Area, Park

DATA = Path(__file__).resolve().parent / "data"


def load_from_files(area_model, park_model, directory: Path = DATA) -> tuple[int, int]:
    """Upsert the area tree and the parks; takes the models so a data migration can pass its own."""
    with open(directory / "areas.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # The file is in code order, so a parent is written before its children.
    for row in rows:
        area_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent_id": row["parent"] or None,
                "separately_listed": row["separately_listed"] == "1",
            },
        )
    with open(directory / "parks.csv", encoding="utf-8") as f:
        parks = list(csv.DictReader(f))
    for row in parks:
        county = area_model.objects.get(code=row["county"])
        park_model.objects.update_or_create(
            name=row["name"], defaults={"county": county, "league_id": county.parent_id}
        )
    return len(rows), len(parks)


@transaction.atomic
def areas_load(*, directory: Path = DATA) -> tuple[int, int]:
    return load_from_files(Area, Park, directory)
