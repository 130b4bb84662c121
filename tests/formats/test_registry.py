"""Routing inputs to the reader of their format."""

import pytest

from clearsight.formats.registry import route
from clearsight.model.issues import UnusableInput


def test_a_folder_s_unreadable_files_are_reported_and_skipped(tmp_path):
    (tmp_path / "ssd_person.csv").write_text("pers_person_id\nA1\n")
    (tmp_path / "README.txt").write_text("notes")
    (tmp_path / ".hidden").write_text("")
    groups, skipped = route([tmp_path])
    assert [(f.name, [p.name for p in files]) for f, files in groups.items()] == [("ssd", ["ssd_person.csv"])]
    assert [i.file.endswith("README.txt") for i in skipped] == [True]


def test_a_file_named_on_its_own_that_no_format_reads_cannot_be_used(tmp_path):
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK")
    with pytest.raises(UnusableInput, match="is not a file Clearsight can read"):
        route([notes])


def test_a_missing_path_and_an_empty_folder_cannot_be_used(tmp_path):
    with pytest.raises(UnusableInput, match="does not exist"):
        route([tmp_path / "nowhere"])
    with pytest.raises(UnusableInput, match="holds no file Clearsight can read"):
        route([tmp_path])
