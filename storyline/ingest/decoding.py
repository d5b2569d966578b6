"""Bytes to text: UTF-8 first, then the declared encoding, then charset-normalizer's guess."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from storyline.errors import InputError


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 kB mean this is not text in any encoding we accept."""
    return b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(data: bytes, name: str, *, declared: str | None = None) -> str:
    """Decode ``data`` or raise `InputError` naming ``name``.

    Newlines are normalised to ``\\n`` so stored offsets do not depend on the platform.
    """
    if looks_binary(data):
        raise InputError(name, "binary file, not text")
    text: str | None = None
    for encoding in ("utf-8-sig", declared):
        if not encoding:
            continue
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        best = from_bytes(data).best()
        if best is None:
            raise InputError(name, "not valid UTF-8 and no other text encoding fits")
        text = str(best)
    return text.replace("\r\n", "\n").replace("\r", "\n")
