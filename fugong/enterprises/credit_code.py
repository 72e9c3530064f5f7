"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

Eighteen characters: registration authority (1), organisation type (1), area code (6),
organisation code of GB 11714 (8 + its own check character), and a check character over the first
seventeen. `check()` names the first rule a code breaks, so a user knows what to fix.
"""

from django.utils.translation import gettext as _

from fugong.core.text import halfwidth

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
# Registration authority -> allowed organisation types (GB 32100-2015, table 1).
AUTHORITIES = {
    "1": "1239",
    "2": "19",
    "3": "12349",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "12345679",
    "Y": "1",
}


class CreditCodeError(ValueError):
    pass


def normalise(raw: str) -> str:
    return halfwidth(raw or "").strip().replace(" ", "").upper()


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def check(raw: str) -> str:
    """Return the normalised code, or raise CreditCodeError saying which check failed."""
    code = normalise(raw)
    if len(code) != 18:
        raise CreditCodeError(_("A credit code has 18 characters; this one has %(n)d.") % {"n": len(code)})
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        raise CreditCodeError(
            _("A credit code may not contain “%(c)s” (the letters I, O, S, V and Z are never used).") % {"c": bad[0]}
        )
    if code[0] not in AUTHORITIES:
        raise CreditCodeError(_("The 1st character (registration authority) “%(c)s” is not valid.") % {"c": code[0]})
    if code[1] not in AUTHORITIES[code[0]]:
        raise CreditCodeError(
            _("The 2nd character (organisation type) “%(c)s” is not valid for authority “%(a)s”.")
            % {"c": code[1], "a": code[0]}
        )
    if not code[2:8].isdigit():
        raise CreditCodeError(_("Characters 3–8 must be the six-digit area code."))
    if org_check_char(code[8:16]) != code[16]:
        raise CreditCodeError(
            _("The organisation code (characters 9–17) fails its check: the 17th character should be “%(c)s”.")
            % {"c": org_check_char(code[8:16])}
        )
    expected = check_char(code[:17])
    if expected != code[17]:
        raise CreditCodeError(
            _("The check character (the 18th) should be “%(c)s”, not “%(x)s”.") % {"c": expected, "x": code[17]}
        )
    return code


def make(*, area_code: str, org_body: str, authority: str = "9", org_type: str = "1") -> str:
    """Build a valid code; used by the demo and by tests."""
    body = org_body.upper()
    first17 = authority + org_type + area_code + body + org_check_char(body)
    return first17 + check_char(first17)
