"""Normalising what people type or paste: full-width forms, traditional characters, pinyin keys."""

import re
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")
_NOT_KEY = re.compile(r"[^0-9a-z]")


@lru_cache(maxsize=1)
def _t2s():
    return opencc.OpenCC("t2s")


def halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ１％) to half-width, and the ideographic space to a plain one."""
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def simplify(text: str) -> str:
    return _t2s().convert(text)


def clean(text) -> str:
    """What a cell or a search box holds, as we compare it: half-width, simplified, spaces squeezed."""
    if text is None:
        return ""
    return _SPACES.sub(" ", simplify(halfwidth(str(text)))).strip()


def clean_name(text) -> str:
    """An enterprise name as registered: cleaned, with the full-width brackets of Chinese names."""
    return clean(text).replace("(", "（").replace(")", "）")


def name_key(text) -> str:
    """A name reduced for matching: as registered, without spaces."""
    return clean_name(text).replace(" ", "")


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, letters and digits only: 包头钢铁 -> baotougangtie, btgt."""
    simplified = clean(name)
    full = "".join(lazy_pinyin(simplified, errors="default")).lower()
    initials = "".join(lazy_pinyin(simplified, style=Style.FIRST_LETTER, errors="default")).lower()
    return _NOT_KEY.sub("", full), _NOT_KEY.sub("", initials)


def mask_phone(phone) -> str:
    """138****1234: the first three and the last four digits stay, so a caller can still tell numbers apart;
    always four stars, so the mask does not tell the length either. Short numbers keep their last two only."""
    phone = str(phone or "").strip()
    if len(phone) >= 8:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" + phone[-2:] if phone else ""
