"""The analysts' data page: the council's snapshots and their manifests, uploading files, their
data-quality report (which names children, so each view and download is logged), and publishing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clearsight.data_quality import XLSX_NAME
from clearsight.formats.common.limits import max_file_mb
from clearsight.model.issues import UnusableInput
from clearsight.web.access import allow
from clearsight.web.accounts.roles import DATA_LOADS
from clearsight.web.audit.log import record
from clearsight.web.audit.models import Action
from clearsight.web.dataops import manifests, uploads
from clearsight.web.dataops.forms import ACCEPTED, PublishForm, UploadForm
from clearsight.web.dataops.models import Upload
from clearsight.web.downloads import CONTENT_TYPES
from clearsight.web.navigation import menu

RECENT_UPLOADS = 20
ISSUE_LIMIT = 500  # issues listed on the page; the workbook holds every one


def _root() -> Path:
    return Path(settings.CLEARSIGHT_DATA)


@allow(DATA_LOADS)
def index(request: HttpRequest) -> HttpResponse:
    listed = [manifests.Listed(s) for s in manifests.newest_first()]
    return render(
        request,
        "dataops/index.html",
        {
            "listed": listed,
            "councils": len({entry.snapshot.la_code for entry in listed}),
            "uploads": Upload.objects.select_related("uploaded_by")[:RECENT_UPLOADS],
            "nav": menu(request),
        },
    )


@allow(DATA_LOADS)
def snapshot(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    found = manifests.find(snapshot_id)
    if found is None:
        raise Http404("no such snapshot")
    return render(
        request,
        "dataops/snapshot.html",
        {
            "entry": manifests.Listed(found),
            "sources": manifests.sources(found),
            "config_versions": manifests.config_versions(found),
            "uploaded": Upload.objects.filter(snapshot_id=found.id).first(),
            "nav": menu(request),
        },
    )


def _limit_mb() -> float | None:
    try:
        return max_file_mb()
    except UnusableInput:  # a mistyped $CLEARSIGHT_MAX_FILE_MB: the upload itself then says so
        return None


@allow(DATA_LOADS)
def upload(request: HttpRequest) -> HttpResponse:
    council = manifests.served_council()
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, ask_council=council is None
    )
    if posted and form.is_valid():
        try:
            received = uploads.receive(
                form.cleaned_data["files"],
                user=request.user,
                root=_root(),
                la_code=council or form.cleaned_data["la_code"],
                as_at=form.cleaned_data["as_at"],
            )
        except uploads.Refused as refused:
            form.refuse(refused.about, refused.message)
        else:
            return redirect("dataops:upload-detail", upload_id=received.pk)
    return render(
        request,
        "dataops/upload.html",
        {"form": form, "council": council, "accepted": ACCEPTED, "limit": _limit_mb(), "nav": menu(request)},
    )


def _publish(request: HttpRequest, upload: Upload, form: PublishForm) -> HttpResponse | None:
    """Publish (once); the snapshot's page when it is, else None with the problem on the form."""
    if upload.status == Upload.Status.VALIDATED and not form.is_valid():
        return None
    try:
        upload, now = uploads.publish(upload, user=request.user, root=_root())
    except uploads.Refused as refused:
        form.add_error(None, refused.message)
        return None
    if upload.status == Upload.Status.PUBLISHED:
        told = "Published snapshot {}" if now else "These files were already published, as snapshot {}"
        messages.success(request, told.format(upload.snapshot_id))
        return redirect("dataops:snapshot", snapshot_id=upload.snapshot_id)
    form.add_error(
        None,
        "These files are being published: wait a minute, then refresh this page"
        if upload.status == Upload.Status.PUBLISHING
        else "These files could not be used, so they cannot be published: upload them again once corrected",
    )
    return None


def _issue_rows(rows: list[dict]) -> list[dict]:
    """Rows of the report with each file named as uploaded (the report keeps the path it was read from)."""
    return [{**row, "file": Path(row["file"]).name if row.get("file") else ""} for row in rows]


@allow(DATA_LOADS, children=True)
def upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(Upload.objects.select_related("uploaded_by"), pk=upload_id)
    form = PublishForm(request.POST if request.method == "POST" else None, errors=upload.error_count)
    if request.method == "POST":
        if (published := _publish(request, upload, form)) is not None:
            return published
        upload.refresh_from_db()
    try:
        report = uploads.report(upload, _root())
    except LookupError:
        report = None
    issues = _issue_rows(report["issues"][:ISSUE_LIMIT]) if report else []
    if report is not None:
        record(
            request,
            Action.VIEW_DATA_QUALITY,
            subject=f"data-quality report of upload {upload.pk}",
            rows=len(issues),
            snapshot=upload.snapshot_id,
        )
    return render(
        request,
        "dataops/upload_detail.html",
        {
            "upload": upload,
            "form": form,
            "report": report,
            "summary": _issue_rows(report["summary"]) if report else [],
            "issues": issues,
            "limit": ISSUE_LIMIT,
            "nav": menu(request),
        },
    )


@allow(DATA_LOADS, children=True)
def upload_report(request: HttpRequest, upload_id: int) -> HttpResponse:
    """The data-quality report as a workbook, as `clearsight validate --out` writes it."""
    upload = get_object_or_404(Upload, pk=upload_id)
    try:
        workbook = uploads.report_file(upload, _root(), XLSX_NAME)
        total = len(uploads.report(upload, _root())["issues"])
    except LookupError as error:
        raise Http404("this upload has no data-quality report") from error
    record(
        request,
        Action.VIEW_DATA_QUALITY,
        subject=f"data-quality report of upload {upload.pk} (xlsx)",
        rows=total,
        snapshot=upload.snapshot_id,
    )
    response = HttpResponse(workbook, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="data-quality-upload-{upload.pk}.xlsx"'
    return response
