"""Level-3 protection (等保三级): the audit trail, second factors and tracked sessions.

The audit trail is append-only and chained: each entry's hash covers its own fields and the hash of the
entry before it (fugong/security/trail.py), and the database refuses to update or delete an entry
(triggers in migration 0002). Nothing here is written by the apps themselves: model signals and the request
middleware record every write, sign-in, export and download generically.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    LINK = "link", _("Links changed")
    EXPORT = "export", _("Exported or downloaded")
    PERSONAL = "personal", _("Viewed personal data")
    ADMIN = "admin", _("Administrative act")
    REFUSED = "refused", pgettext_lazy("audit", "Refused")


class AuditEntry(models.Model):
    """Who did what, when, from where. Never updated, never deleted before it is archived."""

    seq = models.BigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("when"), db_index=True)
    # The user as they were: a number and a name, not a foreign key (the entry outlives the account).
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=12, blank=True)
    ip = models.CharField(_("address"), max_length=45, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices, db_index=True)
    model = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    enterprise_id = models.BigIntegerField(_("enterprise id"), null=True, blank=True, db_index=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=80)
    hash = models.CharField(max_length=80)

    class Meta:
        ordering = ["-seq"]
        # Spraying is counted per address over the last minutes (middleware.SprayLockMiddleware).
        indexes = [models.Index(fields=["ip", "at"], name="security_audit_ip_at")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.model} {self.object_id}"


class AuditAnchor(models.Model):
    """Where the live chain starts after older entries went to an archive file (manage.py audit_archive)."""

    through_seq = models.BigIntegerField(unique=True)
    last_hash = models.CharField(max_length=80)
    file = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    count = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-through_seq"]


class TotpDevice(models.Model):
    """An authenticator app (RFC 6238), confirmed once the user typed a first code from it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code is good once (no replay within its 30 seconds).
    last_step = models.BigIntegerField(default=0)

    def __str__(self):
        return f"TOTP {self.user_id}"


class RecoveryCode(models.Model):
    """One-time codes for a lost phone; only their SHA-256 is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"recovery {self.user_id}"


class UserSession(models.Model):
    """A signed-in browser: listed on the user's settings and the security administrator's pages, endable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"session {self.user_id} {self.ip}"


# ---- The request being served ------------------------------------------------------------------------------
# The audit middleware opens a scope per request; model signals, the sign-in signals and the access gates that
# unmask personal data add to it, and the middleware writes its entries in one INSERT before the request's
# transaction commits. Kept here, at the models layer, so that fugong/access.py can mark what it unmasks.


class Scope:
    def __init__(self, request=None):
        self.request = request
        self.buffer: list[dict] | None = None  # None: entries are written at once
        self.personal: set[tuple[str, str]] = set()


current_scope: ContextVar[Scope | None] = ContextVar("fugong_audit_scope", default=None)


def note_personal(kind: str, key) -> None:
    """An access gate unmasked personal data (a phone, a contact) of an enterprise or a league for this request."""
    scope = current_scope.get()
    if scope is not None:
        scope.personal.add((kind, str(key)))
