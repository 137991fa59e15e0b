"""Templates damaged at random give a message naming the template, or a sound document.

A hypothesis property test: parts of a template's XML are mutated (characters or tags deleted,
duplicated, inserted; Jinja tags broken; blocks left unbalanced; XML broken) and compiling and
rendering the result must either raise :class:`DocgenError` naming the template or write a
document whose every XML part parses. Never a traceback.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE, TODAY
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_template_fidelity import VALUES, build, libreoffice_copies

from docgen import jobs
from docgen.cohort import read_cohort
from docgen.context import contract_plan
from docgen.documents.render import compile_template
from docgen.errors import DocgenError

_TEMPLATES = ["plain", "loops", "stories", "notes", "text_box", "tracked", "ids", "contract"]
# The same templates re-saved by LibreOffice (its own XML: paragraph ids, bookmarks, entities
# in tags), where LibreOffice is installed; else the originals stand in.
_RESAVED = ["lo-loops", "lo-ids", "lo-plain", "lo-contract"]
_PARTS = ["word/document.xml"] * 6 + ["word/header1.xml",
          "word/footer1.xml", "word/footnotes.xml", "word/styles.xml", "docProps/core.xml",
          "[Content_Types].xml", "word/_rels/document.xml.rels"]
_SNIPPETS = ["{{", "}}", "{%", "%}", "{%p ", "{%tr ", "{%tc ", "{{r ", "{{p ", "{#", "#}",
             "{#p ", "<", ">", "/>", "</w:p>", "<w:p>", "</w:t>", "<w:t>", "<w:r>", "</w:tc>",
             "<w:tc>", "<w:tr>", "</w:tbl>", "<w:tbl>", "&", "&amp;", "&quot;", "&#0;", "&#x1;",
             "\"", "'", "{% endif %}", "{% endfor %}", "{%p endfor %}", "{%tr endfor %}",
             "{% for x in items %}", "{%p for x in items %}", "{%tr for x in items %}",
             "{%tc for x in items %}", "{% if team_name %}", "{%p if team_name %}", "{% else %}",
             "{_{", "}_}", "{_%", "%_}", "|e", "|upper", "|nosuch", "|safe", "\x00", "\t",
             "\n", "é", "🚀", "{{ team_name }}", "{{ items }}", "{{ nosuch }}", "{{ 1/0 }}",
             "{{ team_name.__class__ }}", "{% set y = 1 %}", "{% macro m() %}",
             "{% endmacro %}", "{% raw %}", "{% endraw %}", "{% include 'x' %}",
             "{{ loop.index }}", "{%- if 1 -%}", "-}}", "<!DOCTYPE x>", "<?xml?>", "<![CDATA[",
             "]]>", "<!--", "-->", "<w:del><w:r><w:delText>", "</w:delText></w:r></w:del>",
             "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/>", "<w:bookmarkEnd w:id=\"0\"/>",
             'w14:paraId="1"', '<wp:docPr id="1" name="x"/>', "xmlns:x=\"y\"", "w:val=\"{{\""]
_TEXT = re.compile(r"(<w:(?:t|delText|instrText)(?: [^>]*)?>)([^<]*)(?=</w:)")
_JINJA = re.compile(r"\{[{%#].*?[}%#]\}")
_ELEMENT = re.compile(r"<w:(p|r|tr|tc|tbl|sdt|ins|del)(?: [^>]*)?>.*?</w:\1>", re.DOTALL)
# What an admin does in Word (typing, deleting, copying text, tags and whole paragraphs, rows
# or cells) mostly, and now and then damage no editor makes (raw XML cut or scrambled).
_ACTIONS = ("type", "type", "erase", "repeat", "break_tag", "break_tag", "drop_tag",
            "copy_tag", "split_run", "drop_element", "copy_element", "raw_insert",
            "raw_delete", "raw_repeat", "raw_reverse")


def _contract_context() -> dict[str, object]:
    cohort, _problems = read_cohort(SAMPLE)
    return contract_plan(cohort, cohort.teams[0], TODAY).context


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Each template's parts, read once: the mutants are written from these."""
    folder = tmp_path_factory.mktemp("originals")
    paths = {name: build(name, folder) for name in _TEMPLATES if name != "contract"}
    paths["contract"] = folder / "contract.docx"
    shutil.copy(jobs.default_templates() / "coaching_contract.docx", paths["contract"])
    if shutil.which("soffice") is not None:
        names = [n.removeprefix("lo-") for n in _RESAVED]
        copies = libreoffice_copies([paths[n] for n in names], folder / "resaved")
        paths |= {f"lo-{n}": p for n, p in zip(names, copies, strict=True)}
    out = {}
    for name, path in paths.items():
        with zipfile.ZipFile(path) as zf:
            out[name] = {i.filename: zf.read(i) for i in zf.infolist()}
    for name in _RESAVED:
        out.setdefault(name, out[name.removeprefix("lo-")])
    return out


@pytest.fixture(scope="module")
def contexts() -> dict[str, dict[str, object]]:
    contract = _contract_context()
    return {"contract": contract, "other": {**contract, **VALUES}}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutants")


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, float, int, str]]]:
    template = draw(st.sampled_from(_TEMPLATES + _RESAVED))
    part = draw(st.sampled_from(_PARTS))
    steps = draw(st.lists(st.tuples(
        st.sampled_from(_ACTIONS),
        st.floats(0, 1, allow_nan=False),
        st.integers(1, 300),
        st.one_of(st.sampled_from(_SNIPPETS), st.text(max_size=6))),
        min_size=1, max_size=4))
    return template, part, steps


def _pick(items: list[re.Match[str]], where: float) -> re.Match[str] | None:
    return items[min(int(where * len(items)), len(items) - 1)] if items else None


def _escaped(snippet: str) -> str:
    """Return a snippet as typed text is written (escaped), except the odd raw one."""
    if snippet.startswith(("<w:", "</w:", "<!", "&#", "<?")):
        return snippet  # markup: inserted raw on purpose
    return snippet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mutate(text: str, steps: list[tuple[str, float, int, str]]) -> str:
    for action, where, size, snippet in steps:
        at = min(int(where * len(text)), max(len(text) - 1, 0))
        texts = list(_TEXT.finditer(text))
        node = _pick(texts, where)
        tag = _pick(list(_JINJA.finditer(text)), where)
        if action == "raw_insert":
            text = text[:at] + snippet + text[at:]
        elif action == "raw_delete":
            text = text[:at] + text[at + size % 60 + 1:]
        elif action == "raw_repeat":
            text = text[:at] + text[at:at + size] + text[at:]
        elif action == "raw_reverse":
            text = text[:at] + text[at:at + size][::-1] + text[at + size:]
        elif action in ("drop_element", "copy_element"):
            element = _pick(list(_ELEMENT.finditer(text)), where)
            if element is None:
                continue
            if action == "drop_element":
                text = text[:element.start()] + text[element.end():]
            else:
                text = text[:element.start()] + element.group(0) * (1 + size % 2) \
                    + text[element.start():]
        elif node is None:
            continue
        elif action in ("type", "erase", "repeat", "split_run"):
            body = node.group(2)
            cut = node.start(2) + size * len(body) // 300
            if action == "type":
                text = text[:cut] + _escaped(snippet) + text[cut:]
            elif action == "erase":
                text = text[:cut] + text[min(cut + size % 8 + 1, node.end(2)):]
            elif action == "repeat":
                text = text[:cut] + text[cut:node.end(2)] + text[cut:]
            else:  # Word splits a run where formatting or spell-checking changes
                text = text[:cut] + "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>" + text[cut:]
        elif tag is None:
            continue
        elif action == "break_tag":  # a tag cut through or mistyped in its middle
            cut = tag.start() + max(1, (tag.end() - tag.start()) * size // 301)
            text = text[:cut] + _escaped(snippet) + text[cut + size % 2:]
        elif action == "drop_tag":  # e.g. an {% endif %} gone
            text = text[:tag.start()] + text[tag.end():]
        else:  # copy_tag: a tag typed again elsewhere (an extra {%p endfor %}...)
            text = text[:node.start(2)] + tag.group(0) + text[node.start(2):]
    return text


def _write(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


@settings(max_examples=1500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(mutation=mutations())
def test_a_mutated_template_gives_a_message_or_a_sound_document(
        mutation: tuple[str, str, list[tuple[str, float, int, str]]],
        originals: dict[str, dict[str, bytes]], contexts: dict[str, dict[str, object]],
        folder: Path) -> None:
    template, part, steps = mutation
    parts = dict(originals[template])
    if part not in parts:
        part = "word/document.xml"
    parts[part] = _mutate(parts[part].decode("utf-8"), steps).encode("utf-8")
    path = folder / f"{template}.docx"
    _write(path, parts)
    context = contexts["contract" if template.endswith("contract") else "other"]
    try:
        data = compile_template(path).render(context, {"docgen.kind": "test"})
    except DocgenError as exc:
        assert exc.problems, "a refusal says why"
        problem = exc.problems[0]
        assert problem.message
        assert problem.file == str(path) or str(path) in problem.message, problem
        event(f"refused: {problem.message[:40]}")
        return
    event("rendered")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name))  # a document written is never broken
