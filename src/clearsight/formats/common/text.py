"""Decoding a csv file's bytes: UTF-8 (with or without a BOM), else Windows-1252, else refused."""

from __future__ import annotations

from pathlib import Path

from clearsight.model.issues import UnusableInput

NOT_TEXT = "is neither UTF-8 nor Windows-1252 text, so it cannot be read: save it as UTF-8 csv"
_UTF8_BOM = b"\xef\xbb\xbf"


def decode_csv_text(path: Path, data: bytes) -> tuple[str, bool]:
    """The text of a csv file, and True when it was not UTF-8 and was read as Windows-1252."""
    data = data.removeprefix(_UTF8_BOM)
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), True
    except UnicodeDecodeError as error:
        raise UnusableInput(str(path), NOT_TEXT) from error
