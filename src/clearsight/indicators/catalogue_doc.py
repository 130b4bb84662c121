"""The indicator catalogue as a Markdown page (docs/indicators.md), written from the catalogue files.

`python -m clearsight.indicators.catalogue_doc > docs/indicators.md` regenerates it; a test fails when
the page and the files disagree, so the documentation cannot drift from what the engine computes.
"""

from __future__ import annotations

from clearsight.indicators.catalogue import AREA_TITLES, catalogue

UNITS = {
    "percent": "percent",
    "count": "count",
    "rate_10k": "rate per 10,000",
    "average_days": "average days",
    "average": "average",
}


def catalogue_markdown() -> str:
    """One section per ILACS area; per indicator its definition, basis, standard, exceptions and the
    data-quality problems it logs."""
    lines = [
        "# The indicator catalogue",
        "",
        "Written from `src/clearsight/indicators/catalogue/` by",
        "`python -m clearsight.indicators.catalogue_doc`; do not edit by hand. The settings named under",
        "*Standard* are those of `src/clearsight/indicators/defaults.yml`, which a council overrides in",
        "`config.yml` in its folder under the data root. Conventions, worked examples and the evidence",
        "behind each timescale are in the specification (indicators.md).",
        "",
    ]
    indicators = catalogue()
    for area, title in AREA_TITLES.items():
        lines += [f"## {area}. {title}", ""]
        for i in (i for i in indicators if i.area == area):
            judged = f"{i.polarity} is better" if i.polarity != "none" else "context (no judgement)"
            rag = (
                f"default target {i.target:g}, tolerance {i.tolerance or 0:g}" if i.target is not None else ""
            )
            facts = [
                i.type.capitalize(),
                UNITS[i.unit],
                judged,
                rag,
                f"critical {i.critical}" if i.critical else "",
            ]
            lines += [
                f"### {i.code} · `{i.id}` · {i.title}",
                "",
                " · ".join(fact for fact in facts if fact),
                "",
                " ".join(i.definition.split()),
                "",
                f"*Basis:* {' '.join(i.basis.split())}",
                "",
            ]
            if i.standard:
                lines += ["*Standard:* " + ", ".join(f"`{key}`" for key in i.standard), ""]
            if i.exceptions_when:
                extra = ", ".join(f"`{c}`" for c in i.exception_columns) or "none"
                lines += [f"*Exceptions:* items where `{i.exceptions_when}`; own columns: {extra}.", ""]
            else:
                lines += ["*Exceptions:* none (a context figure).", ""]
            for entry in i.data_quality:
                lines += [f"*Data quality:* `{entry['code']}`: {' '.join(entry['problem'].split())}", ""]
            lines += [f"*Breakdowns:* {', '.join(i.breakdowns)}.", ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
