"""Protection of personal data at rest: AES-256-GCM for the values, HMAC-SHA256 for finding them.

ID numbers and phones are stored encrypted (SECURITY.md: none in clear in the database) and found through
a keyed hash of their normalised form. Settings:

- ``TALENTBASE_PII_KEYS = "2025a:<base64 key>,2024b:<base64 key>"``: 32-byte keys, standard or URL-safe
  base64. The FIRST key encrypts; the others only decrypt, so a key is rotated by putting a new one first,
  re-encrypting (``needs_rotation`` / ``reencrypt``) and then dropping the old one.
- ``TALENTBASE_PII_HMAC_KEY = "<base64 key>"``: the key of the lookup hash. Changing it means recomputing
  every stored hash, so it is not rotated with the encryption keys.

``generate_key()`` makes a key for either setting. A token reads ``v1.<kid>.<base64url(nonce+ciphertext)>``;
the context (e.g. "registry.person.id_number") is the associated data, so a token copied into another
column does not decrypt there. Every function takes ``keyring=`` so it can run without Django settings.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

FORMAT_VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12  # 96 bits: the nonce size GCM is specified for
KID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")  # no "." and no ":": they separate parts of the token and setting


class DecryptionError(ValueError):
    """A token that cannot be decrypted: malformed, unknown key, tampered or from another context.

    The message never quotes the token or any plaintext.
    """

    def __init__(self, code: str, message):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        try:
            return str(self.message)
        except ImproperlyConfigured:
            # Translating needs settings; a traceback in a script without them still shows the code.
            return self.code


@dataclass(frozen=True)
class KeyRing:
    """The encryption keys by key id, the current one first, and the HMAC key of the lookup hash."""

    current_kid: str
    ciphers: dict[str, AESGCM] = field(repr=False)
    hmac_key: bytes = field(repr=False)

    @property
    def kids(self) -> list[str]:
        return list(self.ciphers)


def decode_key(text: str, *, name: str) -> bytes:
    """A 32-byte key from standard or URL-safe base64, padding optional."""
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)
    try:
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{name} is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must decode to {KEY_BYTES} bytes, not {len(key)}.")
    return key


def parse_keyring(keys_text: str, hmac_key_text: str) -> KeyRing:
    """Build a key ring from the two settings' text ("kid1:key1,kid2:key2" and a base64 HMAC key)."""
    if not keys_text or not keys_text.strip():
        raise ImproperlyConfigured("TALENTBASE_PII_KEYS is empty: give at least one 'kid:base64key'.")
    if not hmac_key_text or not hmac_key_text.strip():
        raise ImproperlyConfigured("TALENTBASE_PII_HMAC_KEY is empty.")
    ciphers: dict[str, AESGCM] = {}
    for entry in keys_text.split(","):
        if not entry.strip():
            continue
        kid, separator, key_text = entry.strip().partition(":")
        if not separator or not KID_RE.fullmatch(kid):
            raise ImproperlyConfigured(
                "TALENTBASE_PII_KEYS entries read 'kid:base64key', the kid of 1-32 letters, digits, - or _."
            )
        if kid in ciphers:
            raise ImproperlyConfigured(f"TALENTBASE_PII_KEYS names key id {kid!r} twice.")
        ciphers[kid] = AESGCM(decode_key(key_text, name=f"TALENTBASE_PII_KEYS[{kid}]"))
    if not ciphers:
        raise ImproperlyConfigured("TALENTBASE_PII_KEYS is empty: give at least one 'kid:base64key'.")
    return KeyRing(
        current_kid=next(iter(ciphers)),
        ciphers=ciphers,
        hmac_key=decode_key(hmac_key_text, name="TALENTBASE_PII_HMAC_KEY"),
    )


@functools.cache
def keyring_from_settings() -> KeyRing:
    """The key ring of ``settings.TALENTBASE_PII_KEYS`` and ``TALENTBASE_PII_HMAC_KEY``, read once."""
    from django.conf import settings

    return parse_keyring(
        getattr(settings, "TALENTBASE_PII_KEYS", ""),
        getattr(settings, "TALENTBASE_PII_HMAC_KEY", ""),
    )


def reset_keyring_cache() -> None:
    """Forget the key ring read from settings, so that the next use reads them again."""
    keyring_from_settings.cache_clear()


def reset_keyring_on_setting_change(*, setting, **kwargs) -> None:
    # override_settings in tests sends setting_changed: a stale cached key ring would ignore the override.
    if setting in ("TALENTBASE_PII_KEYS", "TALENTBASE_PII_HMAC_KEY"):
        reset_keyring_cache()


setting_changed.connect(reset_keyring_on_setting_change, dispatch_uid="talentbase.core.crypto.keyring")


def generate_key() -> str:
    """A new random 32-byte key in standard base64, for ``TALENTBASE_PII_KEYS`` or the HMAC key."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def encrypt(plaintext: str, *, context: str, keyring: KeyRing | None = None) -> str:
    """Encrypt with the current key: "v1.<kid>.<base64url(nonce + ciphertext and tag)>", bound to context."""
    ring = keyring or keyring_from_settings()
    return encrypt_with(ring.ciphers[ring.current_kid], ring.current_kid, plaintext, context)


def encrypt_many(
    values: Iterable[str | None], *, context: str, keyring: KeyRing | None = None
) -> list[str | None]:
    """Encrypt a batch with the current key (one key ring and cipher for all); None stays None."""
    ring = keyring or keyring_from_settings()
    cipher, kid = ring.ciphers[ring.current_kid], ring.current_kid
    values = values if isinstance(values, list) else list(values)
    # The nonces of the batch from one read of the system's random source (a roster encrypts 10^5 values);
    # each is still 96 random bits of its own.
    nonces = os.urandom(NONCE_BYTES * len(values))
    return [
        None if value is None else encrypt_with(
            cipher, kid, value, context, nonce=nonces[index * NONCE_BYTES : (index + 1) * NONCE_BYTES]
        )
        for index, value in enumerate(values)
    ]  # fmt: skip


def encrypt_with(
    cipher: AESGCM, kid: str, plaintext: str, context: str, *, nonce: bytes | None = None
) -> str:
    if not isinstance(plaintext, str):
        raise TypeError("encrypt takes text; normalise the value first")
    # A random 96-bit nonce per value: 2^32 encryptions per key keep the collision risk negligible (NIST).
    nonce = nonce or os.urandom(NONCE_BYTES)
    sealed = cipher.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{FORMAT_VERSION}.{kid}.{payload}"


def split_token(token: str) -> tuple[str, bytes]:
    """The key id and the raw nonce + ciphertext of a token, or ``DecryptionError`` when malformed."""
    if not isinstance(token, str):
        raise DecryptionError("malformed", _("密文格式不正确"))
    version, _dot, rest = token.partition(".")
    kid, _dot, payload = rest.partition(".")
    if version != FORMAT_VERSION:
        raise DecryptionError("unknown_version", _("密文版本未知"))
    if not kid or not payload:
        raise DecryptionError("malformed", _("密文格式不正确"))
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed", _("密文格式不正确")) from None
    if len(raw) < NONCE_BYTES + 16:  # a nonce and the 16-byte tag at least
        raise DecryptionError("malformed", _("密文格式不正确"))
    return kid, raw


def decrypt(token: str, *, context: str, keyring: KeyRing | None = None) -> str:
    """The plaintext of a token made by ``encrypt`` for the same context, with any key of the ring.

    Raises ``DecryptionError`` for a malformed token, an unknown key id, a tampered token or another context.
    """
    ring = keyring or keyring_from_settings()
    kid, raw = split_token(token)
    cipher = ring.ciphers.get(kid)
    if cipher is None:
        raise DecryptionError("unknown_key", _("密文所用的密钥不在密钥配置中"))
    try:
        plaintext = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag:
        # GCM cannot tell a changed byte from a wrong context or key: all mean "not this value".
        raise DecryptionError("tampered", _("密文已被篡改，或不属于该字段")) from None
    return plaintext.decode("utf-8")


FILE_MAGIC = b"TBF1"


def encrypt_bytes(data: bytes, *, context: str, keyring: KeyRing | None = None) -> bytes:
    """Encrypt a file's content with the current key: magic, key id, nonce, ciphertext and tag, bound to
    context. For files that hold personal data as typed (uploaded rosters, their error reports)."""
    ring = keyring or keyring_from_settings()
    kid = ring.current_kid.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.current_kid].encrypt(nonce, data, context.encode("utf-8"))
    return FILE_MAGIC + bytes([len(kid)]) + kid + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: str, keyring: KeyRing | None = None) -> bytes:
    """The content of a file made by ``encrypt_bytes`` for the same context, with any key of the ring."""
    ring = keyring or keyring_from_settings()
    if not blob.startswith(FILE_MAGIC) or len(blob) < len(FILE_MAGIC) + 1:
        raise DecryptionError("malformed", _("密文格式不正确"))
    start = len(FILE_MAGIC) + 1
    kid = blob[start : start + blob[len(FILE_MAGIC)]].decode("ascii", errors="replace")
    raw = blob[start + len(kid) :]
    cipher = ring.ciphers.get(kid)
    if cipher is None:
        raise DecryptionError("unknown_key", _("密文所用的密钥不在密钥配置中"))
    try:
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError("tampered", _("密文已被篡改，或不属于该字段")) from None


def needs_rotation(token: str, *, keyring: KeyRing | None = None) -> bool:
    """Whether a token was encrypted with a key other than the current one."""
    ring = keyring or keyring_from_settings()
    kid, _raw = split_token(token)
    return kid != ring.current_kid


def reencrypt(token: str, *, context: str, keyring: KeyRing | None = None) -> str:
    """The token under the current key: the same token when already current, a new one otherwise."""
    ring = keyring or keyring_from_settings()
    if not needs_rotation(token, keyring=ring):
        return token
    return encrypt(decrypt(token, context=context, keyring=ring), context=context, keyring=ring)


def lookup_hash(value: str, *, context: str, keyring: KeyRing | None = None) -> str:
    """HMAC-SHA256 (hex) of context, NUL and the value, to find a value without decrypting every row.

    The caller normalises the value first (``normalise_id_number``, ``check_phone``); the context keeps
    equal values in different columns from sharing a hash.
    """
    ring = keyring or keyring_from_settings()
    message = context.encode("utf-8") + b"\0" + value.encode("utf-8")
    # The one-shot form: the same HMAC as hmac.new(…).hexdigest(), computed in C without a Python object.
    return hmac.digest(ring.hmac_key, message, "sha256").hex()
