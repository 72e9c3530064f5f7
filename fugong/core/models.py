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
        # Being saved by a task (fugong/core/tasks.py): the page shows its progress, nobody can save it twice.
        SAVING = "saving", _("Saving")
        COMMITTED = "committed", _("Saved")
        DISCARDED = "discarded", _("Discarded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="import_batches")
    filename = models.CharField(max_length=255)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PREVIEW)
    issues = models.JSONField(default=list)
    counts = models.JSONField(default=dict)  # rows by planned action, kept so a page view need not count them
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who saved or discarded the preview, and when (fugong.core.imports.batch_commit / batch_discard).
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    # The rows live in ImportRow, one database row each, written and read in chunks: a 100,000-row
    # sheet as one JSON document cost several copies of itself in memory at once.
    CHUNK = 2000

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.filename}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        pending, self._pending_rows = getattr(self, "_pending_rows", None), None
        if pending is not None:
            if not adding:
                self.row_set.all().delete()
            self.add_rows(pending)

    _rows_cache: list[dict] | None  # the stored rows, read once

    @property
    def rows(self) -> list[dict]:
        """Every stored row, in sheet order, read once (for small batches; large ones use iter_rows)."""
        pending = getattr(self, "_pending_rows", None)
        if pending is not None:
            return list(pending)
        if self._state.adding:
            return []
        cache = getattr(self, "_rows_cache", None)
        if cache is None:
            cache = self._rows_cache = list(self.iter_rows())
        return cache

    @rows.setter
    def rows(self, rows) -> None:
        # Written by save(), so ImportBatch.objects.create(rows=...) stores them with the batch.
        self._pending_rows = rows
        self._rows_cache = None

    def add_rows(self, rows) -> int:
        """Store rows (dicts with at least "row" and "action") in chunks; returns how many."""
        count, chunk = 0, []
        for item in rows:
            chunk.append(ImportRow(batch=self, number=item["row"], action=item["action"], data=item))
            if len(chunk) >= self.CHUNK:
                ImportRow.objects.bulk_create(chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            ImportRow.objects.bulk_create(chunk)
            count += len(chunk)
        return count

    def iter_rows(self, *, actions=None, limit: int | None = None):
        """The stored rows as dicts, in the order stored, fetched a chunk at a time."""
        qs = self.row_set.order_by("pk")  # as stored: in the plan's order
        if actions is not None:
            qs = qs.filter(action__in=list(actions))
        if limit is not None:
            qs = qs[:limit]
        yield from qs.values_list("data", flat=True).iterator(chunk_size=self.CHUNK)

    def iter_row_chunks(self, *, actions=None):
        """The stored rows in lists of at most CHUNK, in sheet order."""
        chunk = []
        for item in self.iter_rows(actions=actions):
            chunk.append(item)
            if len(chunk) >= self.CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def action_counts(self) -> dict[str, int]:
        return dict(self.row_set.values_list("action").annotate(n=models.Count("pk")).order_by())


class ImportRow(models.Model):
    """One row of an import batch as planned at the preview: its sheet row, its action, what commit needs."""

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="row_set")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    data = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["batch", "action"])]

    def __str__(self):
        return f"{self.batch_id} row {self.number}"
