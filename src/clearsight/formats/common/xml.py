"""Safe XML parsing and lenient XSD validation, for every XML format (CIN census, SSDA903 XML).

Parsing uses lxml with DTD loading, entity resolution and network access off and `huge_tree` off,
after the size limit (architecture.md). A document with a DOCTYPE is refused outright: no statutory
return has one, and refusing it means internal entities ("billion laughs") and external entities
(`file:///etc/passwd`) are never expanded or fetched. Malformed XML is refused naming the file, the
line and the parser's own message, which is passed on as it stands and never read for meaning.

Validation runs libxml2's XSD validator (through lxml) over the already-parsed tree, so the document
is never parsed twice, and collects every problem as an Issue (XML path, line, libxml2's message)
instead of raising (formats.md §5.0: validate leniently, and report). libxml2 checks a county-sized
census in a fraction of a second, where xmlschema took about 15 s; xmlschema still reads the XSDs'
structure for the CIN profiles (`load_schema`).

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

import xmlschema
from lxml import etree

from clearsight.formats.common.limits import check_file_size
from clearsight.model.issues import WARNING, Issue, UnusableInput

DOCTYPE_REFUSED = "contains a DOCTYPE, which is not allowed in a statutory return"

# The prolog (XML declaration, comments, processing instructions, white space) ends at the root
# element; a DOCTYPE can only sit there. One character per alternative keeps the scan linear.
_DOCTYPE = re.compile(r"(?:\xef\xbb\xbf|\ufeff)?(?:\s|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE", re.DOTALL)
_PROLOG_BYTES = 1 << 20


class _NoResolver(etree.Resolver):
    """Refuses every external resource (DTDs, entities, XIncludes) the parser might ask for."""

    def resolve(self, system_url, public_id, context):
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers keep state and are not safe to share between threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    parser.resolvers.add(_NoResolver())
    return parser


def _declares_doctype(path: Path) -> bool:
    """True when the file's prolog declares a DOCTYPE, found before the parser reads any of it.

    Checking first means a DOCTYPE's entities are never even declared to the parser; the parsed
    tree is checked again in case a prolog longer than the bytes scanned hid one.
    """
    with path.open("rb") as handle:
        head = handle.read(_PROLOG_BYTES)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    # latin-1 maps every byte to one character, so the ASCII markup of any ASCII-based encoding shows.
    text = head.decode("utf-16", errors="replace") if utf16 else head.decode("latin-1")
    return _DOCTYPE.match(text) is not None


def parse(path: Path, *, limit_mb: float) -> etree._ElementTree:
    """Parse one XML file safely. Raises UnusableInput for a file that cannot be used.

    Refused: a file over `limit_mb`, an empty file, a file that is not well-formed XML (the message
    gives the line and the parser's words), and a file with a DOCTYPE.
    """
    check_file_size(path, limit_mb)
    if path.stat().st_size == 0:
        raise UnusableInput(str(path), "is empty")
    if _declares_doctype(path):
        raise UnusableInput(str(path), DOCTYPE_REFUSED)
    try:
        with path.open("rb") as handle:
            tree = etree.parse(handle, _parser())
    except etree.XMLSyntaxError as error:
        raise UnusableInput(
            str(path), f"is not well-formed XML at line {error.lineno}: {error.msg}"
        ) from error
    except OSError as error:
        raise UnusableInput(str(path), f"cannot be read: {error}") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnusableInput(str(path), DOCTYPE_REFUSED)
    return tree


@cache
def load_schema(xsd: Traversable | Path) -> xmlschema.XMLSchema:
    """An XSD shipped with clearsight, built once; it may not reach any other file or the network."""
    return xmlschema.XMLSchema(xsd.read_text(encoding="utf-8"), allow="none", defuse="always")


@cache
def load_validator(xsd: Traversable | Path) -> etree.XMLSchema:
    """libxml2's validator for an XSD shipped with clearsight, built once, reaching no other file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_NoResolver())
    return etree.XMLSchema(etree.fromstring(xsd.read_bytes(), parser))


def validate(tree: etree._ElementTree, schema: etree.XMLSchema, *, file: str, against: str) -> list[Issue]:
    """Every way `tree` breaks `schema`, as warnings naming the XML path and line.

    `against` names the schema in the message ("the CIN 2025/26 schema"). The values themselves are
    judged again by the reader, which stores a bad one as NULL with its own issue.
    """
    schema.validate(tree)
    return [
        Issue(
            f"not valid against {against}: {error.message}",
            WARNING,
            file=file,
            sheet=error.path,
            row=error.line,
        )
        for error in schema.error_log
    ]
