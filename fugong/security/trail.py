"""Writing and verifying the audit trail.

Each entry's hash is H(previous hash | canonical JSON of its fields), H being SM3 or SHA-256 (settings.AUDIT_HASH;
the algorithm is written in front of every hash, so a change of setting never breaks the chain). Entries are
numbered by `seq` under a lock (an advisory transaction lock on PostgreSQL; SQLite's write transactions are
already exclusive), so two writers can never fork the chain. Within a request the entries wait in the request's
scope and go in with one INSERT, inside the request's transaction (fugong/security/middleware.py).
"""

import hashlib
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fugong.security.models import AuditAnchor, AuditEntry, Scope, current_scope

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "fugong audit" as a number.
LOCK_KEY = 0x6675676F6E67


def algorithm() -> str:
    name = getattr(settings, "AUDIT_HASH", "sha256")
    return name if name in ("sm3", "sha256") else "sha256"


def digest(name: str, data: bytes) -> str:
    return hashlib.new(name, data).hexdigest()


FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "role",
    "ip",
    "action",
    "model",
    "object_id",
    "summary",
    "enterprise_id",
    "path",
    "detail",
)


def canonical(values: dict) -> bytes:
    row = {name: values.get(name) for name in FIELDS}
    at = row["at"]
    if isinstance(at, datetime):
        row["at"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, values: dict, name: str | None = None) -> str:
    """The hash of one entry: "<algorithm>:<hex>", over the previous hash and the entry's fields."""
    name = name or algorithm()
    if name not in ("sm3", "sha256"):
        return ""
    return f"{name}:{digest(name, prev_hash.encode() + b'|' + canonical(values))}"


def _json_safe(detail) -> dict:
    return json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))


def _who(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user_id": None, "username": "", "role": ""}
    return {"user_id": user.pk, "username": user.get_username()[:150], "role": (user.role or "")[:12]}


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def note(
    action: str,
    *,
    user=None,
    username: str = "",
    model: str = "",
    object_id="",
    summary: str = "",
    enterprise_id: int | None = None,
    detail: dict | None = None,
) -> None:
    """Record one act: into the current request's entries, or at once when no request is being served."""
    scope = current_scope.get()
    request = scope.request if scope is not None else None
    who = _who(user if user is not None else getattr(request, "user", None))
    if username and not who["username"]:
        who["username"] = username[:150]
    entry = {
        "at": timezone.now(),
        **who,
        "ip": client_ip(request),
        "action": action,
        "model": model[:80],
        "object_id": str(object_id)[:64],
        "summary": summary[:200],
        "enterprise_id": enterprise_id,
        "path": request.get_full_path()[:300] if request is not None else "",
        "detail": _json_safe(detail),
    }
    if scope is not None and scope.buffer is not None:
        scope.buffer.append(entry)
    else:
        write([entry])


@contextmanager
def batch():
    """Outside a request (a command, the demo build): keep the entries and write them in one go at the end, inside
    the caller's transaction when the caller holds one."""
    if current_scope.get() is not None:
        yield
        return
    scope = Scope()
    scope.buffer = []
    token = current_scope.set(scope)
    try:
        yield
        write(scope.buffer)
    finally:
        current_scope.reset(token)


def _head() -> tuple[int, str]:
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        return last
    anchor = AuditAnchor.objects.order_by("-through_seq").values_list("through_seq", "last_hash").first()
    return anchor if anchor is not None else (0, GENESIS)


def write(entries: list[dict]) -> None:
    """Chain and insert entries: a lock, a read of the chain's head and one INSERT."""
    if not entries:
        return
    # Inside the request's (or a service's) transaction no savepoint is needed: a failed INSERT fails the act.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        seq, prev = _head()
        rows = []
        for values in entries:
            seq += 1
            values = {**values, "seq": seq}
            digest_ = chain_hash(prev, values)
            rows.append(AuditEntry(**values, prev_hash=prev, hash=digest_))
            prev = digest_
        AuditEntry.objects.bulk_create(rows)


# ---- Verification --------------------------------------------------------------------------------------------


@dataclass
class Break:
    seq: int
    reason: str


def values_of(entry: AuditEntry) -> dict:
    return {name: getattr(entry, name) for name in FIELDS}


def verify_rows(rows: Iterable[AuditEntry], *, start_seq: int, start_hash: str) -> tuple[int, Break | None]:
    """(entries checked, the first broken link or None)."""
    expected_seq, prev, count = start_seq, start_hash, 0
    for entry in rows:
        count += 1
        expected_seq += 1
        if entry.seq != expected_seq:
            return count, Break(entry.seq, f"entry {expected_seq} is missing (found {entry.seq} next)")
        if entry.prev_hash != prev:
            return count, Break(entry.seq, "its link to the entry before does not match")
        if chain_hash(prev, values_of(entry), entry.hash.split(":", 1)[0]) != entry.hash:
            return count, Break(entry.seq, "its content does not match its hash (altered)")
        prev = entry.hash
    return count, None


def verify() -> tuple[int, Break | None]:
    """(entries checked, the first broken link or None), from the latest archive anchor to the head."""
    anchor = AuditAnchor.objects.order_by("-through_seq").first()
    start_seq, start_hash = (anchor.through_seq, anchor.last_hash) if anchor else (0, GENESIS)
    rows = AuditEntry.objects.filter(seq__gt=start_seq).order_by("seq").iterator(chunk_size=2000)
    return verify_rows(rows, start_seq=start_seq, start_hash=start_hash)
