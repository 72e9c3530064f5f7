"""Excel for the registry: export the filtered list, download the template, import with a preview."""

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fugong import access
from fugong.core import imports
from fugong.core.excel import ExtraSheet, export_rows, write_xlsx, xlsx_response
from fugong.enterprises import excel, selectors


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
    return xlsx_response(content, f"enterprises-{today.isoformat()}.xlsx")


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
    return xlsx_response(content, "enterprise-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    form = imports.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = imports.upload_to_preview(request, form, importer=excel.IMPORTER, url_name="enterprises:import_preview")
        if done is not None:
            return done
    return render(
        request, "enterprises/import.html", imports.upload_context(form, excel.COLUMNS, cancel="enterprises:list")
    )


enterprise_import_preview = imports.preview_view(
    gate=access.can_edit_registry, importers=[excel.IMPORTER], upload_url_name="enterprises:import"
)
