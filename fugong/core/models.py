import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ImportBatch(models.Model):
    """An uploaded sheet, parsed and checked, waiting for the user to save it or drop it.

    Kept in the database rather than the session so that any app server can commit it.
    """

    class State(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        COMMITTED = "committed", _("Saved")
        DISCARDED = "discarded", _("Discarded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="import_batches")
    filename = models.CharField(max_length=255)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PREVIEW)
    rows = models.JSONField(default=list)
    issues = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.filename}"
