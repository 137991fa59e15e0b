"""docgen's own listing step (tabs and breaks in rendered text made markup) does exactly what
docxtpl's does, on generated paragraphs and parts: docgen no longer imports docxtpl for it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.ooxml.listing import is_flat, resolve, resolve_listing

# Text with every character the step acts on, and some that look like markup to a pattern.
TEXT = st.text(alphabet=st.sampled_from(list("ab \t\n\x07\x0c<>/w:t&é")), max_size=12)
PRESERVE = st.sampled_from(["", ' xml:space="preserve"'])
PROPS = st.sampled_from(["", '<w:b/>', '<w:sz w:val="20"/>', "<w:i/>\t", "<w:u/>\n<w:b/>"])


@st.composite
def runs(draw: st.DrawFn) -> str:
    props = draw(PROPS)
    r_pr = f"<w:rPr>{props}</w:rPr>" if draw(st.booleans()) else ""
    texts = "".join(
        f"<w:t{draw(PRESERVE)}>{draw(TEXT)}</w:t>"
        + draw(st.sampled_from(["", "<w:tab/>", "<w:br/>"]))
        for _ in range(draw(st.integers(0, 3))))
    attrs = draw(st.sampled_from(["", ' w:rsidR="00A1"']))
    return f"<w:r{attrs}>{r_pr}{texts}</w:r>"


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    p_pr = (f"<w:pPr>{draw(PROPS)}<w:rPr>{draw(PROPS)}</w:rPr></w:pPr>"
            if draw(st.booleans()) else "")
    attrs = draw(st.sampled_from(["", ' w14:paraId="1A2B3C4D"', ' w:rsidR="00B2"']))
    body = "".join(draw(st.lists(runs(), max_size=4)))
    loose = draw(st.sampled_from(["", "<w:proofErr/>", '<w:bookmarkStart w:id="0"/>']))
    return f"<w:p{attrs}>{p_pr}{loose}{body}</w:p>"


def docxtpl_listing(xml: str) -> str:
    return DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(paragraphs())
def test_a_paragraph_resolves_as_docxtpl_resolves_it(paragraph: str) -> None:
    assert resolve(paragraph) == docxtpl_listing(paragraph)


@settings(max_examples=200, deadline=None)
@given(st.lists(paragraphs(), max_size=5),
       st.sampled_from(["", "<w:tbl><w:tr><w:tc>", "<w:sectPr/>"]))
def test_a_part_resolves_as_docxtpl_resolves_it(paras: list[str], between: str) -> None:
    """Only the paragraphs holding a tab or break are resolved, each as docxtpl would; the
    part as a whole equals docxtpl's, flat or not."""
    xml = f"<w:body>{between.join(paras)}</w:body>"
    expected = docxtpl_listing(xml)
    assert resolve_listing(xml, resolve, flat=False) == expected
    if is_flat(xml):
        assert resolve_listing(xml, resolve, flat=True) == expected


def test_each_character_becomes_its_markup() -> None:
    """A hand-checked case: a tab, a new line, a bell and a form feed in one run."""
    xml = ('<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
           "<w:t>a\tb\nc\x07d\x0ce</w:t></w:r></w:p>")
    out = resolve(xml)
    assert out == docxtpl_listing(xml)
    assert "<w:tab/>" in out and "<w:br/>" in out and '<w:br w:type="page"/>' in out
    # the bell opens a paragraph; the form feed one holding the page break, and one after it
    assert out.count("<w:p>") == 4
    assert not any(c in out for c in "\t\n\x07\x0c")


def test_generate_does_not_import_docxtpl(make_cohort: Callable[..., Path],
                                         tmp_path: Path) -> None:
    """The fast path renders values holding new lines, tabs and form feeds (the small
    cohort's) as docxtpl would, without importing it (that took 0.07-0.15 s of every run).

    Only a template's first compiling on a machine imports it, to mend the template with
    docxtpl's own code (then cached): a first run fills the cache, the second is checked."""
    code = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from docgen.jobs import generate\n"
        "report = generate(Path(sys.argv[1]), Path(sys.argv[2]), jobs=1, force=True, "
        "today=dt.date(2026, 3, 1))\n"
        "assert len(report.files) == 3 and not report.failed, report\n"
        "print('docxtpl' in sys.modules)\n"
    )
    env = {**os.environ, "DOCGEN_CACHE": str(tmp_path / "cache")}
    args = [sys.executable, "-c", code, str(make_cohort()), str(tmp_path / "out")]
    first = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    assert first.stdout.split() == ["True"]  # mended, and cached
    again = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    assert again.stdout.split() == ["False"]
