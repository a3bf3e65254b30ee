"""Files that hold personal data (uploaded rosters, error reports, exports, photos of certificates): kept
under MEDIA_ROOT (never served as static files), encrypted with the personal-data key, each kind of file
under its own context so that one kind cannot be passed off as another, and decrypted in memory when read."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings

from . import crypto


def path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def new_name(directory: str, stem: str = "", suffix: str = "") -> str:
    """A fresh relative path in ``directory`` (created if missing), unguessable."""
    path(directory).mkdir(parents=True, exist_ok=True)
    return f"{directory}/{stem}{uuid.uuid4().hex}{suffix}"


def write(relative: str, content: bytes, *, context: str) -> None:
    path(relative).write_bytes(crypto.encrypt_bytes(content, context=context))


def read(relative: str, *, context: str) -> bytes:
    return crypto.decrypt_bytes(path(relative).read_bytes(), context=context)


def remove(relative: str) -> None:
    if relative:
        path(relative).unlink(missing_ok=True)
