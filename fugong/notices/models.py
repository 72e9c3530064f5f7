from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.core.fields import EncryptedCharField, PhoneIndexField


class Notice(models.Model):
    """One message in one user's inbox. Reach is measured by `read_at`, not by what was sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["kind", "link"])]

    def __str__(self):
        return self.text[:40]


class SmsMessage(models.Model):
    """An SMS handed to the sender. A sender that only records (development, tests, no gateway) leaves it
    `recorded`: counted as recorded, never as sent."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded (not sent)")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("sms", "Failed")

    phone = EncryptedCharField(max_length=20)
    phone_hash = PhoneIndexField(source="phone")
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")

    def __str__(self):
        return f"{self.phone[-4:]} {self.kind}"
