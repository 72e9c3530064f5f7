"""Field-level encryption of personal data (contact names, phone numbers) and the keyed hash that finds a phone.

A stored value reads `fe1$<cipher>$<key id>$<base64url(nonce | ciphertext | tag)>`: it names the cipher and the
key it was sealed with, so that a change of key (or of cipher) is a command (`manage.py rotate_keys`) and every
value stays readable while the command runs. The header is authenticated with the value (associated data).

Ciphers (settings.FIELD_CIPHER): `sm4-gcm` (GB/T 32907 SM4 in GCM mode, RFC 8998) with HMAC-SM3 for the hash,
or `aes-256-gcm` with HMAC-SHA-256, both through the `cryptography` package (OpenSSL). Keys (settings.FIELD_KEYS)
are 32 random bytes each, named by an id; the first is the one new values are sealed with, the others only read.
Each key yields, through HKDF, one subkey to seal with and another for the hash, so the two never share a key.

The empty string is stored as itself: a blank contact stays blank (and `exclude(contact_phone="")` still works);
everything else is sealed with a fresh random nonce, so equal phones never look equal in the table.
A value that cannot be opened (a key id not configured, a wrong key, a changed value) raises FieldDecryptionError:
never a silent blank.
"""

import base64
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fe1"
SEP = "$"
CIPHERS = ("sm4-gcm", "aes-256-gcm")
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
# What a phone is reduced to before its hash: digits and a leading +, so "0471-694 5678" finds "04716945678".
_NOT_PHONE = re.compile(r"[^0-9+]")


class FieldDecryptionError(Exception):
    """A stored value could not be opened: the key it names is missing or wrong, or the value was altered."""


def sm4_available() -> bool:
    """Whether the OpenSSL under `cryptography` offers SM4 in GCM mode (OpenSSL 3 with SM4 enabled does)."""
    try:
        encryptor = Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE_BYTES))).encryptor()
        encryptor.update(b"x")
        encryptor.finalize()
    except Exception:  # noqa: BLE001 - any refusal (UnsupportedAlgorithm, a missing binding) means no SM4 here
        return False
    return True


def default_cipher() -> str:
    return "sm4-gcm" if sm4_available() else "aes-256-gcm"


def parse_keys(text: str) -> list[tuple[str, bytes]]:
    """`id:base64,id:base64`, the first being current. Each key is 32 bytes (base64 of `secrets.token_bytes(32)`)."""
    keys: list[tuple[str, bytes]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        if not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(f"FIELD_KEYS: key id {key_id!r} must be 1 to 16 letters, digits, - or _.")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise ImproperlyConfigured(f"FIELD_KEYS: key {key_id!r} is not base64.") from error
        if len(raw) != KEY_BYTES:
            raise ImproperlyConfigured(f"FIELD_KEYS: key {key_id!r} must be {KEY_BYTES} bytes, not {len(raw)}.")
        if key_id in {k for k, _ in keys}:
            raise ImproperlyConfigured(f"FIELD_KEYS: key id {key_id!r} is given twice.")
        keys.append((key_id, raw))
    if not keys:
        raise ImproperlyConfigured("FIELD_KEYS holds no key.")
    return keys


def new_key_line(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


@dataclass(frozen=True)
class Key:
    id: str
    seal: dict[str, bytes]  # cipher name -> subkey
    index: dict[str, bytes]  # hash name (sm3, sha256) -> subkey


def _hkdf(hash_name: str, master: bytes, info: bytes, length: int) -> bytes:
    algorithm = hashes.SM3() if hash_name == "sm3" else hashes.SHA256()
    return HKDF(algorithm=algorithm, length=length, salt=None, info=info).derive(master)


def _index_hash(cipher: str) -> str:
    return "sm3" if cipher == "sm4-gcm" else "sha256"


@dataclass(frozen=True)
class KeyRing:
    cipher: str
    current: Key
    keys: dict[str, Key]


@lru_cache(maxsize=8)
def _ring(keys_text: str, cipher: str) -> KeyRing:
    if cipher not in CIPHERS:
        raise ImproperlyConfigured(f"FIELD_CIPHER must be one of {', '.join(CIPHERS)}, not {cipher!r}.")
    if cipher == "sm4-gcm" and not sm4_available():
        raise ImproperlyConfigured("FIELD_CIPHER=sm4-gcm, but this machine's OpenSSL offers no SM4-GCM.")
    keys = {}
    for key_id, master in parse_keys(keys_text):
        seal = {
            # SM4 takes 128-bit keys; HKDF over SM3 for the SM suite, over SHA-256 for the other.
            "sm4-gcm": _hkdf("sm3", master, b"fugong field seal sm4-gcm", 16),
            "aes-256-gcm": _hkdf("sha256", master, b"fugong field seal aes-256-gcm", 32),
        }
        index = {name: _hkdf(name, master, f"fugong field index {name}".encode(), 32) for name in ("sm3", "sha256")}
        keys[key_id] = Key(key_id, seal, index)
    first = next(iter(keys))
    return KeyRing(cipher, keys[first], keys)


def ring() -> KeyRing:
    return _ring(settings.FIELD_KEYS, settings.FIELD_CIPHER)


def _seal(cipher: str, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    if cipher == "aes-256-gcm":
        return AESGCM(key).encrypt(nonce, plaintext, aad)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return body + encryptor.tag


def _open(cipher: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if cipher == "aes-256-gcm":
        return AESGCM(key).decrypt(nonce, sealed, aad)
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + SEP)


def header(value: str) -> tuple[str, str]:
    """(cipher, key id) of a sealed value."""
    parts = value.split(SEP, 3)
    if len(parts) != 4 or parts[0] != PREFIX:
        raise FieldDecryptionError("not an encrypted value")
    return parts[1], parts[2]


def encrypt(plaintext: str) -> str:
    if plaintext == "":
        return ""
    keys = ring()
    cipher, key = keys.cipher, keys.current
    head = SEP.join((PREFIX, cipher, key.id))
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _seal(cipher, key.seal[cipher], nonce, plaintext.encode(), head.encode())
    return head + SEP + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decrypt(value: str, *, where: str = "") -> str:
    if value == "":
        return ""
    at = f" ({where})" if where else ""
    if not is_sealed(value):
        raise FieldDecryptionError(f"an encrypted column holds a value that is not encrypted{at}")
    cipher, key_id = header(value)
    key = ring().keys.get(key_id)
    if key is None:
        raise FieldDecryptionError(f"sealed with key {key_id!r}, which FIELD_KEYS does not hold{at}")
    if cipher not in CIPHERS:
        raise FieldDecryptionError(f"sealed with an unknown cipher {cipher!r}{at}")
    body = value.rsplit(SEP, 1)[1]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise ValueError("too short")
        plaintext = _open(
            cipher, key.seal[cipher], raw[:NONCE_BYTES], raw[NONCE_BYTES:], value[: -len(body) - 1].encode()
        )
    except (InvalidTag, ValueError) as error:
        raise FieldDecryptionError(
            f"key {key_id!r} does not open this value: wrong key or altered value{at}"
        ) from error
    return plaintext.decode()


def needs_rotation(value) -> bool:
    """A sealed value not under the current key and cipher (the empty string never needs it)."""
    if not value:
        return False
    if not is_sealed(value):
        return True
    keys = ring()
    return header(value) != (keys.cipher, keys.current.id)


def normalise_phone(phone) -> str:
    return _NOT_PHONE.sub("", str(phone or ""))


def _index_with(key: Key, hash_name: str, normalised: str) -> str:
    mac = hmac.new(key.index[hash_name], normalised.encode(), hash_name).hexdigest()
    return f"{key.id}:{hash_name}:{mac}"


def phone_index(phone) -> str:
    """The keyed hash a phone is found by (HMAC-SM3 with SM4, HMAC-SHA-256 with AES, under the current key), naming
    its key and hash; blank for no phone."""
    normalised = normalise_phone(phone)
    keys = ring()
    return _index_with(keys.current, _index_hash(keys.cipher), normalised) if normalised else ""


def phone_indexes(phone) -> list[str]:
    """The hash of a phone under every configured key and either hash: rows not yet rotated are found too."""
    normalised = normalise_phone(phone)
    if not normalised:
        return []
    return [_index_with(key, name, normalised) for key in ring().keys.values() for name in ("sm3", "sha256")]


def index_needs_rotation(index: str) -> bool:
    if not index:
        return False
    keys = ring()
    return index.split(":")[:2] != [keys.current.id, _index_hash(keys.cipher)]
