"""Attachments of a problem: images, PDF and Excel, recognised by their first bytes, never by their name.

Files live under settings.PRIVATE_MEDIA_ROOT, outside the static files, and are served only by the gated
view problems:attachment.
"""

import io
import uuid
import zipfile
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.problems.models import Attachment, Problem, TimelineEntry

# kind -> (content type, the extensions a file of that kind may carry)
KINDS = {
    "png": ("image/png", {".png"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "gif": ("image/gif", {".gif"}),
    "webp": ("image/webp", {".webp"}),
    "pdf": ("application/pdf", {".pdf"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "xls": ("application/vnd.ms-excel", {".xls"}),
}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"PK\x03\x04")


def sniff(head: bytes, content: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        # A zip is Excel only if it holds a workbook; a .jar or any other zip is refused.
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        return "xlsx" if "xl/workbook.xml" in names else None
    return None


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def check(name: str, content: bytes) -> str:
    """The kind of an upload, or a ValidationError that says what is wrong with it."""
    limit = max_bytes()
    if len(content) > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}]})
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    kind = sniff(content[:16], content)
    if kind is None:
        if content.startswith(EXECUTABLE_MAGIC):
            raise ValidationError({"file": [_("Programs and archives cannot be attached.")]})
        raise ValidationError({"file": [_("Attach an image (PNG, JPEG, GIF, WebP), a PDF or an Excel file.")]})
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS[kind][1]:
        raise ValidationError(
            {
                "file": [
                    _("The file is a %(kind)s but its name ends in “%(suffix)s”.")
                    % {"kind": kind.upper(), "suffix": suffix or "—"}
                ]
            }
        )
    return kind


def attachment_add(*, actor: User | None, problem: Problem, name: str, content: bytes) -> Attachment:
    kind = check(name, content)
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    relative = f"problems/{problem.pk}/{uuid.uuid4().hex}{sorted(KINDS[kind][1])[0]}"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                problem=problem,
                path=relative,
                original_name=Path(name).name[:200],
                content_type=KINDS[kind][0],
                size=len(content),
                uploaded_by=actor,
            )
            TimelineEntry.objects.create(
                problem=problem,
                at=attachment.uploaded_at,
                actor=actor,
                action="attach",
                from_state=problem.state,
                to_state=problem.state,
                detail={"file": attachment.original_name, "size": len(content)},
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return attachment


class Stored(Protocol):
    path: str  # relative to settings.PRIVATE_MEDIA_ROOT


def path_of(attachment: Stored) -> Path:
    """Where a stored file lies, refusing any path that would leave the private root."""
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / attachment.path).resolve()
    if root not in path.parents:
        raise ValidationError("attachment outside the private root")
    return path
