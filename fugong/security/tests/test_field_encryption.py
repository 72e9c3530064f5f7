"""Contact names and phones encrypted at rest (issue 17 §4): raw tables hold no plaintext, a phone is found by its
keyed hash, rotation moves every value to the new key, and a wrong key fails loudly."""

import base64
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from config.testing import make_enterprise, make_user
from fugong.accounts.models import Role
from fugong.core import bulk, crypto
from fugong.core.fields import phone_filter
from fugong.enterprises.models import Enterprise
from fugong.notices.models import SmsMessage
from fugong.security import keys

pytestmark = pytest.mark.django_db

PHONE = "13947205518"
NAME = "乌兰图雅"
K1 = "k1:" + base64.b64encode(b"1" * 32).decode()
K2 = "k2:" + base64.b64encode(b"2" * 32).decode()
WRONG_K1 = "k1:" + base64.b64encode(b"9" * 32).decode()


@pytest.fixture
def k1(settings):
    settings.FIELD_KEYS = K1
    return settings


@pytest.fixture
def held(k1, users):
    """Personal data in each kind of table: an enterprise (and its history), a user, an SMS."""
    enterprise = make_enterprise(name="加密演练企业有限公司", contact_name=NAME, contact_phone=PHONE)
    user = make_user("wulan_enterprise", Role.ENTERPRISE, enterprise=enterprise)
    user.first_name, user.last_name = "图雅", "乌兰"
    user.save()
    SmsMessage.objects.create(
        phone=PHONE, text="请填报", kind="remind", status="sent", created_at=enterprise.created_at
    )
    return enterprise


def raw_values() -> list[tuple[str, str, object]]:
    """(table, column, value) of every encrypted column and phone index, read with a plain cursor."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in keys.tables():
            columns = [*table.columns, *table.indexes.values()]
            cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.table)}")  # noqa: S608
            found += [(table.table, c, v) for row in cursor.fetchall() for c, v in zip(columns, row, strict=True)]
    return found


def test_sm4_is_the_cipher_here_and_matches_the_standards_vectors():
    """GB/T 32907 appendix A (one block) and RFC 8998 appendix A.1 (SM4-GCM), through `cryptography`."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if not crypto.sm4_available():
        pytest.skip("this OpenSSL has no SM4: AES-256-GCM is the cipher (tested below)")
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    block = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - the standard's one-block vector
    assert (block.update(key) + block.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    plain = bytes.fromhex("".join(c * 16 for c in "ABCDEFEA"))
    sealed = crypto._seal("sm4-gcm", key, bytes.fromhex("00001234567800000000abcd"), plain, aad)
    assert sealed[-16:].hex() == "83de3541e4c2b58177e065a9bf7b62ec"
    assert sealed[:16].hex() == "17f399f08c67d5ee19d0dc9969c4bb7d"
    assert crypto.default_cipher() == "sm4-gcm"


def test_encrypted_columns_hold_no_plaintext(held):
    values = raw_values()
    tables = {t for t, _, _ in values}
    assert {
        "enterprises_enterprise",
        "enterprises_historicalenterprise",
        "accounts_user",
        "notices_smsmessage",
    } <= tables
    for table, column, value in values:
        assert PHONE not in str(value) and NAME not in str(value) and "图雅" not in str(value), (table, column)
    sealed = [v for _, c, v in values if v and not c.endswith("_hash")]
    assert sealed and all(v.startswith("fe1$") and v.split("$")[2] == "k1" for v in sealed)
    # Equal phones never look equal: a fresh nonce each time.
    phones = [v for t, c, v in values if c in ("contact_phone", "phone") and v]
    assert len(phones) == len(set(phones)) >= 3
    # Read back through the ORM: the plaintext.
    enterprise = Enterprise.objects.get(pk=held.pk)
    assert (enterprise.contact_name, enterprise.contact_phone) == (NAME, PHONE)
    assert Enterprise.objects.filter(pk=held.pk).values_list("contact_phone", flat=True).get() == PHONE
    assert held.users.get().get_full_name() == "图雅 乌兰"


def test_a_phone_is_found_exactly_by_its_hash(held, client, users, ordos_enterprise):
    assert list(Enterprise.objects.filter(phone_filter("contact_phone", "139-4720-5518"))) == [held]
    assert not Enterprise.objects.filter(phone_filter("contact_phone", "1394720551")).exists()
    assert SmsMessage.objects.filter(phone_filter("phone", PHONE)).count() == 1
    client.force_login(users[Role.REGION])
    page = client.get(reverse("enterprises:list"), {"q": "139 4720 5518"})
    assert held.name in page.text and ordos_enterprise.name not in page.text
    # Comparing the column itself cannot work on sealed values: it says so instead of finding nothing.
    with pytest.raises(FieldError, match="encrypted"):
        Enterprise.objects.filter(contact_phone=PHONE).exists()
    with pytest.raises(FieldError):
        Enterprise.objects.filter(contact_name__icontains="乌兰").exists()
    assert Enterprise.objects.filter(pk=held.pk).exclude(contact_phone="").exists()


def test_every_write_path_keeps_the_phone_index(held):
    found = lambda phone: list(Enterprise.objects.filter(phone_filter("contact_phone", phone)))  # noqa: E731
    held.contact_phone = "13800000001"
    held.save(update_fields=["contact_phone"])
    assert found("13800000001") == [held] and found(PHONE) == []
    Enterprise.objects.filter(pk=held.pk).update(contact_phone="13800000002")
    assert found("13800000002") == [held]
    held.contact_phone = "13800000003"
    Enterprise.objects.bulk_update([held], ["contact_phone"])
    assert found("13800000003") == [held]
    bulk.update_rows(Enterprise, ["contact_phone"], [("13800000004", held.pk)])
    assert found("13800000004") == [held]
    assert "13800000004" not in str(raw_values())


def test_rotation_moves_every_value_to_the_new_key(held, settings):
    settings.FIELD_KEYS = f"{K2},{K1}"
    with pytest.raises(CommandError, match="still need rotate_keys"):
        call_command("rotate_keys", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rotate_keys", "--batch", "2", stdout=out)
    assert "re-encrypted under key k2" in out.getvalue()
    call_command("rotate_keys", "--check", stdout=StringIO())
    # Idempotent: nothing left to do the second time.
    again = StringIO()
    call_command("rotate_keys", stdout=again)
    assert "Done: 0 of" in again.getvalue()
    # The old key is no longer needed: everything reads and is found under k2 alone.
    settings.FIELD_KEYS = K2
    values = raw_values()
    assert all(v.split("$")[2] == "k2" for _, c, v in values if v and not c.endswith("_hash"))
    assert all(v.startswith("k2:") for _, c, v in values if v and c.endswith("_hash"))
    enterprise = Enterprise.objects.get(pk=held.pk)
    assert (enterprise.contact_name, enterprise.contact_phone) == (NAME, PHONE)
    assert list(Enterprise.objects.filter(phone_filter("contact_phone", PHONE))) == [held]
    assert [h.contact_phone for h in enterprise.history.all()] == [PHONE]


def test_an_interrupted_rotation_resumes(held, settings, monkeypatch):
    make_enterprise(contact_name="巴特尔", contact_phone="13900000011")
    make_enterprise(contact_name="其其格", contact_phone="13900000012")
    settings.FIELD_KEYS = f"{K2},{K1}"
    real, calls = crypto.encrypt, []

    def failing(plaintext):
        calls.append(plaintext)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(plaintext)

    monkeypatch.setattr(crypto, "encrypt", failing)
    with pytest.raises(RuntimeError):
        call_command("rotate_keys", "--batch", "1", stdout=StringIO())
    monkeypatch.setattr(crypto, "encrypt", real)
    before = sum(keys.remaining().values())
    assert before > 0
    call_command("rotate_keys", stdout=StringIO())
    assert keys.remaining() == {}


def test_a_wrong_or_missing_key_fails_loudly(held, settings):
    settings.FIELD_KEYS = WRONG_K1
    with pytest.raises(crypto.FieldDecryptionError, match="k1.*wrong key"):
        Enterprise.objects.get(pk=held.pk)
    settings.FIELD_KEYS = K2
    with pytest.raises(crypto.FieldDecryptionError, match="key 'k1', which FIELD_KEYS does not hold"):
        list(Enterprise.objects.filter(pk=held.pk).values_list("contact_phone", flat=True))
    with pytest.raises(crypto.FieldDecryptionError):
        call_command("rotate_keys", stdout=StringIO())


def test_an_altered_value_fails_loudly(held, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM enterprises_enterprise WHERE id = %s", [held.pk])
        sealed = cursor.fetchone()[0]
        forged = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
        cursor.execute("UPDATE enterprises_enterprise SET contact_phone = %s WHERE id = %s", [forged, held.pk])
    with pytest.raises(crypto.FieldDecryptionError, match="wrong key or altered value"):
        Enterprise.objects.get(pk=held.pk)
    # The header is authenticated too: a value relabelled with another key id does not open under it.
    relabelled = sealed.replace("$k1$", "$k2$")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_enterprise SET contact_phone = %s WHERE id = %s", [relabelled, held.pk])
    settings.FIELD_KEYS = f"{K1},{K2}"
    with pytest.raises(crypto.FieldDecryptionError, match="key 'k2' does not open"):
        Enterprise.objects.get(pk=held.pk)


def test_aes_is_the_documented_alternative(held, settings):
    settings.FIELD_CIPHER = "aes-256-gcm"
    assert Enterprise.objects.get(pk=held.pk).contact_phone == PHONE  # values under the other cipher still open
    call_command("rotate_keys", stdout=StringIO())
    assert {v.split("$")[1] for _, c, v in raw_values() if v and not c.endswith("_hash")} == {"aes-256-gcm"}
    assert {v.split(":")[1] for _, c, v in raw_values() if v and c.endswith("_hash")} == {"sha256"}
    assert list(Enterprise.objects.filter(phone_filter("contact_phone", PHONE))) == [held]
    assert Enterprise.objects.get(pk=held.pk).contact_phone == PHONE


def test_production_refuses_to_start_without_field_keys():
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "FUGONG_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": "k" + "".join(chr(65 + i % 26) for i in range(60)),
        "FIELD_KEYS": "",
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", "import config.settings"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "FIELD_KEYS" in result.stderr
