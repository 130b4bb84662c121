"""One profile per CIN census year, generated from that year's XSD (formats.md §5.0).

A profile says which elements each block holds, in the order the schema's `xs:sequence` demands,
and which values each simple element allows. Nothing is kept by hand: the year-to-year changes
(`GenderCurrent` → `Sex`, new codes) come from the XSDs in `spec/`. A census year with no XSD of its
own takes the nearest year's (see spec/README.md); callers say so in an issue.

Years are named by the year in which the census ends: 2026 is the 2025/26 census, which ends on
31 March 2026.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import xmlschema
from lxml import etree

from clearsight.formats.common.xml import load_schema, load_validator

SPEC = files(__package__) / "spec"
_XSD_NAME = re.compile(r"^CIN_schema_(\d{4})\.xsd$")
ROOT = "Message"
XSD_PATTERN = "{http://www.w3.org/2001/XMLSchema}pattern"
XSD_STRING = "{http://www.w3.org/2001/XMLSchema}string"


def _schema_years() -> dict[int, str]:
    return {
        int(found.group(1)): entry.name for entry in SPEC.iterdir() if (found := _XSD_NAME.match(entry.name))
    }


# Census years with an XSD of their own, and the file that holds it.
SCHEMA_FILES: Mapping[int, str] = dict(sorted(_schema_years().items()))
SUPPORTED_YEARS: tuple[int, ...] = tuple(SCHEMA_FILES)


def census_label(collection_year: int) -> str:
    """`2026` → `2025/26`."""
    return f"{collection_year - 1}/{collection_year % 100:02d}"


def census_year(day: dt.date) -> int:
    """The census year containing `day`: the year of the 31 March on or after it."""
    return day.year if (day.month, day.day) <= (3, 31) else day.year + 1


def reference_date(collection_year: int) -> dt.date:
    """The census reference date: 31 March of the year the census ends."""
    return dt.date(collection_year, 3, 31)


@dataclass(frozen=True)
class Profile:
    """What one census year's schema says.

    `collection_year` is the census asked for and `schema_year` the year of the XSD used, which
    differs when clearsight has no XSD for the year. `sequences` maps each block element (those
    with child elements) to its child elements in schema order; `required` to those with
    minOccurs ≥ 1.
    """

    collection_year: int
    schema_year: int
    schema: xmlschema.XMLSchema
    validator: etree.XMLSchema
    sequences: Mapping[str, tuple[str, ...]]
    required: Mapping[str, frozenset[str]]
    simple_types: Mapping[str, xmlschema.validators.XsdSimpleType]

    @property
    def exact(self) -> bool:
        """True when the schema is the census year's own."""
        return self.schema_year == self.collection_year

    @property
    def schema_label(self) -> str:
        return f"the CIN {census_label(self.schema_year)} schema"

    def allows(self, element: str, text: str) -> bool:
        """True when the schema has the simple element `element` and accepts `text` as its value."""
        return element in self.simple_types and _check(self.schema_year, element)(text)


@cache
def _check(schema_year: int, element: str) -> Callable[[str], bool]:
    """A fast test of one element's values: xmlschema's own costs about 0.1 ms a call.

    An enumeration (over a string type) is a set lookup and a bare pattern on xs:string a regular
    expression (XSD ORs the patterns of one step); any other type asks xmlschema.
    """
    kind = profile(schema_year).simple_types[element]
    if kind.enumeration is not None:
        return frozenset(kind.enumeration).__contains__
    if list(kind.facets) == [XSD_PATTERN] and kind.base_type.name == XSD_STRING:
        patterns = kind.patterns.patterns
        return lambda text: any(pattern.match(text) for pattern in patterns)
    return kind.is_valid


def _walk(element: xmlschema.validators.XsdElement, found: dict) -> None:
    kind = element.type
    if kind.is_simple() or kind.has_simple_content():
        found["simple"].setdefault(element.name, kind if kind.is_simple() else kind.content)
        return
    children = list(kind.content.iter_elements())
    found["sequences"][element.name] = tuple(child.name for child in children)
    found["required"][element.name] = frozenset(child.name for child in children if child.min_occurs)
    for child in children:
        _walk(child, found)


def nearest_schema_year(collection_year: int) -> int:
    """The census year itself if clearsight has its XSD, else the nearest year that it has."""
    return min(SUPPORTED_YEARS, key=lambda year: (abs(year - collection_year), -year))


@cache
def profile(collection_year: int) -> Profile:
    """The profile for a census year (the nearest year's schema when it has none of its own)."""
    schema_year = nearest_schema_year(collection_year)
    xsd = SPEC / SCHEMA_FILES[schema_year]
    schema = load_schema(xsd)
    found: dict = {"sequences": {}, "required": {}, "simple": {}}
    _walk(schema.elements[ROOT], found)
    return Profile(
        collection_year,
        schema_year,
        schema,
        load_validator(xsd),
        found["sequences"],
        found["required"],
        found["simple"],
    )
