"""Excel for the registry: export the filtered list, download the template, import with a preview."""

import io
from dataclasses import asdict

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fugong import access
from fugong.core.excel import ExtraSheet, SheetError, export_rows, read_table, write_xlsx
from fugong.core.models import ImportBatch
from fugong.enterprises import excel, selectors

BATCH_KIND = "enterprises"
ISSUES_PER_PAGE = 200
ROWS_SHOWN = 100
VALID_ACTIONS = (excel.Action.CREATE, excel.Action.UPDATE)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods,.csv"}),
    )


def _xlsx_response(content: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_http_methods(["GET"])
def enterprise_export(request):
    filters = selectors.EnterpriseFilters.from_query(request.GET)
    qs = selectors.enterprise_list(user=request.user, filters=filters)
    today = timezone.localdate()
    values = {"scope": request.user.binding, "date": today.isoformat()}
    if any(v not in ("", None) for v in asdict(filters).values()):
        subtitle = _("%(scope)s, filtered list, as of %(date)s") % values
    else:
        subtitle = _("%(scope)s, as of %(date)s") % values
    # prefetch_related works with iterator() only given a chunk size; rows stream into the writer.
    rows = export_rows(excel.COLUMNS, qs.iterator(chunk_size=2000))
    content = write_xlsx(excel.COLUMNS, rows, title=_("Enterprises"), subtitle=subtitle)
    return _xlsx_response(content, f"enterprises-{today.isoformat()}.xlsx")


@login_required
@require_http_methods(["GET"])
def enterprise_template(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    codes = ExtraSheet(
        name=_("Codes"),
        headers=[_("Kind"), _("Code"), _("Name"), _("Note")],
        rows=excel.code_sheets(request.user),
        widths=[12, 10, 40, 24],
    )
    content = write_xlsx(
        excel.COLUMNS,
        [excel.example_row(request.user)],
        title=_("Enterprise registry import"),
        subtitle=_("Fill one row per enterprise below the header; the example row is ignored."),
        sheet_name=_("Enterprises"),
        extra_sheets=[codes],
    )
    return _xlsx_response(content, "enterprise-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Read lazily: the rows are parsed, planned and stored a chunk at a time.
            table = read_table(upload, excel.COLUMNS, lazy=True)
            batch = store_preview(user=request.user, filename=upload.name[:255], table=table)
        except SheetError as e:
            form.add_error("file", e.message)
        else:
            return redirect("enterprises:import_preview", batch_id=batch.pk)
    context = {
        "form": form,
        "max_mb": f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:.3g}",
        "max_rows": settings.IMPORT_MAX_ROWS,
        "columns": excel.COLUMNS,
    }
    return render(request, "enterprises/import.html", context)


def store_preview(*, user, filename: str, table) -> ImportBatch:
    """Plan every row of the sheet and store the plan as a preview batch, a chunk of rows at a time.

    Two passes over the sheet: the first finds the credit codes on several rows (and raises SheetError
    for a sheet too long or without data, before anything is stored), the second plans and stores.
    """
    duplicates = excel.duplicate_codes(table.iter_rows())
    lookups = excel.Lookups(user)
    issues: list[dict] = []
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind=BATCH_KIND, user=user, filename=filename)
        for chunk in _chunks(table.iter_rows(), ImportBatch.CHUNK):
            planned = excel.plan_import(user=user, rows=chunk, lookups=lookups, duplicates=duplicates)
            batch.add_rows(p.as_json() for p in planned)
            issues += _issues(planned)  # sorted by row within the chunk, and chunks come in sheet order
        batch.issues = issues
        batch.save(update_fields=["issues"])
    return batch


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _issues(planned) -> list[dict]:
    order = {c.key: i for i, c in enumerate(excel.COLUMNS)}
    issues = [
        {"row": p.number, "column": key, "message": message, "value": p.raw.get(key)}
        for p in planned
        for key, message in p.errors.items()
    ]
    return sorted(issues, key=lambda i: (i["row"], order.get(i["column"], -1)))


def _own_batch(request, batch_id, *, lock: bool = False) -> ImportBatch:
    # Someone else's batch answers 404 like a missing one: batches are private to their uploader.
    if not access.can_edit_registry(request.user):
        raise Http404
    qs = ImportBatch.objects.filter(pk=batch_id, user=request.user, kind=BATCH_KIND)
    batch = (qs.select_for_update() if lock else qs).first()
    if batch is None:
        raise Http404
    return batch


def _label(key: str) -> str:
    column = excel.COLUMNS_BY_KEY.get(key)
    return str(column.label) if column else _("Row")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import_preview(request, batch_id):
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("commit", "discard"):
            raise Http404
        with transaction.atomic():
            # The lock makes a double click or a second tab wait, then find the batch no longer in preview.
            batch = _own_batch(request, batch_id, lock=True)
            if batch.state != ImportBatch.State.PREVIEW:
                messages.info(request, _("This import was already saved or discarded."))
            elif action == "discard":
                batch.state = ImportBatch.State.DISCARDED
                batch.save(update_fields=["state"])
                messages.info(request, _("The import was discarded; nothing was saved."))
            else:
                _commit(request, batch)
        return redirect("enterprises:import_preview", batch_id=batch_id)
    batch = _own_batch(request, batch_id)
    counts = dict.fromkeys((excel.Action.CREATE, excel.Action.UPDATE, excel.Action.ERROR), 0)
    counts.update(batch.action_counts())
    issues = Paginator(batch.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    for issue in issues:
        issue["label"] = _label(issue["column"])
    failed = batch.result.get("failed", [])
    for issue in failed:
        issue["label"] = _label(issue["column"])
    context = {
        "batch": batch,
        "counts": counts,
        "valid": counts[excel.Action.CREATE] + counts[excel.Action.UPDATE],
        "issues": issues,
        "valid_rows": list(batch.iter_rows(actions=VALID_ACTIONS, limit=ROWS_SHOWN)),
        "rows_shown": ROWS_SHOWN,
        "failed": failed,
        "is_preview": batch.state == ImportBatch.State.PREVIEW,
    }
    return render(request, "enterprises/import_preview.html", context)


def _commit(request, batch: ImportBatch) -> None:
    result = commit_batch(user=request.user, batch=batch)
    failed = result["failed"]
    messages.success(
        request,
        _("Saved: %(created)d created, %(updated)d updated.")
        % {"created": result["created"], "updated": result["updated"]},
    )
    if failed:
        messages.warning(
            request, _("%(n)d rows could not be saved; see below.") % {"n": len({f["row"] for f in failed})}
        )


def commit_batch(*, user, batch: ImportBatch) -> dict:
    """Save a preview batch's valid rows a chunk at a time, each chunk checked again first.

    The registry may have changed since the preview. Rows valid at the preview hold credit codes no
    other row of the sheet holds, so checking a chunk alone finds the same errors as checking all.
    """
    lookups = excel.Lookups(user)
    created = updated = 0
    unplanned: list[dict] = []
    refused: list[dict] = []
    for stored in batch.iter_row_chunks(actions=VALID_ACTIONS):
        planned = excel.plan_from_json(user=user, stored=stored, lookups=lookups)
        done = excel.commit(user=user, planned=planned)
        unplanned += [
            {"row": p.number, "column": key, "message": message}
            for p in planned
            if p.action == excel.Action.ERROR
            for key, message in p.errors.items()
        ]
        created, updated, refused = created + done.created, updated + done.updated, refused + done.failed
    batch.state = ImportBatch.State.COMMITTED
    batch.result = {"created": created, "updated": updated, "failed": unplanned + refused}
    batch.save(update_fields=["state", "result"])
    return batch.result
