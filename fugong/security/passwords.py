"""Password rules of level 3, and what a password change does to the user's other ways in."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fugong.security import services


def repeated_pattern(password: str) -> bool:
    """A password made of one short piece repeated (abcabcabc, Aa1!Aa1!) or holding a run of one character (aaaa)."""
    text = password.lower()
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    return re.search(r"(.)\1{3,}", text) is not None


class NoUsernameValidator:
    """The username, in any case, may not appear in the password."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in (password or "").lower():
            raise ValidationError(_("The password may not contain the username."), code="password_has_username")

    def get_help_text(self):
        return _("The password may not contain the username.")


class RepeatedPatternValidator:
    def validate(self, password, user=None):  # noqa: ARG002 - Django's password validator interface
        if repeated_pattern(password or ""):
            raise ValidationError(self.get_help_text(), code="password_repeated")

    def get_help_text(self):
        return _("The password may not repeat a pattern (abcabc) or one character four times in a row (aaaa).")

    def password_changed(self, password, user=None):  # noqa: ARG002 - Django's password validator interface
        """Called by Django on every saved password change: the user's tokens and other sessions end."""
        if user is not None and user.pk:
            services.password_changed(user)
