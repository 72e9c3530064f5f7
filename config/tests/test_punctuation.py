"""Chinese text takes full-width punctuation (，：；（）), in the catalogue, the templates and the charts' words.

A half-width , : ; ( or ) next to a Chinese character reads as a typo in an official's document; the
brief checks its own sentences (analytics/tests/test_brief.py), this checks everything else an
interface shows.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"[{CJK}]\s*[,:;()]|[,:;()]\s*[{CJK}]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf%]|\{\w*\}")
# Arguments that code splits on a half-width comma: Django's yesno filter ("是,否").
SPLIT_BY_CODE = {"yes,no", "yes,no,unknown"}


def offences(text: str) -> list[str]:
    bare = PLACEHOLDER.sub("", text)
    return [bare[max(m.start() - 6, 0) : m.end() + 6] for m in HALF_WIDTH_NEXT_TO_CJK.finditer(bare)]


def catalogue(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, plural forms as further msgstrs of the same msgid."""
    pairs, msgid, current = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, current = line[6:].strip().strip('"'), "msgid"
        elif line.startswith("msgid_plural "):
            current = "plural"
        elif line.startswith("msgstr"):
            pairs.append((msgid or "", line.split(" ", 1)[1].strip()[1:-1]))
            current = "msgstr"
        elif line.startswith('"') and current == "msgstr":
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + line.strip()[1:-1])
        elif line.startswith('"') and current == "msgid":
            msgid = (msgid or "") + line.strip()[1:-1]
    return pairs


def test_the_check_catches_half_width_punctuation_in_chinese():
    assert offences("复产率: 65%") and offences("包头市,呼和浩特市") and offences("正常产值(万元)")
    assert offences("%(label)s(%(unit)s)户") and not offences("%(label)s（%(unit)s）")
    assert not offences("截至%(date)s，已填报%(n)s户") and not offences("Authorization: Bearer TOKEN")


def test_the_chinese_catalogue_uses_full_width_punctuation():
    found = [
        f"{msgid!r} -> {msgstr!r}: {offences(msgstr)}"
        for msgid, msgstr in catalogue(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po")
        if msgid not in SPLIT_BY_CODE and offences(msgstr)
    ]
    assert found == []


def test_chinese_text_in_templates_uses_full_width_punctuation():
    tags = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
    found = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("fugong/*/templates/**/*.html")]:
        for bad in offences(tags.sub("", path.read_text(encoding="utf-8"))):
            found.append(f"{path.relative_to(ROOT)}: {bad!r}")
    assert found == []


def test_the_charts_take_their_punctuation_from_the_catalogue():
    """A chart's tooltip or legend built in JavaScript from ": " or " (" would be half-width in Chinese too."""
    literal = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
    comment = re.compile(r"^\s*//[^\n]*$|/\*.*?\*/", re.M | re.S)
    found = []
    for path in ROOT.glob("static/js/*.js"):
        for text in literal.findall(comment.sub("", path.read_text(encoding="utf-8"))):
            inner = text[1:-1]
            if offences(inner) or inner.strip() in (":", ",", ";", "(", ")") and inner != inner.strip():
                found.append(f"{path.relative_to(ROOT)}: {text}")
    assert found == []
