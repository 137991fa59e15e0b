"""docgen's output equals docxtpl's, part by part, for a corpus of templates the tests build.

Every docxtpl tag form, filters, fields in headers, footers, footnotes, endnotes, text boxes and
properties, tracked changes; each as python-docx writes it and again re-saved by LibreOffice.
For each, every XML part docgen writes is parsed and compared with docxtpl's (text and
structure, canonicalised), and core properties are compared by value.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from conftest import docxtpl_parts
from lxml import etree

from docgen.documents.render import compile_template

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
VALUES: dict[str, object] = {
    "team_name": "A & B <Ltd> \"quoted\" 'single' 🚀",
    "team_members": "Élodie Lefèvre\nZoë Smith\nSam Jones",
    "tabbed": "left\tright",
    "paged": "before\x0cafter",
    "bell": "one\x07two",
    "organisation": "NHS Lothian",
    "items": ["alpha", "beta & co", "gamma"],
    "empty": "",
}
_SKIP = {"docProps/custom.xml", "[Content_Types].xml", "_rels/.rels", "docProps/core.xml"}
_CORE = ("creator", "description", "identifier", "language", "subject", "title")
_DC = "{http://purl.org/dc/elements/1.1/}"


# --- building templates ---------------------------------------------------------------------


def rewrite(path: Path, edits: dict[str, Callable[[bytes | None], bytes]]) -> Path:
    """Rewrite (or add) parts of the package at ``path``: name -> function of old bytes."""
    with zipfile.ZipFile(path) as zf:
        items = {i.filename: zf.read(i) for i in zf.infolist()}
    for name, edit in edits.items():
        items[name] = edit(items.get(name))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    return path


def in_body(path: Path, old: str, new: str) -> Path:
    """Replace ``old`` by ``new`` in the body's XML (which must hold it)."""
    def edit(xml: bytes | None) -> bytes:
        assert xml is not None and old.encode() in xml, old
        return xml.replace(old.encode(), new.encode(), 1)
    return rewrite(path, {"word/document.xml": edit})


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _doc(*paragraphs: str) -> docx.Document:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    return d


def t_plain(d: docx.Document) -> None:
    p = d.add_paragraph()
    p.add_run("Team: {{ team_")
    p.add_run("name }}").bold = True
    d.add_paragraph("Members: {{ team_members }} / {{ team_members|e }} / {{ tabbed }}")
    d.add_paragraph("Odd: {{ paged }} {{ bell }} {{ empty or 'none' }}")
    d.add_paragraph("Filters: {{ organisation|upper }} {{ items|join(', ') }} "
                    "{{ team_name|replace('B', 'b') }} {{ items|length }}")
    d.add_paragraph("Quotes: {{ \u201cliteral\u201d }} {{ 'x' ~ organisation }}")
    d.add_paragraph("Escaped: {_{ team_name }_} and {_% if %_}")
    d.add_paragraph("{# a comment #}Comment gone")
    d.add_paragraph("Run: {{r team_members }} and {{r tabbed }}")
    d.add_paragraph("{{p team_members }}")


def t_loops(d: docx.Document) -> None:
    d.add_paragraph("{%p for item in items %}")
    d.add_paragraph("Item {{ loop.index }}: {{ item }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p if organisation %}")
    d.add_paragraph("Has {{ organisation }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{#p a paragraph comment #}")
    d.add_paragraph("Before {%r if organisation %}run{%r endif %} after")
    table = d.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for item in items %}"
    table.cell(1, 0).text, table.cell(1, 1).text = "{{ item }}", "{{ team_members }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    cols = d.add_table(rows=2, cols=3)
    for cell, text in zip(cols.rows[0].cells, ("{%tc for c in items %}", "{{ c }}",
                                               "{%tc endfor %}"), strict=True):
        cell.text = text
    d.add_paragraph("{%p if empty %}")
    d.add_paragraph("never")
    d.add_paragraph("{%p endif %}")


def t_stories(d: docx.Document) -> None:
    d.add_paragraph("Body {{ team_name }}")
    d.sections[0].header.paragraphs[0].text = "Header {{ team_name }} {{ team_members }}"
    d.sections[0].footer.paragraphs[0].text = "Footer {{ organisation|upper }}"
    d.core_properties.title = "Contract for {{ team_name }}"
    d.core_properties.subject = "{{ organisation }}"


def t_picture_loop(d: docx.Document, folder: Path) -> None:
    png = folder / "dot.png"
    png.write_bytes(_png())
    d.add_paragraph("{%p for item in items %}")
    d.add_paragraph().add_run().add_picture(str(png))
    d.add_paragraph("{{ item }}")
    d.add_paragraph("{%p endfor %}")


_TEXT_BOX = (
    '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="914400" cy="457200"/><wp:docPr id="7" '
    'name="Text Box 7"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
    'main"><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
    'wordprocessingShape"><wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/'
    'wordprocessingShape"><wps:spPr/><wps:txbx><w:txbxContent><w:p><w:r><w:t>Box '
    '{{ item }} {{ team_members }}</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/>'
    '</wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def t_text_box(d: docx.Document) -> None:
    d.add_paragraph("{%p for item in items %}")
    d.add_paragraph("TEXTBOX")
    d.add_paragraph("{%p endfor %}")


def t_tracked(d: docx.Document) -> None:
    d.add_paragraph("Kept {{ organisation }} INSERTED DELETED end")


def _notes_part(kind: str, text: str) -> bytes:
    tag = kind[:-1]
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:{kind} '
            f'xmlns:w="{W_NS}"><w:{tag} w:type="separator" w:id="-1"><w:p><w:r>'
            f'<w:separator/></w:r></w:p></w:{tag}><w:{tag} w:id="1"><w:p><w:r><w:t>{text}'
            f"</w:t></w:r></w:p></w:{tag}></w:{kind}>").encode()


def _add_notes(path: Path) -> None:
    rel = '<Relationship Id="rIdN{0}" Type="http://schemas.openxmlformats.org/officeDocument/' \
          '2006/relationships/{1}" Target="{1}.xml"/>'
    ct = '<Override PartName="/word/{0}.xml" ContentType="application/vnd.openxmlformats-' \
         'officedocument.wordprocessingml.{0}+xml"/>'
    rewrite(path, {
        "word/footnotes.xml": lambda _: _notes_part("footnotes", "Foot {{ team_name }}"),
        "word/endnotes.xml": lambda _: _notes_part("endnotes", "End {{ team_name }}"),
        "word/_rels/document.xml.rels": lambda x: x.replace(
            b"</Relationships>", (rel.format(1, "footnotes") + rel.format(2, "endnotes")
                                  + "</Relationships>").encode()),
        "[Content_Types].xml": lambda x: x.replace(
            b"</Types>", (ct.format("footnotes") + ct.format("endnotes") + "</Types>").encode()),
    })
    in_body(path, "Body {{ team_name }}</w:t></w:r>",
            'Body {{ team_name }}</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'
            '<w:r><w:endnoteReference w:id="1"/></w:r>')


def t_ids(d: docx.Document) -> None:
    d.add_paragraph("{%p for item in items %}")
    d.add_paragraph("BOOKMARKED")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("Kept once")
    table = d.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "{%tr for item in items %}"
    table.cell(1, 0).text = "ROWMARK"
    table.cell(2, 0).text = "{%tr endfor %}"


_COMMENTS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:comments '
    f'xmlns:w="{W_NS}"><w:comment w:id="0" w:author="Admin" w:initials="A"><w:p><w:r>'
    "<w:t>Check the item</w:t></w:r></w:p></w:comment></w:comments>").encode()


def _add_ids(path: Path) -> None:
    """Give every paragraph Word's ids, and the looped paragraph and row bookmarks and a
    comment, as Word saves them (python-docx writes none)."""
    count = iter(range(0x1A2B3C00, 0x1A2B3D00))

    def edit(xml: bytes | None) -> bytes:
        text = (xml or b"").decode()
        text = re.sub(r"<w:p>", lambda _: f'<w:p w14:paraId="{next(count):08X}" '
                      f'w14:textId="{next(count):08X}">', text)
        text = text.replace(
            "<w:r><w:t>BOOKMARKED</w:t></w:r>",
            '<w:bookmarkStart w:id="5" w:name="item_mark"/><w:commentRangeStart w:id="0"/>'
            "<w:r><w:t>BOOKMARKED {{ item }}</w:t></w:r><w:commentRangeEnd w:id=\"0\"/>"
            '<w:r><w:commentReference w:id="0"/></w:r><w:bookmarkEnd w:id="5"/>', 1)
        text = text.replace(
            "<w:r><w:t>ROWMARK</w:t></w:r>",
            '<w:bookmarkStart w:id="6" w:name="_Toc_row"/><w:r><w:t>Row {{ item }}</w:t>'
            '</w:r><w:bookmarkEnd w:id="6"/>', 1)
        return text.encode()

    rel = ('<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/comments" Target="comments.xml"/>')
    ct = ('<Override PartName="/word/comments.xml" ContentType="application/vnd.'
          'openxmlformats-officedocument.wordprocessingml.comments+xml"/>')
    rewrite(path, {
        "word/document.xml": edit,
        "word/comments.xml": lambda _: _COMMENTS,
        "word/_rels/document.xml.rels": lambda x: (x or b"").replace(
            b"</Relationships>", rel.encode() + b"</Relationships>"),
        "[Content_Types].xml": lambda x: (x or b"").replace(b"</Types>",
                                                           ct.encode() + b"</Types>"),
    })


def build(name: str, folder: Path) -> Path:
    """Write the corpus template ``name`` into ``folder`` and return its path."""
    d = _doc()
    path = folder / f"{name}.docx"
    {"plain": t_plain, "loops": t_loops, "stories": t_stories, "notes": t_stories,
     "text_box": t_text_box, "tracked": t_tracked, "ids": t_ids,
     "picture_loop": lambda doc: t_picture_loop(doc, folder)}[name](d)
    d.save(str(path))
    if name == "notes":
        _add_notes(path)
    if name == "ids":
        _add_ids(path)
    if name == "text_box":
        in_body(path, "<w:r><w:t>TEXTBOX</w:t></w:r>", _TEXT_BOX)
    if name == "tracked":
        in_body(path, "<w:r><w:t>Kept {{ organisation }} INSERTED "
                "DELETED end</w:t></w:r>",
                '<w:r><w:t xml:space="preserve">Kept {{ organisation }} </w:t></w:r>'
                '<w:ins w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t '
                'xml:space="preserve">new {{ team_name }} </w:t></w:r></w:ins>'
                '<w:del w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:delText '
                'xml:space="preserve">{{ team_members }} {{r team_members }} {%p if x %}'
                '</w:delText></w:r></w:del><w:r><w:t>end</w:t></w:r>')
    return path


CORPUS = ["plain", "loops", "stories", "notes", "text_box", "tracked", "picture_loop", "ids"]


# --- rendering both ways, comparing ---------------------------------------------------------


def docgen_parts(template: Path, context: dict[str, object]) -> dict[str, bytes]:
    data = compile_template(template).render(context, {})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


_PARSER = etree.XMLParser(remove_blank_text=True)


W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_ANCHORS = tuple(f"{W}{n}" for n in ("bookmarkStart", "bookmarkEnd", "commentRangeStart",
                                     "commentRangeEnd", "commentReference"))


def canonical(data: bytes, drop_deletions: bool = False) -> bytes:
    """Return a part canonicalised for comparing, less the ids docgen makes unique where
    docxtpl leaves a loop's copies sharing them (checked by :func:`assert_unique_ids`)."""
    root = etree.fromstring(data, _PARSER)
    if drop_deletions:
        for el in list(root.iter(f"{W}del")):
            el.getparent().remove(el)
    for el in list(root.iter(*_ANCHORS)):
        el.getparent().remove(el)
    for el in root.iter(f"{W}p"):
        for attr in (f"{W14}paraId", f"{W14}textId"):
            el.attrib.pop(attr, None)
    return etree.tostring(root, method="c14n", exclusive=True)


def assert_unique_ids(parts: dict[str, bytes]) -> None:
    """Assert the ids Word requires unique are: paragraph ids over the whole document,
    bookmark ids and names (each start with one end), comment anchors (one of each)."""
    para: list[str] = []
    for name, data in parts.items():
        if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml",
                            name):
            continue
        root = etree.fromstring(data)
        for p in root.iter(f"{W}p"):
            para += [f"{a}={p.get(a)}" for a in (f"{W14}paraId", f"{W14}textId")
                     if p.get(a) is not None]
        starts = [(b.get(f"{W}id"), b.get(f"{W}name")) for b in root.iter(f"{W}bookmarkStart")]
        ends = [b.get(f"{W}id") for b in root.iter(f"{W}bookmarkEnd")]
        assert len({i for i, _ in starts}) == len(starts), (name, starts)
        assert len({n for _, n in starts}) == len(starts), (name, starts)
        assert sorted(ends) == sorted(i for i, _ in starts), (name, starts, ends)
        for kind in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            ids = [c.get(f"{W}id") for c in root.iter(f"{W}{kind}")]
            assert len(set(ids)) == len(ids), (name, kind, ids)
    assert len(set(para)) == len(para), sorted(para)


def core_values(data: bytes) -> dict[str, str]:
    root = etree.fromstring(data)
    return {n: root.findtext(f"{_DC}{n}") or "" for n in _CORE}


def deletions_accepted(template: Path) -> Path:
    """Return a copy of ``template`` with its tracked deletions accepted (for docxtpl, which
    renders into deleted text and so fails on a deleted {%p %} tag)."""
    copy = template.with_name("accepted-" + template.name)
    shutil.copy(template, copy)

    def edit(xml: bytes | None) -> bytes:
        root = etree.fromstring(xml or b"")
        for el in list(root.iter(f"{W}del")):
            el.getparent().remove(el)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return rewrite(copy, {"word/document.xml": edit})


def assert_same(template: Path, context: dict[str, object], tracked: bool = False) -> None:
    reference = deletions_accepted(template) if tracked else template
    theirs, ours = docxtpl_parts(reference, context), docgen_parts(template, context)
    assert set(theirs) <= set(ours)
    for name, data in ours.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # every part docgen writes is well-formed
    assert_unique_ids(ours)
    for name in sorted(set(theirs) - _SKIP):
        if name.endswith((".xml", ".rels")):
            assert canonical(ours[name], tracked) == canonical(theirs[name], tracked), name
        else:
            assert ours[name] == theirs[name], name
    if "docProps/core.xml" in ours:
        assert core_values(ours["docProps/core.xml"]) == core_values(theirs["docProps/core.xml"])


def libreoffice_copies(paths: list[Path], folder: Path) -> list[Path]:
    """Re-save ``paths`` with LibreOffice into ``folder`` (one profile, one process)."""
    folder.mkdir()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "docx", "--outdir", str(folder), *map(str, paths)],
                   check=True, capture_output=True, timeout=240)
    return [folder / p.name for p in paths]


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS)
def test_docgen_renders_the_corpus_as_docxtpl_does(tmp_path: Path, name: str) -> None:
    assert_same(build(name, tmp_path), dict(VALUES), tracked=name == "tracked")


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("corpus")
    paths = [build(name, folder) for name in CORPUS]
    return dict(zip(CORPUS, libreoffice_copies(paths, folder / "resaved"), strict=True))


@pytest.mark.parametrize("name", CORPUS)
def test_docgen_renders_the_corpus_resaved_by_libreoffice_as_docxtpl_does(
        resaved: dict[str, Path], name: str) -> None:
    assert_same(resaved[name], dict(VALUES), tracked=name == "tracked")


def test_tabs_breaks_and_escapes_are_docxtpl_s(tmp_path: Path) -> None:
    parts = docgen_parts(build("plain", tmp_path), dict(VALUES))
    body = etree.fromstring(parts["word/document.xml"]).find(f"{W}body")
    text = ["".join(t.text or ("\t" if t.tag == f"{W}tab" else "\n")
                    for t in p.iter(f"{W}t", f"{W}tab", f"{W}br")) for p in body.iter(f"{W}p")]
    members = "Élodie Lefèvre\nZoë Smith\nSam Jones"
    assert f"Members: {members} / {members} / left\tright" in text
    assert "Escaped: {{ team_name }} and {% if %}" in text


def test_a_tracked_deletion_is_left_as_typed(tmp_path: Path) -> None:
    parts = docgen_parts(build("tracked", tmp_path), {"organisation": "X", "team_name": "T"})
    root = etree.fromstring(parts["word/document.xml"])
    deleted = "".join(t.text or "" for t in root.iter(f"{W}delText"))
    assert deleted == "{{ team_members }} {{r team_members }} {%p if x %}"
    assert compile_template(tmp_path / "tracked.docx").variables == {"organisation",
                                                                      "team_name"}


def test_drawings_repeated_by_a_loop_get_unique_ids(tmp_path: Path) -> None:
    for name in ("text_box", "picture_loop"):
        parts = docgen_parts(build(name, tmp_path), dict(VALUES))
        ids = [e.get("id") for e in etree.fromstring(parts["word/document.xml"]).iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
        assert len(ids) == 3 and len(set(ids)) == 3, ids


def test_ids_repeated_by_loops_are_made_unique(tmp_path: Path) -> None:
    path = build("ids", tmp_path)
    parts = docgen_parts(path, dict(VALUES))
    assert_unique_ids(parts)
    body = etree.fromstring(parts["word/document.xml"])
    names = [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]
    assert names == ["item_mark", "item_mark_2", "item_mark_3", "_Toc_row", "_Toc_row_2",
                     "_Toc_row_3"]
    assert len(list(body.iter(f"{W}commentReference"))) == 1  # the comment stays on the first
    ids = [p.get(f"{W14}paraId") for p in body.iter(f"{W}p")]
    assert "1A2B3C00" not in ids  # the {%p for %} paragraph itself is gone, as in docxtpl
    # docxtpl leaves the copies sharing ids: what docgen changes, and only that
    theirs = docxtpl_parts(path, dict(VALUES))
    with pytest.raises(AssertionError):
        assert_unique_ids(theirs)
    assert canonical(parts["word/document.xml"]) == canonical(theirs["word/document.xml"])


def test_a_document_with_loops_over_ids_opens_in_libreoffice(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    data = compile_template(build("ids", tmp_path)).render(dict(VALUES), {})
    out = tmp_path / "out.docx"
    out.write_bytes(data)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=240)
    pdf = (tmp_path / "out.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


@pytest.mark.parametrize("xml, expected", [
    # a bookmark started before the loop, ended in it: the copies' ends are dropped
    ('<a><w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkEnd w:id="1"/>'
     '<w:bookmarkEnd w:id="1"/></a>',
     '<a><w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkEnd w:id="1"/></a>'),
    # started in the loop, ended after it: the first start keeps the end, copies go
    ('<a><w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkStart w:id="1" w:name="b"/>'
     '<w:bookmarkEnd w:id="1"/></a>',
     '<a><w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkEnd w:id="1"/></a>'),
    # whole bookmarks repeated: fresh ids past every id the template uses, names suffixed
    ('<a><w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkEnd w:id="1"/>'
     '<w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkEnd w:id="1"/></a>',
     '<a><w:bookmarkStart w:id="1" w:name="b"/><w:bookmarkEnd w:id="1"/>'
     '<w:bookmarkStart w:id="10" w:name="b_3"/><w:bookmarkEnd w:id="10"/></a>'),
    ('<a><w:p w14:paraId="00000001" w14:textId="00000001"/>'
     '<w:p w14:paraId="00000001" w14:textId="00000001"/></a>',
     '<a><w:p w14:paraId="00000001" w14:textId="00000001"/>'
     '<w:p w14:paraId="00000003" w14:textId="00000004"/></a>'),
])
def test_unique_ids_pairs_and_numbers_as_documented(xml: str, expected: str) -> None:
    from docgen.ooxml.ids import TakenIds, unique_ids

    taken = TakenIds.of(['<w:bookmarkStart w:id="9" w:name="b_2"/>',
                         '<w:p w14:paraId="00000002"/>', xml])
    assert unique_ids(xml, taken) == expected
