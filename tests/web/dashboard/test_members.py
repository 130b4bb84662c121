"""The elected Members' view on the small synthetic council: aggregates only, small numbers suppressed
(indicators.md §5), plain-English definitions, and no child or worker named anywhere."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from clearsight.disclosure import is_small
from clearsight.indicators.catalogue import AREA_TITLES, catalogue
from clearsight.warehouse import Snapshot, read_parquet
from clearsight.web import snapshots
from clearsight.web.audit.models import AccessEvent
from clearsight.web.dashboard.members import plain

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"[\w'-]+")


def text(response) -> str:
    """The page's words, as a reader meets them."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def table_rows(response, caption: str) -> dict[str, list[str]]:
    """The rows of the table with this caption: each row's heading and its cells' text."""
    page = response.content.decode()
    start = page.index(caption)
    body = page[start : page.index("</table>", start)]
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S):
        heading = re.search(r"<th scope=\"row\"[^>]*>(.*?)</th>", row, re.S)
        if heading:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[words(heading[1])] = [words(cell) for cell in cells]
    return rows


def words(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def named(response, people: Iterable[str]) -> set[str]:
    """Which of these ids or names (of one or more words) the page holds, anywhere in its HTML."""
    words = TOKEN.findall(html.unescape(response.content.decode()))
    wanted = {tuple(TOKEN.findall(p)) for p in people}
    lengths = {len(w) for w in wanted}
    found = {tuple(words[i : i + n]) for n in lengths for i in range(len(words) - n + 1)}
    return {" ".join(w) for w in wanted & found}


@pytest.fixture(scope="module")
def people(council: Snapshot) -> dict[str, set[str]]:
    """Every child id and name, and every worker name, of the small council."""
    children = read_parquet(council.file("ssd_person"), ["pers_person_id", "pers_forename", "pers_surname"])
    workers = read_parquet(council.file("ssd_professionals"), ["prof_professional_name"])
    return {
        "child ids": set(children["pers_person_id"].to_pylist()),
        "child names": {
            f"{forename} {surname}"
            for forename, surname in zip(
                children["pers_forename"].to_pylist(), children["pers_surname"].to_pylist(), strict=True
            )
            if forename and surname
        },
        "worker names": set(workers["prof_professional_name"].drop_null().to_pylist()),
    }


def test_an_elected_member_sees_every_indicator_by_area_in_plain_english(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    client = client_as("elected_member")
    response = client.get(reverse("dashboard:members"))
    assert response.status_code == 200
    page = text(response)
    assert "Members' view" in page and f"as at {council.as_at:%-d %B %Y}" in page
    for title in AREA_TITLES.values():
        assert title in page
    for indicator in catalogue():
        assert f"{indicator.code} {indicator.title}" in page
        assert plain(indicator.definition, sentences=1) in page
    for words in ("Green", "Amber", "Red"):  # the rating in words, not colour alone
        assert f">{words}</strong>" in response.content.decode()
    assert client.get(reverse("dashboard:members-indicator", args=["asmt_45wd"])).status_code == 200
    assert not AccessEvent.objects.exists()  # aggregates only: nothing to log


def test_a_figure_resting_on_1_to_5_children_is_c_and_takes_its_rating_with_it(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    values = {row["code"]: row for row in snapshots.results(council).values.to_pylist()}
    assert is_small(values["B15"]["denominator"])  # life-story books: one adoption in the period
    assert not is_small(values["A04"]["numerator"]) and not is_small(values["A04"]["denominator"])
    response = client_as("elected_member").get(reverse("dashboard:members"))
    in_care = table_rows(response, "Children in care:")
    assert next(v for k, v in in_care.items() if k.startswith("B15 ")) == [
        "c",
        "Not shown (small numbers)",
        "Not shown (small numbers)",
    ]
    protection = table_rows(response, "Help and protection:")
    assert (
        next(v for k, v in protection.items() if k.startswith("A04 "))[0] == f"{values['A04']['value']:.1f}%"
    )


def small_breakdown(council: Snapshot) -> tuple[str, str, str, str]:
    """A percentage breakdown (not by worker) with exactly one cell counting 1 to 5, and another shown
    cell to hide with it: (indicator id, breakdown, the small cell, the smallest other non-zero cell)."""
    by = {}
    for row in snapshots.results(council).breakdowns.to_pylist():
        by.setdefault((row["indicator_id"], row["breakdown"]), []).append(row)
    units = {i.id: i.unit for i in catalogue()}
    for (indicator_id, breakdown), cells in by.items():
        if units[indicator_id] != "percent" or breakdown == "worker":
            continue
        small = [c for c in cells if is_small(c["numerator"])]
        others = [c for c in cells if c["numerator"] > 5 and not is_small(c["denominator"])]
        if len(small) == 1 and len(others) >= 2 and not any(is_small(c["denominator"]) for c in cells):
            secondary = min(others, key=lambda c: c["numerator"])
            if sum(c["numerator"] == secondary["numerator"] for c in others) == 1:
                return indicator_id, breakdown, small[0]["cell"], secondary["cell"]
    raise AssertionError("the small council has no breakdown with one small cell")


def test_a_breakdown_hides_a_small_cell_and_the_cell_that_would_give_it_away(
    client_as: Callable[..., Client], council: Snapshot
) -> None:
    """§5: the cell counting 1 to 5 is c, and so is the smallest other (else the total less the shown
    cells reveals it); their percentages go too; every other cell and the total are as computed."""
    indicator_id, breakdown, small, secondary = small_breakdown(council)
    response = client_as("elected_member").get(reverse("dashboard:members-indicator", args=[indicator_id]))
    assert response.status_code == 200
    title = next(i.title for i in catalogue() if i.id == indicator_id)
    caption = f"{title}, by {breakdown.replace('_', ' ')}"
    rows = table_rows(response, caption)
    cells = {
        row["cell"]: row
        for row in snapshots.results(council).breakdowns.to_pylist()
        if row["indicator_id"] == indicator_id and row["breakdown"] == breakdown
    }
    assert set(rows) == {*cells, "Total"}
    assert rows[small][0] == "c" and rows[small][2] == "c"
    assert rows[secondary][0] == "c" and rows[secondary][2] == "c"
    for cell, row in cells.items():
        if cell not in (small, secondary):
            assert rows[cell] == [
                f"{row['numerator']:,.0f}",
                f"{row['denominator']:,.0f}",
                f"{row['value']:.1f}%",
            ]
    overall = next(r for r in snapshots.results(council).values.to_pylist() if r["id"] == indicator_id)
    assert rows["Total"] == [
        f"{overall['numerator']:,.0f}",
        f"{overall['denominator']:,.0f}",
        f"{overall['value']:.1f}%",
    ]
    # No count 1 to 5 anywhere in the page's tables.
    for figure in re.findall(r"govuk-table__cell--numeric[^>]*>([^<]*)<", response.content.decode()):
        assert figure.strip() not in {"1", "2", "3", "4", "5"}, figure


def test_there_is_no_worker_breakdown(client_as: Callable[..., Client]) -> None:
    assert "worker" in next(i for i in catalogue() if i.id == "asmt_45wd").breakdowns
    page = text(client_as("elected_member").get(reverse("dashboard:members-indicator", args=["asmt_45wd"])))
    assert "By team" in page and "By age band" in page and "Worker" not in page


def test_no_members_page_names_a_child_or_a_worker(
    client_as: Callable[..., Client], people: dict[str, set[str]]
) -> None:
    """Every Members' page (the list and every indicator's) is scanned for every child id, child name and
    worker name of the council."""
    client = client_as("elected_member")
    pages = [reverse("dashboard:members")] + [
        reverse("dashboard:members-indicator", args=[i.id]) for i in catalogue()
    ]
    everyone = set().union(*people.values())
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not named(response, everyone), url


def test_the_scan_finds_names_where_a_page_shows_them(
    client_as: Callable[..., Client], people: dict[str, set[str]]
) -> None:
    """The scan cannot pass by finding nothing: the exception list, a child-level page, names children
    and workers."""
    found = named(client_as("analyst").get(reverse("dashboard:exceptions")), set().union(*people.values()))
    assert found & people["child ids"] and found & people["child names"] and found & people["worker names"]


def test_an_unknown_indicator_is_not_found(client_as: Callable[..., Client]) -> None:
    client = client_as("elected_member")
    assert client.get(reverse("dashboard:members-indicator", args=["no_such_indicator"])).status_code == 404


def test_with_nothing_published_the_pages_say_so(
    client_as: Callable[..., Client], settings, tmp_path: Path
) -> None:
    settings.CLEARSIGHT_DATA = tmp_path
    client = client_as("elected_member")
    for url in (reverse("dashboard:members"), reverse("dashboard:members-indicator", args=["asmt_45wd"])):
        response = client.get(url)
        assert response.status_code == 200
        assert "No figures have been published yet" in text(response)


@pytest.mark.parametrize("indicator", catalogue(), ids=lambda i: i.code)
def test_every_definition_and_basis_reads_in_plain_english(indicator) -> None:
    """No setting, column name, specification reference or evidence marker reaches Members."""
    for words in (plain(indicator.definition, sentences=1), plain(indicator.basis)):
        assert words and words[0].isupper() and words.endswith(".")
        assert not re.search(r"\b\w+_\w+\b|\b[a-z_]{2,}\.[a-z_]{2,}\b|§|\[", words), words
