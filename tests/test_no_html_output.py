"""No output format writes HTML, so article text (which may hold a `<script>`) is only
ever data. A new format that writes HTML fails here until it escapes article text and has
a test that a `<script>` in an article stays inert."""

from __future__ import annotations

import re

import pytest

from llmextract.output import FileSink, OutputFormat
from llmextract.schema import DocumentResult, Span, StrikeEvent

SCRIPT = "<script>alert(document.cookie)</script>"
ARTICLE = f"Jets struck a depot {SCRIPT} near the border."
MARKUP = re.compile(r"<[!/]?[A-Za-z]")


def result_quoting_a_script() -> DocumentResult:
    event = StrikeEvent(
        strike_type="air_strike",
        status="occurred",
        role="main",
        summary=f"A strike {SCRIPT}",
        evidence=[Span(text=ARTICLE, start=0, end=len(ARTICLE))],
    )
    return DocumentResult(doc_id=f"doc{SCRIPT}", events=[event], backend="rules")


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_no_output_format_is_html(fmt, tmp_path):
    out = tmp_path / f"events.{fmt.value}"
    sink = FileSink(out, fmt)
    sink.write(result_quoting_a_script())
    sink.close(complete=True)

    written = out.read_text(encoding="utf-8")
    assert SCRIPT in written  # the article's text is kept, as data...
    leftover = MARKUP.findall(written.replace(SCRIPT, ""))
    assert not leftover, f"{fmt} writes HTML: escape article text in it, and test that"
