"""Personal data at rest (SECURITY.md "personal data"): AES-GCM tokens, key rotation, lookup hashes.

Most tests pass an explicit key ring and need no settings; the ones about reading settings configure them
minimally if nobody did and override them otherwise.
"""

import base64
import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from talentbase.core.crypto import (
    DecryptionError,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    encrypt_many,
    generate_key,
    keyring_from_settings,
    lookup_hash,
    needs_rotation,
    parse_keyring,
    reencrypt,
    reset_keyring_cache,
    split_token,
)

if not settings.configured:
    settings.configure(USE_I18N=False)

CONTEXT = "registry.person.id_number"
OLD_KEY = base64.b64encode(bytes(range(32))).decode()
NEW_KEY = base64.urlsafe_b64encode(bytes(range(100, 132))).decode().rstrip("=")
HMAC_KEY = base64.b64encode(b"h" * 32).decode()
OLD_RING = parse_keyring(f"k2024:{OLD_KEY}", HMAC_KEY)
RING = parse_keyring(f"k2025:{NEW_KEY},k2024:{OLD_KEY}", HMAC_KEY)


def flip_byte(token: str, index: int) -> str:
    prefix, payload = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[index] ^= 0x01
    return prefix + "." + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


def test_round_trip():
    token = encrypt("310101199001011234", context=CONTEXT, keyring=RING)
    assert decrypt(token, context=CONTEXT, keyring=RING) == "310101199001011234"


@given(st.text())
def test_any_text_round_trips(plaintext):
    token = encrypt(plaintext, context=CONTEXT, keyring=RING)
    assert decrypt(token, context=CONTEXT, keyring=RING) == plaintext


def test_token_is_compact_ascii_with_version_and_key_id_and_hides_the_value():
    token = encrypt("13812345678", context="registry.person.phone", keyring=RING)
    assert re.fullmatch(r"v1\.k2025\.[A-Za-z0-9_-]+", token)
    assert "13812345678" not in token
    # 12-byte nonce + 11 bytes + 16-byte tag, base64 without padding
    assert len(token.split(".")[2]) == 52


def test_same_value_encrypts_differently_each_time():
    assert encrypt("x", context=CONTEXT, keyring=RING) != encrypt("x", context=CONTEXT, keyring=RING)


def test_every_flipped_byte_is_detected():
    token = encrypt("310101199001011234", context=CONTEXT, keyring=RING)
    raw_length = 12 + 18 + 16
    for index in range(raw_length):
        with pytest.raises(DecryptionError) as caught:
            decrypt(flip_byte(token, index), context=CONTEXT, keyring=RING)
        assert caught.value.code == "tampered"


def test_truncated_or_garbled_tokens_are_refused():
    token = encrypt("310101199001011234", context=CONTEXT, keyring=RING)
    for broken in [token[:-4], token[:20], "v1.k2025.", "v1.k2025", "", "plain text", "v2" + token[2:], None]:
        with pytest.raises(DecryptionError):
            decrypt(broken, context=CONTEXT, keyring=RING)


def test_token_copied_to_another_column_does_not_decrypt():
    token = encrypt("310101199001011234", context=CONTEXT, keyring=RING)
    with pytest.raises(DecryptionError) as caught:
        decrypt(token, context="registry.person.phone", keyring=RING)
    assert caught.value.code == "tampered"


def test_unknown_key_id_is_refused():
    token = encrypt("x", context=CONTEXT, keyring=RING)
    with pytest.raises(DecryptionError) as caught:
        decrypt(token, context=CONTEXT, keyring=OLD_RING)
    assert caught.value.code == "unknown_key"


def test_key_id_swapped_in_the_token_is_refused():
    token = encrypt("x", context=CONTEXT, keyring=RING).replace("k2025", "k2024", 1)
    with pytest.raises(DecryptionError):
        decrypt(token, context=CONTEXT, keyring=RING)


def test_error_message_never_quotes_the_token():
    token = encrypt("310101199001011234", context=CONTEXT, keyring=RING)
    with pytest.raises(DecryptionError) as caught:
        decrypt(token, context="other", keyring=RING)
    assert token.split(".")[2] not in str(caught.value)
    assert "310101199001011234" not in str(caught.value)


def test_rotation_old_key_decrypts_and_new_encryptions_use_the_current_key():
    old_token = encrypt("310101199001011234", context=CONTEXT, keyring=OLD_RING)
    assert old_token.startswith("v1.k2024.")
    assert decrypt(old_token, context=CONTEXT, keyring=RING) == "310101199001011234"
    assert needs_rotation(old_token, keyring=RING)
    assert not needs_rotation(old_token, keyring=OLD_RING)
    new_token = encrypt("310101199001011234", context=CONTEXT, keyring=RING)
    assert new_token.startswith("v1.k2025.")
    assert not needs_rotation(new_token, keyring=RING)


def test_reencrypt_moves_a_token_to_the_current_key_and_leaves_current_ones_alone():
    old_token = encrypt("13812345678", context=CONTEXT, keyring=OLD_RING)
    rotated = reencrypt(old_token, context=CONTEXT, keyring=RING)
    assert rotated.startswith("v1.k2025.")
    assert decrypt(rotated, context=CONTEXT, keyring=RING) == "13812345678"
    assert reencrypt(rotated, context=CONTEXT, keyring=RING) == rotated


def test_encrypt_many_uses_the_current_key_and_keeps_none():
    values = [f"1381234{number:04d}" for number in range(1000)] + [None]
    tokens = encrypt_many(values, context=CONTEXT, keyring=RING)
    assert tokens[-1] is None
    assert len(set(tokens[:-1])) == 1000
    assert all(token.startswith("v1.k2025.") for token in tokens[:-1])
    assert [decrypt(token, context=CONTEXT, keyring=RING) for token in tokens[:-1]] == values[:-1]


def test_encrypt_many_gives_every_value_its_own_nonce():
    # The batch's nonces come from one read of the random source: equal values must still differ.
    tokens = encrypt_many(["13812345678"] * 1000, context=CONTEXT, keyring=RING)
    nonces = {split_token(token)[1][:12] for token in tokens}
    assert len(nonces) == 1000 and len(set(tokens)) == 1000
    assert {decrypt(token, context=CONTEXT, keyring=RING) for token in tokens} == {"13812345678"}


def test_lookup_hash_is_stable_keyed_and_bound_to_its_context():
    first = lookup_hash("310101199001011234", context=CONTEXT, keyring=RING)
    assert first == lookup_hash("310101199001011234", context=CONTEXT, keyring=OLD_RING)  # same HMAC key
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first != lookup_hash("310101199001011235", context=CONTEXT, keyring=RING)
    assert first != lookup_hash("310101199001011234", context="registry.person.phone", keyring=RING)
    other_hmac = parse_keyring(f"k2025:{NEW_KEY}", base64.b64encode(b"i" * 32).decode())
    assert first != lookup_hash("310101199001011234", context=CONTEXT, keyring=other_hmac)


def test_lookup_hash_matches_the_documented_construction():
    import hashlib
    import hmac

    expected = hmac.new(b"h" * 32, CONTEXT.encode() + b"\0" + b"13812345678", hashlib.sha256).hexdigest()
    assert lookup_hash("13812345678", context=CONTEXT, keyring=RING) == expected


def test_generated_keys_are_32_random_bytes_and_usable():
    key = generate_key()
    assert len(base64.b64decode(key)) == 32
    assert key != generate_key()
    ring = parse_keyring(f"dev:{key}", generate_key())
    assert decrypt(encrypt("x", context=CONTEXT, keyring=ring), context=CONTEXT, keyring=ring) == "x"


@pytest.mark.parametrize(
    ("keys", "hmac_key"),
    [
        ("", HMAC_KEY),
        (f"k1:{OLD_KEY}", ""),
        (OLD_KEY, HMAC_KEY),  # no kid
        (f"k.1:{OLD_KEY}", HMAC_KEY),  # "." would break the token
        (f"k1:{OLD_KEY},k1:{NEW_KEY}", HMAC_KEY),  # the same kid twice
        ("k1:" + base64.b64encode(b"short").decode(), HMAC_KEY),
        ("k1:not base64!", HMAC_KEY),
        (f"k1:{OLD_KEY}", base64.b64encode(b"short").decode()),
    ],
)
def test_bad_key_settings_are_refused(keys, hmac_key):
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(keys, hmac_key)


def test_keys_are_read_from_settings_first_one_current():
    reset_keyring_cache()
    try:
        with override_settings(TALENTBASE_PII_KEYS=f"k2024:{OLD_KEY}", TALENTBASE_PII_HMAC_KEY=HMAC_KEY):
            old_token = encrypt("310101199001011234", context=CONTEXT)
            assert keyring_from_settings() is keyring_from_settings()  # read once
        with override_settings(
            TALENTBASE_PII_KEYS=f"k2025:{NEW_KEY}, k2024:{OLD_KEY}", TALENTBASE_PII_HMAC_KEY=HMAC_KEY
        ):
            # override_settings resets the cached key ring, so the new setting is seen
            assert keyring_from_settings().kids == ["k2025", "k2024"]
            assert decrypt(old_token, context=CONTEXT) == "310101199001011234"
            assert needs_rotation(old_token)
            assert encrypt("x", context=CONTEXT).startswith("v1.k2025.")
            assert lookup_hash("x", context=CONTEXT) == lookup_hash("x", context=CONTEXT, keyring=RING)
    finally:
        reset_keyring_cache()


def test_missing_settings_are_an_explicit_configuration_error():
    reset_keyring_cache()
    try:
        with (
            override_settings(TALENTBASE_PII_KEYS="", TALENTBASE_PII_HMAC_KEY=""),
            pytest.raises(ImproperlyConfigured),
        ):
            encrypt("x", context=CONTEXT)
    finally:
        reset_keyring_cache()


def test_key_ring_repr_shows_no_key_material():
    assert OLD_KEY not in repr(RING)
    assert "ciphers" not in repr(RING)


def test_file_contents_round_trip_and_hide_what_they_hold():
    content = "姓名,证件号码\n张三,310101199001011234\n".encode()
    blob = encrypt_bytes(content, context="core.imports.file", keyring=RING)
    assert b"310101199001011234" not in blob and "张三".encode() not in blob
    assert decrypt_bytes(blob, context="core.imports.file", keyring=RING) == content
    # An old key still opens the files it wrote.
    old = encrypt_bytes(content, context="core.imports.file", keyring=OLD_RING)
    assert decrypt_bytes(old, context="core.imports.file", keyring=RING) == content


@pytest.mark.parametrize("index", [0, 5, 10, 25, -1])
def test_a_changed_byte_of_an_encrypted_file_is_detected(index):
    blob = bytearray(encrypt_bytes(b"roster", context="core.imports.file", keyring=RING))
    blob[index] ^= 0x01
    with pytest.raises(DecryptionError):
        decrypt_bytes(bytes(blob), context="core.imports.file", keyring=RING)


def test_an_encrypted_file_does_not_open_in_another_context():
    blob = encrypt_bytes(b"roster", context="core.imports.file", keyring=RING)
    with pytest.raises(DecryptionError):
        decrypt_bytes(blob, context="registry.person.id_number", keyring=RING)
