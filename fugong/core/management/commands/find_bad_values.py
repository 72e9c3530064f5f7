"""List stored values outside today's bounds: written by an earlier version before fugong.core.bounds held input.

    manage.py find_bad_values [--app dispatch] [--model Referral]

Prints one line per bad value (model, primary key, field, what is wrong) and exits 1 when it found any, so a
cron job or a deployment can notice. It reads only; the values are for a person to correct.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from fugong.core import bounds


@dataclass(frozen=True)
class Finding:
    label: str
    pk: object
    field: str
    problem: str
    value: str

    def __str__(self):
        return f"{self.label} pk={self.pk} {self.field}: {self.problem} ({self.value})"


def _problem(field: models.Field, value) -> str | None:
    if value is None:
        return None
    try:
        if isinstance(field, models.DecimalField):
            bounds.check_decimal(value, max_digits=field.max_digits, decimal_places=field.decimal_places,
                                 min_value=-(10 ** (field.max_digits - field.decimal_places)))  # fmt: skip
        elif isinstance(field, models.DateTimeField):
            bounds.check_date(value.date(), future=True)
        elif isinstance(field, models.DateField):
            bounds.check_date(value, future=True)
        elif isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
            bounds.check_int(value, max_value=bounds.INT_MAX)
        elif isinstance(field, models.IntegerField) and not isinstance(field, models.BigIntegerField):
            bounds.check_int(value, min_value=-bounds.INT_MAX - 1, max_value=bounds.INT_MAX)
        elif isinstance(field, models.CharField | models.TextField):
            bounds.check_text(value, max_length=field.max_length or 10**7, multiline=True)
    except ValidationError as e:
        return e.messages[0]
    return None


# Derived tables, rebuilt from the data they index (the figures rollup keeps a sentinel day before the window).
DERIVED_MODULES = ("fugong.analytics.rollup_models",)
CHECKED = (models.DecimalField, models.DateField, models.IntegerField, models.CharField, models.TextField)


def handle_one(model) -> list[Finding]:
    """The bad values of one model, read in chunks."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, CHECKED) and not f.primary_key]
    if not fields:
        return []
    found = []
    names = [f.attname for f in fields]
    for pk, *values in model._default_manager.values_list("pk", *names).order_by("pk").iterator(chunk_size=2000):
        for field, value in zip(fields, values, strict=True):
            if problem := _problem(field, value):
                shown = str(value)
                found.append(Finding(model._meta.label, pk, field.name, problem, shown[:60] + "…" * (len(shown) > 60)))
    return found


class Command(BaseCommand):
    help = "List stored values outside the bounds every input now has (too long, too large, control characters)."

    def add_arguments(self, parser):
        parser.add_argument("--app", help="one app label, e.g. finance")
        parser.add_argument("--model", help="one model name, e.g. Referral")

    def handle(self, *args, app=None, model=None, **options):
        chosen = [
            m
            for m in apps.get_models()
            if m.__module__.startswith("fugong.")
            and m.__module__ not in DERIVED_MODULES
            and (app is None or m._meta.app_label == app)
            and (model is None or m.__name__.lower() == model.lower())
        ]
        if not chosen:
            raise CommandError("No such model.")
        total = 0
        for m in chosen:
            for finding in handle_one(m):
                self.stdout.write(str(finding))
                total += 1
        summary = f"{total} bad value(s) in {len(chosen)} model(s)."
        if total:
            raise CommandError(summary)  # exit status 1, for a cron job or a deployment check
        self.stdout.write(summary)
