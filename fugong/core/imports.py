"""One import flow for every Excel importer: upload, preview (a dry run of the saving service), commit or discard.

An importer plugs in by subclassing `Importer` and setting or overriding:

    kind           ImportBatch.kind of its batches, e.g. "enterprises" or "dispatch.daily"
    columns        the Column specs the sheet is read with (fugong.core.excel)
    counted        (action, label) pairs: the counts the preview shows, in this order
    writes         the actions that change something: the rows the save button counts
    committed      the actions handed to commit_chunk (writes, plus any it only counts)
    optional       {action: label} of rows saved only when the user ticks them at commit
    refused        the actions of rows that are not saved (errors); they turn the counts red
    template       its preview page: extends "core/import_preview.html" and fills its row blocks
    plan_chunk()   a chunk of parsed rows -> one JSON-safe dict per row, with at least "row", "action",
                   "raw" and "errors" ({column key: message}); "warnings" ([{"column", "message"}]) if
                   any, and whatever commit_chunk needs. It saves nothing: a dry run of the service.
    commit_chunk() the stored dicts of the committed actions -> {"<count>": n, ..., "failed": [...]},
                   each failure {"row", "column", "message"}; counts are summed over the chunks
    scan()         optional first pass over the whole sheet, for what one chunk cannot see alone (a key
                   on two rows, how a column writes its numbers); its answer is given to plan_chunk.
                   `scan_keys` limits the columns that pass parses (the rest stay raw), to keep it quick
    check_table()  optional: refuse (SheetError) a sheet whose header is not of this kind
    display()      optional: add to the stored dicts of one page of rows what its row blocks show

The sheet is read lazily and planned, stored and committed ImportBatch.CHUNK rows at a time, so a large
sheet is never held whole. Every state change of a batch goes through batch_preview, batch_commit or
batch_discard, which record who and when; a batch once saved or discarded is never saved again.
A batch of IMPORT_BACKGROUND_ROWS rows to save or more is saved by a task (fugong/core/tasks.py), still in
one transaction, while its page polls for the progress (batch_commit_start); a smaller one within the request.
Both go through batch_commit.

An app's views use the helpers at the bottom: upload_to_preview and upload_context in its upload view (after
its access gate), and preview_view(gate=..., ...) as its preview view.
"""

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fugong.core.excel import Column, Row, SheetError, Table, read_table
from fugong.core.models import ImportBatch

ISSUES_PER_PAGE = 200
ROWS_PER_PAGE = 100


class Importer:
    kind: str = ""
    columns: Sequence[Column] = ()
    counted: Sequence[tuple[str, Any]] = ()
    writes: tuple[str, ...] = ()
    committed: tuple[str, ...] = ()
    optional: dict[str, Any] = {}
    scan_keys: set[str] | None = None
    refused: tuple[str, ...] = ("error",)
    template: str = "core/import_preview.html"

    # Every importer made, so that a task worker finds a batch's importer by its kind (importer_of).
    made: ClassVar[list["Importer"]] = []

    def __new__(cls, *_args, **_kwargs):
        importer = super().__new__(cls)
        Importer.made.append(importer)
        return importer

    def check_table(self, table: Table) -> None:
        return None

    def scan(self, *, user, rows: Iterable[Row], options: dict) -> Any:
        # The default still reads the sheet once first, so that a sheet too long or without data is
        # refused (SheetError) before anything is stored.
        for _row in rows:
            pass
        return None

    def plan_chunk(self, *, user, rows: list[Row], scan: Any, options: dict) -> list[dict]:
        raise NotImplementedError

    def commit_chunk(self, *, user, rows: list[dict]) -> dict:
        raise NotImplementedError

    def display(self, rows: list[dict]) -> None:
        return None

    def label(self, key: str) -> str:
        """A column's header in the user's language; "Row" for an issue about the row as a whole."""
        for column in self.columns:
            if column.key == key:
                return str(column.label)
        return _("Row")


def chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- Services: every state change of a batch ---------------------------------------------------


def batch_preview(*, importer: Importer, user, filename: str, table: Table, options: dict | None = None) -> ImportBatch:
    """Plan every row of the sheet and store the plan as a preview batch, a chunk at a time; nothing else is saved.

    Raises SheetError (and stores nothing) for a sheet too long or without data.
    """
    options = options or {}
    importer.check_table(table)
    scanned = importer.scan(user=user, rows=table.iter_rows(importer.scan_keys), options=options)
    order = {c.key: i for i, c in enumerate(importer.columns)}
    issues: list[dict] = []
    counts: dict[str, int] = {}
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=importer.kind, user=user, filename=filename[:255])
        for chunk in chunks(table.iter_rows(), ImportBatch.CHUNK):
            planned = importer.plan_chunk(user=user, rows=chunk, scan=scanned, options=options)
            batch.add_rows(planned)
            for p in planned:
                counts[p["action"]] = counts.get(p["action"], 0) + 1
            found = _issues(importer, planned)
            # Chunks come in sheet order, so sorting within each keeps the whole list sorted.
            issues += sorted(found, key=lambda i: (i["row"], i["level"] != "error", order.get(i["column"], -1)))
        batch.issues, batch.counts = issues, counts
        batch.save(update_fields=["issues", "counts"])
    return batch


def _issues(importer: Importer, planned: list[dict]) -> list[dict]:
    found = [
        {"row": p["row"], "column": key, "level": "error", "message": message, "value": p["raw"].get(key)}
        for p in planned
        for key, message in p["errors"].items()
    ]
    found += [
        {
            "row": p["row"],
            "column": w["column"],
            "level": "warning",
            "message": w["message"],
            "value": p["raw"].get(w["column"]),
        }
        for p in planned
        if p["action"] in importer.writes
        for w in p.get("warnings", ())
    ]
    return found


def batch_commit(
    *,
    importer: Importer,
    batch: ImportBatch,
    user,
    include: Iterable[str] = (),
    state: str = ImportBatch.State.PREVIEW,
    progress: Callable[[int], None] | None = None,
) -> bool:
    """Save a preview batch, a chunk at a time, in one transaction; False when it was no longer a preview.

    The lock makes a double click or a second tab wait, then find the batch saved: nothing happens twice.
    `include` names optional actions (importer.optional) the user chose to save as well. A task saves a batch
    in `state` SAVING, and is told through `progress` how many rows are done after each chunk.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != state:
            return False
        actions = _actions(importer, include)
        totals: dict[str, Any] = {}
        failed: list[dict] = []
        rows_done = 0
        for stored in batch.iter_row_chunks(actions=actions):
            done = dict(importer.commit_chunk(user=user, rows=stored))
            failed += done.pop("failed", [])
            for key, n in done.items():
                totals[key] = totals.get(key, 0) + n
            rows_done += len(stored)
            if progress is not None:
                progress(rows_done)
        totals["failed"] = sorted(failed, key=lambda f: f["row"])
        _decide(batch, user, ImportBatch.State.COMMITTED, result=totals)
    return True


def _actions(importer: Importer, include: Iterable[str]) -> tuple[str, ...]:
    return (*importer.committed, *(a for a in include if a in importer.optional))


def rows_to_save(importer: Importer, batch: ImportBatch, include: Iterable[str] = ()) -> int:
    counts = batch.counts or batch.action_counts()
    return sum(counts.get(a, 0) for a in _actions(importer, include))


def batch_commit_start(*, importer: Importer, batch: ImportBatch, user, include: Iterable[str] = ()) -> str:
    """Save a preview batch: "saved" when done within the request (a small one), "started" when a task saves it
    (IMPORT_BACKGROUND_ROWS rows or more), "" when it was no longer a preview.

    The batch turns SAVING in the same transaction as the task is enqueued, so a second click finds it taken,
    and the worker cannot see the task before the batch is SAVING.
    """
    include = [a for a in include if a in importer.optional]
    total = rows_to_save(importer, batch, include)
    if total < settings.IMPORT_BACKGROUND_ROWS:
        return "saved" if batch_commit(importer=importer, batch=batch, user=user, include=include) else ""
    from fugong.core.tasks import commit_import  # the task module imports this one

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.PREVIEW:
            return ""
        # The language too: rows refused at the save are told in the language of the user who saved.
        batch.state = ImportBatch.State.SAVING
        batch.result = {"include": include, "total": total, "language": translation.get_language()}
        batch.save(update_fields=["state", "result"])
        set_progress(batch.pk, 0, total)
        commit_import.enqueue(batch_id=str(batch.pk), module=type(importer).__module__, user_id=user.pk)
    return "started"


def batch_commit_run(*, batch_id: str, module: str, user_id: int) -> dict:
    """The task's work: save a SAVING batch, all or nothing, writing its progress as it goes.

    On any error nothing is saved: the batch is a preview again, carrying the error for its page, and the
    error is raised again so that the task is recorded as failed.
    """
    batch = ImportBatch.objects.get(pk=batch_id)
    importer = importer_of(module, batch.kind)
    user = get_user_model().objects.get(pk=user_id)
    include, total = batch.result.get("include", []), batch.result.get("total", 0)
    try:
        with translation.override(batch.result.get("language") or settings.LANGUAGE_CODE):
            saved = batch_commit(
                importer=importer,
                batch=batch,
                user=user,
                include=include,
                state=ImportBatch.State.SAVING,
                progress=lambda n: set_progress(batch.pk, n, total),
            )
    except Exception as e:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.SAVING).update(
                state=ImportBatch.State.PREVIEW, result={"error": str(e) or type(e).__name__}
            )
        raise
    return {"saved": saved, "rows": total}


def importer_of(module: str, kind: str) -> Importer:
    """The importer of a batch's kind, made by `module` (imported here: a worker has not imported it yet)."""
    importlib.import_module(module)
    for importer in Importer.made:
        if importer.kind == kind and type(importer).__module__ == module:
            return importer
    raise LookupError(f"no importer of kind {kind!r} in {module}")


def _progress_key(batch_id) -> str:
    return f"import-progress-{batch_id}"


def set_progress(batch_id, done: int, total: int) -> None:
    # Written outside the database: the task's transaction keeps everything it writes there out of sight.
    caches["progress"].set(_progress_key(batch_id), {"done": done, "total": total})


def get_progress(batch_id) -> dict | None:
    return caches["progress"].get(_progress_key(batch_id))


def batch_discard(*, batch: ImportBatch, user) -> bool:
    """Drop a preview batch; False when it was no longer a preview."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.PREVIEW:
            return False
        _decide(batch, user, ImportBatch.State.DISCARDED)
    return True


def _decide(batch: ImportBatch, user, state: str, result: dict | None = None) -> None:
    batch.state, batch.decided_by, batch.decided_at = state, user, timezone.now()
    fields = ["state", "decided_by", "decided_at"]
    if result is not None:
        batch.result = result
        fields.append("result")
    batch.save(update_fields=fields)


# --- View helpers: called by each app's views after its access gate ----------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods,.csv"}),
    )


def upload_to_preview(request, form, *, importer: Importer, url_name: str, options: dict | None = None):
    """Read the form's "file" and store its preview: a redirect to the preview, or None with the error on the form."""
    upload = form.cleaned_data["file"]
    try:
        table = read_table(upload, importer.columns, lazy=True)
        batch = batch_preview(importer=importer, user=request.user, filename=upload.name, table=table, options=options)
    except SheetError as e:
        form.add_error("file", e.message)
        return None
    return redirect(url_name, batch_id=batch.pk)


def upload_context(form, columns: Sequence[Column], *, cancel: str) -> dict:
    """What every upload page (core/import_upload.html) shows: the form, its limits, the columns a sheet may
    hold; `cancel` names the URL its cancel button goes back to."""
    return {
        "form": form,
        "cancel": cancel,
        "max_mb": f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:.3g}",
        "max_rows": settings.IMPORT_MAX_ROWS,
        "columns": [c for c in columns if not c.hidden],
    }


def preview_view(*, gate: Callable[[Any], bool], importers: Sequence[Importer], upload_url_name: str):
    """The preview page of an app's batches as a view; `gate(user)` (from fugong.access) says who may import."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, batch_id):
        if not gate(request.user):
            raise Http404
        return preview_page(request, importers=importers, batch_id=batch_id, upload_url=reverse(upload_url_name))

    return view


def own_batch(user, importers: Sequence[Importer], batch_id) -> tuple[ImportBatch, Importer]:
    # Someone else's batch answers 404 like a missing one: batches are private to their uploader.
    by_kind = {i.kind: i for i in importers}
    batch = ImportBatch.objects.filter(pk=batch_id, user=user, kind__in=list(by_kind)).first()
    if batch is None:
        raise Http404
    return batch, by_kind[batch.kind]


ROW_FILTER = "rows"
PROGRESS = "progress"


def progress_partial(request, batch: ImportBatch) -> HttpResponse:
    """The progress bar of a batch being saved, polled by its page; once saved (or failed), the page reloads."""
    # A poll is not the user at work: it neither extends the idle sign-out (SESSION_SAVE_EVERY_REQUEST) nor
    # writes, which on SQLite would wait for the task's own transaction and leave the bar still until the end.
    request.session.save = lambda *_args, **_kwargs: None
    if batch.state != ImportBatch.State.SAVING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "core/_import_progress.html", {"batch": batch, "progress": progress_of(batch)})


def progress_of(batch: ImportBatch) -> dict:
    """How far the saving of a batch is: done and total rows, and the percent (None while unknown)."""
    total = batch.result.get("total", 0)
    known = get_progress(batch.pk)
    done = min(known["done"], total) if known else None
    percent = None if done is None or not total else int(100 * done / total)
    return {"done": done, "total": total, "percent": percent}


def preview_page(request, *, importers: Sequence[Importer], batch_id, upload_url: str, context: dict | None = None):
    """The preview of a batch (GET), or its commit or discard (POST, then back to the page)."""
    batch, importer = own_batch(request.user, importers, batch_id)
    if request.method == "GET" and PROGRESS in request.GET:
        return progress_partial(request, batch)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "commit":
            done = bool(
                batch_commit_start(
                    importer=importer, batch=batch, user=request.user, include=request.POST.getlist("include")
                )
            )
        elif action == "discard":
            done = batch_discard(batch=batch, user=request.user)
            if done:
                messages.info(request, _("The import was discarded; nothing was saved."))
        else:
            raise Http404
        if not done:
            messages.info(request, _("This import was already saved or discarded."))
        return redirect(request.path)
    counts = dict.fromkeys((a for a, _label in importer.counted), 0)
    counts.update(batch.counts or batch.action_counts())
    refused = sum(counts.get(a, 0) for a in importer.refused)
    for issue in (issues := Paginator(batch.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))):
        issue["label"] = importer.label(issue["column"])
    failed = batch.result.get("failed", [])
    for issue in failed:
        issue["label"] = importer.label(issue["column"])
    shown = request.GET.get(ROW_FILTER, "")
    rows = batch.row_set.order_by("pk")
    if shown in counts:
        rows = rows.filter(action=shown)
    paginator = Paginator(rows.values_list("data", flat=True), ROWS_PER_PAGE)
    paginator.count = counts[shown] if shown in counts else sum(counts.values())  # known: no COUNT query
    page = paginator.get_page(request.GET.get("rows_page"))
    labels = dict(importer.counted)
    page.object_list = list(page.object_list)  # annotated below, then read by the template
    for data in page:
        data["action_label"] = labels.get(data["action"], data["action"])
    importer.display(page.object_list)
    return render(
        request,
        importer.template,
        {
            "batch": batch,
            "importer": importer,
            "counts": counts,
            "count_cards": [(a, labels[a], counts.get(a, 0), a in importer.refused) for a in labels],
            "count_col": "col-sm-4" if len(labels) <= 3 else "col-6 col-md-3 col-xl",
            "action_labels": labels,
            "valid": sum(counts.get(a, 0) for a in importer.writes),
            "refused": refused,
            "optional": [(a, label, counts.get(a, 0)) for a, label in importer.optional.items() if counts.get(a)],
            "warnings": sum(1 for i in batch.issues if i["level"] == "warning"),
            "issues": issues,
            "rows": page,
            "rows_shown": shown if shown in counts else "",
            "failed": failed,
            "is_preview": batch.state == ImportBatch.State.PREVIEW,
            "saving": batch.state == ImportBatch.State.SAVING,
            "progress": progress_of(batch) if batch.state == ImportBatch.State.SAVING else None,
            "error": batch.result.get("error") if batch.state == ImportBatch.State.PREVIEW else None,
            "upload_url": upload_url,
            **(context or {}),
        },
    )
