"""Excel intake: a template per league and date, upload, a preview of every error and warning, commit."""

import io
from datetime import date

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
from fugong.areas.models import Area
from fugong.core import bounds
from fugong.core.excel import ExtraSheet, SheetError, export_rows, read_table, write_xlsx
from fugong.core.models import ImportBatch
from fugong.dispatch import excel, selectors
from fugong.dispatch.models import PeriodType, Status

BATCH_KINDS = {"daily": "dispatch.daily", "weekly": "dispatch.weekly"}
ISSUES_PER_PAGE = 200
ROWS_SHOWN = 100
UNMATCHED_SHOWN = 1000


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods,.csv"}),
    )
    date = forms.DateField(
        label=gettext_lazy("Date of the reports"),
        help_text=gettext_lazy("Used for rows without a date of their own."),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )
    period_type = forms.ChoiceField(
        label=gettext_lazy("Reports"),
        choices=PeriodType.choices,
        initial=PeriodType.DAILY,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _day(raw: str | None, today: date) -> date:
    return min(bounds.lenient_date_param(raw, "date") or today, today)


def _leagues(user):
    return access.visible_areas(user).filter(level=Area.Level.LEAGUE).order_by("code")


@login_required
@require_http_methods(["GET"])
def report_template(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    today = timezone.localdate()
    kind = excel.kind_of(request.GET.get("period_type", "daily"))
    period = excel.period_for(kind, _day(request.GET.get("date"), today))
    league = request.GET.get("league", "").strip()
    if league and not _leagues(request.user).filter(code=league).exists():
        raise Http404
    due = selectors.due_enterprises(user=request.user, period_type=kind.period_type, league=league)
    enterprises = list(due.select_related("county").order_by("county_id", "name", "pk"))
    rows = excel.template_rows(kind=kind, enterprises=enterprises, period=period)
    scope = Area.objects.get(code=league).display_name if league else request.user.binding
    if kind.name == "weekly":
        title = _("Weekly reports, week starting %(date)s") % {"date": period.isoformat()}
    else:
        title = _("Daily reports of %(date)s") % {"date": period.isoformat()}
    statuses = ExtraSheet(
        name=_("Codes"),
        headers=[_("Status"), _("Also accepted")],
        rows=excel.status_sheet_rows(),
        widths=[16, 50],
    )
    content = write_xlsx(
        excel.COLUMNS,
        export_rows(excel.COLUMNS, rows),
        title=f"{title}　{scope}",
        subtitle=_("Prefilled with the last figures; correct each row and upload the file."),
        sheet_name=_("Reports"),
        extra_sheets=[statuses],
    )
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"reports-{kind.name}-{league or 'all'}-{period.isoformat()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    today = timezone.localdate()
    form = UploadForm(request.POST or None, request.FILES or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], excel.kind_of(form.cleaned_data["period_type"])
        try:
            table = read_table(upload, excel.COLUMNS)
            excel.check_columns(table)
        except SheetError as e:
            form.add_error("file", e.message)
        else:
            with transaction.atomic():
                planned = excel.plan_import(
                    user=request.user, kind=kind, rows=table.rows, default_date=form.cleaned_data["date"]
                )
                batch = ImportBatch.objects.create(
                    kind=BATCH_KINDS[kind.name],
                    user=request.user,
                    filename=upload.name[:255],
                    rows=[p.as_json() for p in planned],
                    issues=_issues(planned),
                )
            return redirect("dispatch:excel_preview", batch_id=batch.pk)
    context = {
        "form": form,
        "max_mb": f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:.3g}",
        "max_rows": settings.IMPORT_MAX_ROWS,
        "columns": excel.COLUMNS,
        "leagues": _leagues(request.user),
        "today": today,
    }
    return render(request, "dispatch/excel_upload.html", context)


def _issues(planned) -> list[dict]:
    order = {c.key: i for i, c in enumerate(excel.COLUMNS)}
    issues = [
        {"row": p.number, "column": key, "level": "error", "message": message, "value": p.raw.get(key)}
        for p in planned
        for key, message in p.errors.items()
    ]
    issues += [
        {
            "row": p.number,
            "column": w["column"],
            "level": "warning",
            "message": w["message"],
            "value": p.raw.get(w["column"]),
        }
        for p in planned
        if p.action in excel.Action.SAVED
        for w in p.warnings
    ]
    # Errors first within a row, then by column in sheet order.
    return sorted(issues, key=lambda i: (i["row"], i["level"] != "error", order.get(i["column"], -1)))


def _own_batch(request, batch_id, *, lock: bool = False) -> ImportBatch:
    # Someone else's batch answers 404 like a missing one: batches are private to their uploader.
    if not access.can_edit_registry(request.user):
        raise Http404
    qs = ImportBatch.objects.filter(pk=batch_id, user=request.user, kind__in=BATCH_KINDS.values())
    batch = (qs.select_for_update() if lock else qs).first()
    if batch is None:
        raise Http404
    return batch


def _kind(batch: ImportBatch):
    return excel.kind_of(batch.kind.removeprefix("dispatch."))


def _label(key: str) -> str:
    column = excel.COLUMNS_BY_KEY.get(key)
    return str(column.label) if column else _("Row")


@login_required
@require_http_methods(["GET", "POST"])
def report_preview(request, batch_id):
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
        return redirect("dispatch:excel_preview", batch_id=batch_id)
    batch = _own_batch(request, batch_id)
    counts = dict.fromkeys(
        (excel.Action.CREATE, excel.Action.UPDATE, excel.Action.UNCHANGED, excel.Action.ERROR)
        + (excel.Action.UNMATCHED, excel.Action.BLANK),
        0,
    )
    for item in batch.rows:
        counts[item["action"]] += 1
    issues = Paginator(batch.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    for issue in issues:
        issue["label"] = _label(issue["column"])
    failed = batch.result.get("failed", [])
    for issue in failed:
        issue["label"] = _label(issue["column"])
    valid_rows = [item for item in batch.rows if item["action"] in excel.Action.VALID][:ROWS_SHOWN]
    for item in valid_rows:
        item["status_label"] = Status(item["values"]["status"]).label
    context = {
        "batch": batch,
        "kind": _kind(batch),
        "counts": counts,
        "valid": counts[excel.Action.CREATE] + counts[excel.Action.UPDATE],
        "warnings": sum(1 for i in batch.issues if i["level"] == "warning"),
        "issues": issues,
        "unmatched": [item for item in batch.rows if item["action"] == excel.Action.UNMATCHED][:UNMATCHED_SHOWN],
        "unmatched_shown": UNMATCHED_SHOWN,
        "valid_rows": valid_rows,
        "rows_shown": ROWS_SHOWN,
        "failed": failed,
        "is_preview": batch.state == ImportBatch.State.PREVIEW,
    }
    return render(request, "dispatch/excel_preview.html", context)


def _commit(request, batch: ImportBatch) -> None:
    result = excel.commit(user=request.user, kind=_kind(batch), stored=batch.rows)
    batch.state = ImportBatch.State.COMMITTED
    batch.result = result.as_json()
    batch.save(update_fields=["state", "result"])
    # The page it redirects to shows the result and the rows that could not be saved.
