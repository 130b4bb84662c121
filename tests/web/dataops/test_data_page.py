"""The analysts' data page: uploading a council's files, their data-quality report, publishing them once,
and the snapshots with their manifests (each test on a data folder of its own)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from clearsight.indicators.catalogue import catalogue
from clearsight.warehouse import list_councils, list_snapshots
from clearsight.web import snapshots
from clearsight.web.audit.models import AccessEvent, Action
from clearsight.web.dataops.models import Upload
from clearsight.web.dataops.uploads import UPLOADS

AS_AT = {"as_at_day": "31", "as_at_month": "3", "as_at_year": "2024"}
COUNCIL = "999"


@pytest.fixture
def root(settings, tmp_path: Path) -> Path:
    """An empty data folder, served (so the analyst names the council on the first upload)."""
    settings.CLEARSIGHT_DATA = tmp_path
    return tmp_path


@pytest.fixture
def workbook(reference: Path) -> bytes:
    return (reference / "annex_a" / "Annex_A.xlsx").read_bytes()


@pytest.fixture
def analyst(client_as: Callable[..., Client]) -> Client:
    return client_as("analyst")


def send(client: Client, files: dict[str, bytes], **fields: str) -> object:
    """Upload the files (name → content) with the form's other fields."""
    uploaded = [SimpleUploadedFile(name, content) for name, content in files.items()]
    return client.post(reverse("dataops:upload"), {"files": uploaded, **fields})


def uploaded(client: Client, workbook: bytes, name: str = "Annex_A.xlsx") -> Upload:
    response = send(client, {name: workbook}, la_code=COUNCIL, **AS_AT)
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dataops:upload-detail", args=[upload.pk])
    return upload


def publish(client: Client, upload: Upload, **fields: str) -> object:
    return client.post(reverse("dataops:upload-detail", args=[upload.pk]), fields)


def text(response: object) -> str:
    return response.content.decode()


def test_an_analyst_uploads_an_annex_a_workbook_sees_its_report_and_publishes_it(
    root: Path, analyst: Client, workbook: bytes
) -> None:
    form = analyst.get(reverse("dataops:upload"))
    assert 'for="id_la_code">Council code' in text(form)  # the folder holds no council yet

    upload = uploaded(analyst, workbook, name="../Annex A (March).xlsx")
    assert (upload.status, upload.files, upload.la_code) == ("validated", ["Annex_A_March.xlsx"], COUNCIL)
    assert (upload.error_count, upload.warning_count) == (13, 77)  # as `clearsight validate` finds
    staged = root / UPLOADS / upload.folder / "files" / "Annex_A_March.xlsx"
    assert staged.read_bytes() == workbook
    assert list_councils(root) == []  # nothing is published before the analyst says so

    page = analyst.get(reverse("dataops:upload-detail", args=[upload.pk]))
    body = text(page)
    assert "13 errors, 77 warnings" in body
    assert "not a known yes no value; stored as empty" in body
    assert "Annex_A_March.xlsx" in body and str(root) not in body  # files named as uploaded
    event = AccessEvent.objects.get()
    assert (event.action, event.subject) == (
        Action.VIEW_DATA_QUALITY,
        f"data-quality report of upload {upload.pk}",
    )
    assert event.rows == 13 + 77 + upload.info_count

    download = analyst.get(reverse("dataops:upload-report", args=[upload.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="data-quality-upload-{upload.pk}.xlsx"'
    issues = CalamineWorkbook.from_filelike(io.BytesIO(download.content)).get_sheet_by_name("Issues")
    assert len(issues.to_python()) == 1 + event.rows
    assert AccessEvent.objects.filter(action=Action.VIEW_DATA_QUALITY).count() == 2

    unconfirmed = publish(analyst, upload)
    assert "Confirm that you have read the 13 errors before publishing" in text(unconfirmed)
    assert list_councils(root) == []

    published = publish(analyst, upload, confirm="on")
    (snapshot,) = list_snapshots(root, COUNCIL)
    assert published["Location"] == reverse("dataops:snapshot", args=[snapshot.id])
    upload.refresh_from_db()
    assert (upload.status, upload.snapshot_id) == ("published", snapshot.id)
    assert not (root / UPLOADS / upload.folder).exists()  # the snapshot holds the files' tables now

    manifest = text(analyst.get(published["Location"]))
    assert f"Published snapshot {snapshot.id}" in manifest
    assert "Annex_A_March.xlsx" in manifest and "Ofsted Annex A" in manifest
    assert hashlib.sha256(workbook).hexdigest() in manifest
    assert "ssd_cp_plans" in manifest and "31 March 2024" in manifest

    listing = text(analyst.get(reverse("dataops:index")))
    assert reverse("dataops:snapshot", args=[snapshot.id]) in listing
    assert (
        "Annex_A_March.xlsx" in listing
        and '<td class="govuk-table__cell govuk-table__cell--numeric">240<' in listing
    )

    values = snapshots.results(snapshot).values.to_pylist()
    assert len(values) == len(catalogue())
    assert {row["as_at"].isoformat() for row in values} == {"2024-03-31"}
    assert sum(row["available"] for row in values) == 20  # what `clearsight load` computes from it


def test_publishing_the_same_upload_twice_makes_one_snapshot(
    root: Path, analyst: Client, workbook: bytes
) -> None:
    upload = uploaded(analyst, workbook)
    first = publish(analyst, upload, confirm="on")
    again = analyst.post(reverse("dataops:upload-detail", args=[upload.pk]), {"confirm": "on"}, follow=True)
    (snapshot,) = list_snapshots(root, COUNCIL)
    assert first["Location"] == again.redirect_chain[0][0]
    assert f"These files were already published, as snapshot {snapshot.id}" in text(again)


def test_an_upload_being_published_is_not_published_again(
    root: Path, analyst: Client, workbook: bytes
) -> None:
    """Two requests at once: the second finds the first's claim, and publishes nothing."""
    upload = uploaded(analyst, workbook)
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.PUBLISHING)
    response = publish(analyst, upload, confirm="on")
    assert "These files are being published" in text(response)
    assert list_councils(root) == []


def test_a_publish_that_fails_leaves_no_snapshot_and_can_be_tried_again(
    root: Path, analyst: Client, workbook: bytes
) -> None:
    upload = uploaded(analyst, workbook)
    config = root / COUNCIL / "config.yml"
    config.parent.mkdir()
    config.write_text("cp_visit_dayz: 10\n")
    response = publish(analyst, upload, confirm="on")
    assert response.status_code == 200
    assert "Nothing was published" in text(response) and "cp_visit_dayz" in text(response)
    assert list_councils(root) == [] and not list((root / COUNCIL).glob("snapshots/*"))
    upload.refresh_from_db()
    assert upload.status == "validated"

    config.unlink()
    assert publish(analyst, upload, confirm="on").status_code == 302
    assert len(list_snapshots(root, COUNCIL)) == 1


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("referrals.xlsx", b"child,date\n", "referrals.xlsx is a text file, not an Excel workbook"),
        ("notes.pdf", b"%PDF-1.4", "notes.pdf is not a file Clearsight can read"),
        ("empty.xlsx", b"", "empty.xlsx is empty"),
    ],
)
def test_a_file_that_cannot_be_used_is_named_with_its_problem(
    root: Path, analyst: Client, name: str, content: bytes, problem: str
) -> None:
    response = send(analyst, {name: content}, la_code=COUNCIL, **AS_AT)
    body = text(response)
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in body and f'<a href="#id_files">{problem}' in body
    assert "Traceback" not in body and str(root) not in body
    upload = Upload.objects.get()
    assert upload.status == "failed" and upload.problem.startswith(problem)
    assert list((root / UPLOADS).iterdir()) == []  # nothing kept of files that cannot be used
    assert list_councils(root) == []


def test_a_damaged_workbook_is_named(root: Path, analyst: Client, workbook: bytes) -> None:
    body = text(send(analyst, {"Annex_A.xlsx": workbook[:10_000]}, la_code=COUNCIL, **AS_AT))
    assert '<a href="#id_files">Annex_A.xlsx is damaged' in body


def test_an_annex_a_workbook_needs_its_as_at_date(root: Path, analyst: Client, workbook: bytes) -> None:
    body = text(send(analyst, {"Annex_A.xlsx": workbook}, la_code=COUNCIL))
    assert '<a href="#id_as_at_day">Enter the as-at date: these files give none' in body

    body = text(
        send(
            analyst,
            {"Annex_A.xlsx": workbook},
            la_code=COUNCIL,
            **{**AS_AT, "as_at_day": "30", "as_at_month": "2"},
        )
    )
    assert '<a href="#id_as_at_day">The as-at date must be a real date' in body
    assert list_councils(root) == []


def test_the_form_asks_for_files_and_a_council(root: Path, analyst: Client) -> None:
    body = text(analyst.post(reverse("dataops:upload"), AS_AT))
    assert '<a href="#id_files">Select the files to upload</a>' in body
    assert '<a href="#id_la_code">Enter the council&#x27;s code, for example 926</a>' in body
    assert not Upload.objects.exists()


def test_files_load_as_the_served_council(analyst: Client) -> None:
    """With a council already published, the form names it instead of asking."""
    body = text(analyst.get(reverse("dataops:upload")))
    assert "id_la_code" not in body
    assert f"loaded as council {snapshots.current().la_code}" in body


@pytest.mark.parametrize(
    "role", ["senior_leader", "qa_lead", "team_manager", "elected_member", "administrator"]
)
def test_only_analysts_use_the_data_page(
    root: Path, client_as: Callable[..., Client], role: str, workbook: bytes
) -> None:
    client = client_as(role)
    assert client.get(reverse("dataops:index")).status_code == 403
    assert send(client, {"Annex_A.xlsx": workbook}, la_code=COUNCIL, **AS_AT).status_code == 403
    assert not Upload.objects.exists() and not (root / UPLOADS).exists()
    assert "Data" not in [item.label for item in client.get(reverse("dashboard:home")).context["nav"]]
