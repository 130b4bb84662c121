"""Receiving an analyst's files and publishing them, through the same pipeline as `clearsight validate`
and `clearsight load`.

Files wait in a staging folder of their own, `<data root>/.uploads/<folder>/` (hidden, so never taken for
a council, and never inside a snapshot), with the data-quality report made when they were checked. An
upload is published at most once: a publish first claims the row (validated → publishing) in one
conditional update, so a second request, even a simultaneous one, finds nothing to claim. Once
published, the snapshot holds the files' tables and its own report, and the staging folder goes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename

from clearsight import pipeline
from clearsight.data_quality import JSON_NAME, ReportContext, report_files
from clearsight.formats.common.limits import check_file_size, max_file_mb
from clearsight.indicators.config import ConfigError
from clearsight.indicators.engine import IndicatorError
from clearsight.model.issues import ERROR, INFO, WARNING, UnusableInput
from clearsight.warehouse import Snapshot, WarehouseError, get_snapshot
from clearsight.web.dataops.models import Upload

log = logging.getLogger(__name__)

UPLOADS = ".uploads"
FILES = "files"
NAME_LENGTH = 120
NO_AS_AT = "Enter the as-at date: these files give none (Annex A workbooks and SSD extracts carry no date)"


class Refused(Exception):
    """Files or a publish that cannot go ahead. `about` is what to correct: the files, the as-at date or the
    council code; the message names the file and the problem, for the person who uploaded it."""

    def __init__(self, about: str, message: str) -> None:
        super().__init__(message)
        self.about = about
        self.message = message


def safe_name(name: str) -> str:
    """A file name safe to save under: no folders, no leading dot, only letters, digits, `-`, `_` and `.`."""
    base = Path(name.replace("\\", "/")).name.lstrip(".")
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:
        raise Refused("files", f"{name!r} is not a usable file name: rename the file") from None
    stem, suffix = Path(cleaned).stem, Path(cleaned).suffix
    return stem[: NAME_LENGTH - len(suffix)] + suffix


def staging(root: Path, upload: Upload) -> Path:
    return Path(root) / UPLOADS / upload.folder


def _paths(folder: Path, names: Sequence[str]) -> list[Path]:
    return [folder / FILES / name for name in names]


def _save(files: Sequence[UploadedFile], names: Sequence[str], folder: Path) -> None:
    folder.mkdir(parents=True, mode=0o700)  # the files name children: their owner only
    (folder / FILES).mkdir()
    for upload, name in zip(files, names, strict=True):
        with open(folder / FILES / name, "xb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)


def _check(folder: Path, names: Sequence[str], la_code: str, as_at: dt.date | None) -> pipeline.Checked:
    """Read, merge and validate the saved files; write their data-quality report beside them."""
    limit = max_file_mb()
    paths = _paths(folder, names)
    for path in paths:
        check_file_size(path, limit)
    checked = pipeline.check(paths, la_code=la_code, as_at=as_at, limit_mb=limit)
    if checked.as_at is None:
        raise Refused("as_at", NO_AS_AT)
    context = ReportContext(checked.la_code, checked.as_at, checked.row_counts)
    for name, content in report_files(checked.issues, context).items():
        (folder / name).write_bytes(content)
    return checked


def _message(error: Exception, folder: Path) -> str:
    """The error as a sentence naming the file as it was uploaded (never the staging folder's path)."""
    text = f"{error.path} {error.reason}" if isinstance(error, UnusableInput) else str(error)
    return text.replace(f"{folder / FILES}/", "").replace(f"{folder}/", "")


def _counts(upload: Upload, counts: dict[str, int]) -> None:
    upload.error_count = counts.get(ERROR, 0)
    upload.warning_count = counts.get(WARNING, 0)
    upload.info_count = counts.get(INFO, 0)


def receive(
    files: Sequence[UploadedFile], *, user: User, root: Path, la_code: str, as_at: dt.date | None
) -> Upload:
    """Save the files to a new staging folder, check them and record the upload (validated, or failed).

    Raises Refused, naming the file and the problem, when they cannot be used; the upload is then
    recorded as failed and its folder removed.
    """
    names = [safe_name(file.name or "") for file in files]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Refused("files", f"Two of the files are called {repeated[0]}: upload one of them")
    folder = Path(root) / UPLOADS / secrets.token_hex(8)
    upload = Upload(uploaded_by=user, files=names, folder=folder.name, la_code=la_code, as_at=as_at)
    try:
        _save(files, names, folder)
        checked = _check(folder, names, la_code, as_at)
    except BaseException as error:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, Refused):
            refused = error
        elif isinstance(error, UnusableInput):
            refused = Refused("files", _message(error, folder))
        elif isinstance(error, OSError):
            refused = Refused(
                "files", f"The files could not be saved in the data folder: {error.strerror or error}"
            )
        else:
            raise
        upload.status, upload.problem = Upload.Status.FAILED, refused.message
        upload.save()
        raise refused from None
    upload.status, upload.as_at = Upload.Status.VALIDATED, checked.as_at
    upload.rows_read = sum(checked.row_counts.values())
    _counts(upload, Counter(issue.severity for issue in checked.issues))
    upload.save()
    return upload


def publish(upload: Upload, *, user: User, root: Path) -> tuple[Upload, bool]:
    """Publish the upload as a snapshot with its indicator results, unless it already has been (or is
    being). Returns the upload as it now stands and whether this call published it.

    Raises Refused when the files cannot be published (the upload stays validated, to try again).
    """
    if not Upload.objects.filter(pk=upload.pk, status=Upload.Status.VALIDATED).update(
        status=Upload.Status.PUBLISHING
    ):
        upload.refresh_from_db()
        return upload, False
    folder = staging(root, upload)
    try:
        outcome = pipeline.load(
            _paths(folder, upload.files),
            Path(root),
            la_code=upload.la_code,
            as_at=upload.as_at,
            limit_mb=max_file_mb(),
        )
    except (UnusableInput, pipeline.NeedsOption, ConfigError, IndicatorError, WarehouseError) as error:
        Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.VALIDATED)
        raise Refused("publish", "Nothing was published: " + _message(error, folder)) from None
    except BaseException:
        Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.VALIDATED)
        raise
    snapshot = outcome.snapshot
    upload.status, upload.snapshot_id = Upload.Status.PUBLISHED, snapshot.id
    upload.published_at, upload.published_by = timezone.now(), user
    upload.rows_read = sum(snapshot.manifest["row_counts"].values())
    _counts(upload, snapshot.manifest["issue_counts"])  # the published report adds the indicators' findings
    upload.save()
    shutil.rmtree(folder, ignore_errors=True)
    return upload, True


def report_file(upload: Upload, root: Path, name: str) -> bytes:
    """One form of the upload's data-quality report (`data_quality.JSON_NAME`, `XLSX_NAME`): the one
    published with its snapshot once published, else the one made when the files were checked.

    Raises LookupError when there is none (the upload failed, or its files are gone).
    """
    folder = published(upload, root).path if upload.snapshot_id else staging(root, upload)
    try:
        return (folder / name).read_bytes()
    except OSError as error:
        raise LookupError(f"the data-quality report of {upload} is not there") from error


def published(upload: Upload, root: Path) -> Snapshot:
    """The snapshot the upload became; LookupError if it is not there."""
    try:
        return get_snapshot(root, upload.la_code, upload.snapshot_id)
    except WarehouseError as error:
        raise LookupError(str(error)) from error


def report(upload: Upload, root: Path) -> dict:
    """The data-quality report as `data_quality.as_json` wrote it (counts, summary, issues)."""
    return json.loads(report_file(upload, root, JSON_NAME))
