"""Every interface string has its Chinese translation, and the catalogue is up to date with the code.

The test regenerates the catalogue from the source into a temporary folder (makemessages, which
keeps the existing translations) and fails on any message left untranslated or fuzzy there: a
new string without a translation, or a changed one whose translation is stale.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv", "node_modules", "static", "staticfiles", "var", "test-artifacts", "bench"]


def regenerate(tmp_path: Path) -> polib.POFile:
    """makemessages over a copy of the source, so that the committed catalogue is never written.

    (makemessages writes to ./locale whatever LOCALE_PATHS says, so it runs in the copy's folder.)
    """
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(*IGNORED, ".git", "__pycache__", "*.mo", "db.sqlite3*")
    for name in ("manage.py",):
        copy.mkdir(exist_ok=True)
        shutil.copy(base / name, copy / name)
    for folder in ("config", "fugong", "templates", "locale"):
        shutil.copytree(base / folder, copy / folder, ignore=skip)
    args = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"]
    args += [f"--ignore={name}" for name in IGNORED]
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(args, cwd=copy, env=env, check=True, timeout=120)  # noqa: S603 - fixed arguments
    return polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_string_is_translated(tmp_path):
    catalogue = regenerate(tmp_path)
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [], f"{len(missing)} untranslated; run `make messages-update` and translate them"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy translations to check"


def test_the_committed_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    assert catalogue.percent_translated() == 100
    # Placeholders must survive translation, or the page raises or shows a raw %(name)s.
    for entry in catalogue.translated_entries():
        for placeholder in ("%(", "%s", "%d"):
            assert entry.msgid.count(placeholder) == entry.msgstr.count(placeholder) or entry.msgid_plural, entry.msgid
