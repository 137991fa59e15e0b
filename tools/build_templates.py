"""Build docgen's two Word templates from code, so they can be rebuilt and reviewed.

Writes, into ``templates/``:

- ``coaching_contract.docx`` -- the Lothian QI Academy *Contract for coaching* (identity block,
  aims / terms / ground rules table, signatures), then one *Record of Coaching* form per record
  (``{%p for r in records %}``) whose fields are plain-text content controls tagged
  ``record.*``, then the *COACHING RECORD* table (known sessions, then blank rows).
- ``mentor_agreement.docx`` -- the *QI Practitioner and Mentor agreement*, its fields being
  content controls tagged ``agreement.*``, signatures, then the CLEAR model.

Both mirror the programme's paper forms (their text: ``tests/files/seed_*.txt``). Field tags, labels
and the COACHING RECORD header come from :mod:`docgen.schema`. Every Jinja tag is written into a
single run, so docxtpl never sees a split tag. The files are lean: python-docx's default styles,
latent styles, theme, stylesWithEffects, web settings, thumbnail and custom XML are replaced or
dropped, and the zip is written with fixed timestamps so a rebuild of unchanged code gives the
same bytes.

Rebuild (from the repository root)::

    python tools/build_templates.py            # or /work/venv/bin/python tools/build_templates.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from docgen import schema  # noqa: E402

TEMPLATES = REPO / "templates"

# Page: A4, 2 cm side margins -> 17 cm of text width.
TEXT_WIDTH_CM = 17.0
LABEL_FILL = "E8EDF2"  # light blue-grey shading of label cells
HEADER_FILL = "D5DEE8"  # a little darker, for header rows of tables
TAG_COLOR = "7F7F7F"  # grey for the {%p %} / {%tr %} control tags (docxtpl removes them)
FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# --------------------------------------------------------------------------------------------
# Lean package parts (replace python-docx's 790 KB defaults)
# --------------------------------------------------------------------------------------------

STYLES_XML = f"""
<w:styles {nsdecls("w")}>
  <w:docDefaults>
    <w:rPrDefault><w:rPr>
      <w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>
      <w:sz w:val="22"/><w:szCs w:val="22"/>
      <w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>
    </w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr>
      <w:spacing w:after="120" w:line="264" w:lineRule="auto"/>
    </w:pPr></w:pPrDefault>
  </w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/><w:qFormat/>
  </w:style>
  <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
    <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>
    <w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="table" w:default="1" w:styleId="TableNormal">
    <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
    <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>
      <w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
      <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
    </w:tblCellMar></w:tblPr>
  </w:style>
  <w:style w:type="numbering" w:default="1" w:styleId="NoList">
    <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Title">
    <w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:spacing w:before="0" w:after="200"/><w:outlineLvl w:val="0"/></w:pPr>
    <w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Subtitle">
    <w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
    <w:pPr><w:spacing w:before="0" w:after="200"/></w:pPr>
    <w:rPr><w:color w:val="404040"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Heading1">
    <w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="160"/>
      <w:outlineLvl w:val="0"/></w:pPr>
    <w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Heading2">
    <w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/>
      <w:outlineLvl w:val="1"/></w:pPr>
    <w:rPr><w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText">
    <w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:spacing w:before="50" w:after="50" w:line="252" w:lineRule="auto"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Hint">
    <w:name w:val="Hint"/><w:basedOn w:val="TableText"/>
    <w:rPr><w:i/><w:iCs/><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="ListBullet">
    <w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="9"/>
    <w:qFormat/>
    <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:before="0" w:after="60"/>
      <w:ind w:left="357" w:hanging="357"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:unhideWhenUsed/>
    <w:pPr><w:tabs><w:tab w:val="right" w:pos="9638"/></w:tabs><w:spacing w:after="0"/></w:pPr>
    <w:rPr><w:color w:val="595959"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:styleId="PlaceholderText">
    <w:name w:val="Placeholder Text"/><w:basedOn w:val="DefaultParagraphFont"/>
    <w:uiPriority w:val="99"/><w:semiHidden/>
    <w:rPr><w:color w:val="808080"/></w:rPr>
  </w:style>
  <w:style w:type="table" w:styleId="TableGrid">
    <w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>
    <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
    <w:tblPr><w:tblBorders>
      <w:top w:val="single" w:sz="6" w:space="0" w:color="404040"/>
      <w:left w:val="single" w:sz="6" w:space="0" w:color="404040"/>
      <w:bottom w:val="single" w:sz="6" w:space="0" w:color="404040"/>
      <w:right w:val="single" w:sz="6" w:space="0" w:color="404040"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="404040"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="404040"/>
    </w:tblBorders><w:tblCellMar>
      <w:top w:w="28" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
      <w:bottom w:w="28" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
    </w:tblCellMar></w:tblPr>
  </w:style>
</w:styles>
"""

NUMBERING_XML = f"""
<w:numbering {nsdecls("w")}>
  <w:abstractNum w:abstractNumId="0">
    <w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0">
      <w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>
      <w:lvlJc w:val="left"/>
      <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr>
      <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:hint="default"/></w:rPr>
    </w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>
"""

SETTINGS_XML = f"""
<w:settings {nsdecls("w")}>
  <w:zoom w:percent="100"/>
  <w:defaultTabStop w:val="720"/>
  <w:characterSpacingControl w:val="doNotCompress"/>
  <w:compat>
    <w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"
      w:val="15"/>
  </w:compat>
  <w:themeFontLang w:val="en-GB"/>
  <w:decimalSymbol w:val="."/>
  <w:listSeparator w:val=","/>
</w:settings>
"""

FONT_TABLE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}"><w:font w:name="{FONT}"><w:panose1 w:val="020B0604020202020204"/>\
<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>
"""

APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>docgen tools/build_templates.py</Application></Properties>
"""

DROP_RELTYPES = ("stylesWithEffects", "webSettings", "theme", "customXml", "thumbnail")

# --------------------------------------------------------------------------------------------
# The text of the original forms
# --------------------------------------------------------------------------------------------

AIMS_INTRO = (
    "Coach\u2019s role is to help translate improvement knowledge into practice by supporting "
    "individuals and or groups in their improvement efforts. The coaches will:-"
)
AIMS_BULLETS = (
    "Share knowledge of improvement tools and techniques",
    "Provide ideas and advice about application of improvement techniques( using the lens of "
    "profound knowledge as a basis.)",
    "Explore testing, implementation and spread challenges",
    "Encourage you in your improvement efforts",  # original: "Encourage the you in ..."
    "Maximise your impact",
    "Secure your gains",
    "Extend your reach",
    "Help you reflect on your learning",
    "Inspire you to achieve even more",
)
TERMS = (
    ("Frequency of sessions", "{{ frequency }}"),
    ("Duration of session", "{{ duration }}"),
    ("Venue", "{{ venue }}"),
    ("Review/Evaluation", "After {{ review_after_sessions }} sessions"),
)
COURSE = (
    "Involvement in the {{ programme }} Course involves attendance at {{ training_days }} full "
    "training days across a period of {{ course_months }} months.  Separate to these training "
    "days, the participant will also be involved in a minimum of {{ minimum_coaching_hours }} "
    "hours of individual coaching to support their project work. A poster submission and "
    "presentation is required to complete the course."
)
# (label, text); None marks where the course paragraph goes (a full-width row, as in the seed).
GROUND_RULES = (
    ("Confidentiality",
     "Although the coach will not normally take what is discussed outside the sessions, where "
     "illegal, unprofessional or unethical practice is disclosed, this may be necessary. The "
     "team would in the first instance be encouraged to self-report."),
    ("Code", "We agree to abide by Code of Professional Conduct"),
    ("Respect", "We agree to show respect and loyalty to one another"),
    ("Punctuality", "We agree to be punctual"),
    ("Accountability", "The coachee is accountable for their own practice."),
    ("Responsibilities",
     "The coaches are responsible for taking forward action points agreed at the session"),
    None,
    ("Note-taking",
     "The Coach will keep brief notes for the sole purpose of the coaching sessions"),
    ("Cancellations",
     "We agree to give notice of our non-attendance in advance, quickly rearranging the "
     "session"),
)

AGREEMENT_MEET = (
    "We agree to meet up / telephone discussion to discuss the QI Practitioner\u2019s "
    "improvement project:"
)
AGREEMENT_NOTICE = (
    "If one of us cannot keep this appointment, we agree to give each other adequate notice."
)
AGREEMENT_ADEQUATE = "What \u201cadequate\u201d means should be agreed by both at this point"
AGREEMENT_FOLLOW_UP = (
    "Where little progress is made, both parties agree to follow up with their respective "
    "teams to clarify how to move forward."
)
AGREEMENT_ORGANISED = (
    "In line with improvement practice each of us will approach our meetings in an organised "
    "way, having read through the relevant work, and with an aim for our meeting/ discussion."
)
AGREEMENT_CONFIDENTIAL = (
    "What we discuss will be confidential unless it needs to be disclosed by law or because of "
    "organisational guidelines or because it may provide a risk to yourself or to another. In "
    "the unlikely event that this situation may arise, we will discuss what actions we need to "
    "take."
)
CLEAR_HEADING = "Contracting, Listening Exploring Action Review"
CLEAR = (
    ("Contracting",
     ["Here you are not only helping your QI Practitioner establish what outcomes they want to "
      "achieve as a result of coaching you are also opening up the discussion, establishing the "
      "scope of the coaching and setting ground rules for working together."], []),
    ("Listening",
     ["This stage is all about actively listening to your QI Practitioner and listening with "
      "empathy to help them to gain an understanding of their situation and personal insight."],
     []),
    ("Exploring",
     ["This stage comprises two elements:"],
     [("Exploring 1:", "Helping the QI practitioner understand the personal learning and "
       "current situation regarding their improvement project."),
      ("Exploring 2:", "Challenging the QI Practitioner to think through possibilities for "
       "future action in progressing the project and their learning.")]),
    ("Action",
     ["At this stage you are supporting the QI Practitioner in choosing a way ahead and "
      "deciding the next step."], []),
    ("Review",
     ["Finally, this is about closing the session, reinforcing ground covered, decisions made "
      "and value added. As a coach you are also encouraging feedback from your QI Practitioner "
      "on what was helpful about the coaching process, what was difficult and what they would "
      "like to be different in future coaching sessions."], []),
)

# --------------------------------------------------------------------------------------------
# Small building blocks
# --------------------------------------------------------------------------------------------


def _el(tag: str, **attrs: str):
    """A new ``w:`` element with ``w:`` attributes."""
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def add_run(par, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            color: str | None = None):
    """Append one run (a Jinja tag in ``text`` stays whole: one run, one ``w:t``)."""
    run = par.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def add_break(par) -> None:
    par.add_run().add_break(WD_BREAK.LINE)


def add_control(par, tag: str, alias: str, expr: str) -> None:
    """Append an inline plain-text content control whose value is ``{{ expr }}``.

    No placeholder text: the engine fills ``docgen.schema.PLACEHOLDERS[tag]`` into controls
    left empty, in the ``PlaceholderText`` character style.
    """
    assert tag in schema.PLACEHOLDERS, tag
    sdt = _el("w:sdt")
    pr = sdt.makeelement(qn("w:sdtPr"), {})
    pr.append(_el("w:alias", val=alias))
    pr.append(_el("w:tag", val=tag))
    pr.append(_el("w:text", multiLine="1"))
    sdt.append(pr)
    content = sdt.makeelement(qn("w:sdtContent"), {})
    r = content.makeelement(qn("w:r"), {})
    t = r.makeelement(qn("w:t"), {})
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = "{{ " + expr + " }}"
    r.append(t)
    content.append(r)
    sdt.append(content)
    par._p.append(sdt)


def paragraph(container, text: str = "", style: str | None = None, **run_kw):
    """A new paragraph at the end of ``container`` (document or cell)."""
    par = container.add_paragraph(style=style)
    if text:
        add_run(par, text, **run_kw)
    return par


def cell_paragraph(cell, text: str = "", style: str = "Table Text", **run_kw):
    """The cell's own first paragraph while it is untouched (``<w:p/>``), else a new one."""
    pars = cell.paragraphs
    if len(pars) == 1 and len(pars[0]._p) == 0:
        par = pars[0]
        par.style = style
    else:
        par = cell.add_paragraph(style=style)
    if text:
        add_run(par, text, **run_kw)
    return par


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(_el("w:shd", val="clear", color="auto", fill=fill))


def valign(cell, where: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(_el("w:vAlign", val=where))


def new_table(doc, rows: int, widths_cm: list[float]):
    """A bordered, fixed-layout table of the full text width."""
    assert abs(sum(widths_cm) - TEXT_WIDTH_CM) < 0.01, widths_cm
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(round(TEXT_WIDTH_CM * 567))))
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_cm, strict=True):
        grid_col.w = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    return table


def row_height(row, cm: float, *, keep_together: bool = True) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if keep_together:
        row._tr.get_or_add_trPr().insert(0, _el("w:cantSplit"))


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, _el("w:cantSplit"))
    tr_pr.append(_el("w:tblHeader"))


def merge_row(row):
    """Merge all cells of ``row``; returns the merged cell."""
    cells = row.cells
    return cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]


def label_cell(cell, text: str) -> None:
    shade(cell, LABEL_FILL)
    cell_paragraph(cell, text, bold=True)


def spacer(doc, pt: float = 6):
    par = doc.add_paragraph()
    par.paragraph_format.space_after = Pt(0)
    par.paragraph_format.space_before = Pt(0)
    par.paragraph_format.line_spacing = Pt(pt)
    return par


def jinja_paragraph(doc, tag: str) -> None:
    """A paragraph holding only a ``{%p ... %}`` tag (docxtpl removes the paragraph)."""
    par = doc.add_paragraph()
    add_run(par, tag, size=8, color=TAG_COLOR)


def jinja_row(table, tag: str) -> None:
    """A table row holding only a ``{%tr ... %}`` tag (docxtpl removes the row)."""
    row = table.add_row()
    cell = merge_row(row)
    cell_paragraph(cell, tag, size=8, color=TAG_COLOR)


def add_footer(doc, text: str) -> None:
    """The footer of every page: ``text`` (the form's name and whose it is), then Page n of N.

    ``text`` may hold Jinja (one run): pages printed and separated still say whose they are.
    """
    par = doc.sections[0].footer.paragraphs[0]
    par.style = doc.styles["Footer"]
    add_run(par, text + "\t" + "Page ")
    for instr in ("PAGE", "NUMPAGES"):
        fld = _el("w:fldSimple", instr=f" {instr} ")
        r = _el("w:r")
        t = _el("w:t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        par._p.append(fld)
        if instr == "PAGE":
            add_run(par, " of ")


def signature_table(doc, rows: list[tuple[str, str]], *, loop: str = "") -> None:
    """Role | Name | Signature | Date, with room to sign: one row per signatory.

    With ``loop`` (e.g. ``"sig in signatures"``) the one row of ``rows`` is repeated by a
    ``{%tr for %}`` per item of the context's list, so each coach and member signs on a row.
    """
    table = new_table(doc, 1, [3.6, 5.4, 5.2, 2.8])
    header = table.rows[0]
    repeat_header(header)
    for cell, text in zip(header.cells, ("", "Name", "Signature", "Date"), strict=True):
        shade(cell, HEADER_FILL)
        cell_paragraph(cell, text, bold=True)
    if loop:
        assert len(rows) == 1, rows
        jinja_row(table, "{%tr for " + loop + " %}")
    for role, name in rows:
        row = table.add_row()
        row_height(row, 1.3)
        label_cell(row.cells[0], role)
        cell_paragraph(row.cells[1], name)
        for cell in row.cells[:2]:
            valign(cell, "center")
    if loop:
        jinja_row(table, "{%tr endfor %}")


# --------------------------------------------------------------------------------------------
# Document skeleton and lean package
# --------------------------------------------------------------------------------------------


def new_document(title: str, subject: str):
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    def replace_children(root, xml: str) -> None:
        for child in list(root):
            root.remove(child)
        for child in parse_xml(xml.strip()):
            root.append(child)

    replace_children(doc.styles.element, STYLES_XML)
    replace_children(doc.settings.element, SETTINGS_XML)
    replace_children(doc.part.numbering_part.element, NUMBERING_XML)

    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            kind = rel.reltype.rsplit("/", 1)[-1]
            if kind in DROP_RELTYPES:
                rels.pop(r_id)
            elif kind == "fontTable":
                rel.target_part._blob = FONT_TABLE_XML.encode()
            elif kind == "extended-properties":
                rel.target_part._blob = APP_XML.encode()

    core = doc.core_properties
    for child in list(core._element):
        core._element.remove(child)
    core.title = title
    core.subject = subject
    core.author = "docgen"
    core.comments = "docgen template; rebuild with: python tools/build_templates.py"
    core.language = "en-GB"

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.7)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(0.8)
    sect_pr = section._sectPr
    for attr in ("rsidR", "rsidRPr", "rsidSect"):
        sect_pr.attrib.pop(qn(f"w:{attr}"), None)
    return doc


def save(doc, path: Path) -> int:
    """Save ``doc`` with fixed zip timestamps, atomically; returns the size in bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename), compresslevel=9)
    data = out.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


# --------------------------------------------------------------------------------------------
# The coaching contract
# --------------------------------------------------------------------------------------------


def _record_label(tag: str) -> str:
    return next(f.label for f in schema.RECORD_FIELDS if f.tag == tag)


def record_field(cell, tag: str, *, below: bool = False) -> None:
    """Label (as on the form) then the field's content control, inline in one paragraph."""
    label = _record_label(tag)
    alias = label.rstrip(":")
    par = cell_paragraph(cell)
    if tag == "record.topic":
        # The original breaks this label over two lines: "Topic/subject brought" / "to coach".
        head, _, tail = label.rpartition(" to ")
        add_run(par, head, bold=True)
        add_break(par)
        add_run(par, "to " + tail, bold=True)
    else:
        add_run(par, label, bold=True)
    if below:
        add_break(par)
    else:
        add_run(par, " ")
    add_control(par, tag, alias, "r." + tag.split(".", 1)[1])


def build_contract() -> object:
    doc = new_document("Contract for coaching", "Coaching contract, Record of Coaching forms "
                       "and COACHING RECORD")
    add_footer(doc, "Contract for coaching \u00b7 {{ team_name }} ({{ team_id }})")

    # -- title and identity block -------------------------------------------------------------
    paragraph(doc, "Contract for coaching", style="Title")
    ident = new_table(doc, 5, [3.2, 5.3, 3.2, 5.3])
    rows = ident.rows
    pairs = (
        (rows[0], ("Programme", "{{ programme }}"), ("Cohort", "{{ cohort }}")),
        (rows[1], ("Team", "{{ team_name }} ({{ team_id }})"),
         ("Organisation", "{{ organisation }}")),
        (rows[3], ("Coach/es", "{{ coach }}"), ("Coach email", "{{ coach_email }}")),
        (rows[4], ("First session", "{{ first_session }}"), ("Date issued", "{{ generated }}")),
    )
    for row, *cols in pairs:
        for i, (label, value) in enumerate(cols):
            label_cell(row.cells[2 * i], label)
            cell_paragraph(row.cells[2 * i + 1], value)
    members = rows[2].cells[1].merge(rows[2].cells[3])
    label_cell(rows[2].cells[0], "Team members")
    cell_paragraph(members, "{{ team_members }}")
    spacer(doc, 10)

    # -- aims, terms and ground rules: label | text ---------------------------------------------
    widths = [4.2, 12.8]
    table = new_table(doc, 1, widths)
    aims = table.rows[0]
    label_cell(aims.cells[0], "Aims of coaching")
    cell_paragraph(aims.cells[1], AIMS_INTRO)
    for bullet in AIMS_BULLETS:
        cell_paragraph(aims.cells[1], bullet, style="List Bullet")
    for label, value in TERMS:
        row = table.add_row()
        label_cell(row.cells[0], label)
        cell_paragraph(row.cells[1], value)
    row = table.add_row()
    cell = merge_row(row)
    shade(cell, HEADER_FILL)
    cell_paragraph(cell, "Ground Rules", bold=True, size=12)
    for item in GROUND_RULES:
        row = table.add_row()
        row._tr.get_or_add_trPr().insert(0, _el("w:cantSplit"))
        if item is None:
            cell_paragraph(merge_row(row), COURSE)
            continue
        label, text = item
        label_cell(row.cells[0], label)
        cell_paragraph(row.cells[1], text)

    # -- signatures ---------------------------------------------------------------------------
    heading = paragraph(doc, "Agreed and signed", style="Heading 2")
    heading.paragraph_format.keep_with_next = True
    intro = paragraph(doc, "We agree to the aims, terms and ground rules of this contract.")
    intro.paragraph_format.keep_with_next = True
    signature_table(doc, [("{{ sig.role }}", "{{ sig.name }}")], loop="sig in signatures")

    # -- Record of Coaching: one form per record --------------------------------------------------
    jinja_paragraph(doc, "{%p for r in records %}")
    heading = paragraph(doc, "Record of Coaching (to be retained by team)", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_before = Pt(0)
    form = new_table(doc, 7, [8.5, 8.5])
    layout = (  # (row, height cm, tags: one merged cell or two cells, value below the label)
        (0, 1.6, ("record.coach",), False),
        (1, 2.6, ("record.team_members",), True),
        (2, 1.1, ("record.date", "record.mode"), False),
        (3, 1.1, ("record.start_time", "record.finish_time"), False),
        (4, 7.0, ("record.topic", "record.issues"), True),
        (5, 8.2, ("record.action",), True),
        # the paper form's last row, shared with Held: how a coach confirms a session docgen
        # filled in ahead from the plan (its prompt says so)
        (6, 1.3, ("record.next_meeting", "record.held"), False),
    )
    for index, height, tags, below in layout:
        row = form.rows[index]
        row_height(row, height)
        cells = [merge_row(row)] if len(tags) == 1 else row.cells
        for cell, tag in zip(cells, tags, strict=True):
            record_field(cell, tag, below=below)
    jinja_paragraph(doc, "{%p endfor %}")

    # -- COACHING RECORD ------------------------------------------------------------------------
    heading = paragraph(doc, "COACHING RECORD", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_before = Pt(0)
    header = schema.COACHING_RECORD_HEADER
    record = new_table(doc, 1, [3.6, 4.0, 4.6, 4.8])
    head = record.rows[0]
    repeat_header(head)
    for cell, text in zip(head.cells, header, strict=True):
        shade(cell, HEADER_FILL)
        cell_paragraph(cell, text, bold=True)
    comments = head.cells[3].paragraphs[0]
    add_break(comments)
    add_run(comments, "e.g.: cancellations rescheduled by whom:", italic=True, size=9)

    jinja_row(record, "{%tr for s in sessions %}")
    row = record.add_row()
    row_height(row, 1.0)
    for cell, expr in zip(row.cells, ("s.coach", "s.date_of_coaching", "s.topic", "s.comments"),
                          strict=True):
        cell_paragraph(cell, "{{ " + expr + " }}")
    jinja_row(record, "{%tr endfor %}")
    jinja_row(record, "{%tr for _ in blank_rows %}")
    row = record.add_row()
    row_height(row, 1.5)
    for cell in row.cells:
        cell_paragraph(cell)
    jinja_row(record, "{%tr endfor %}")
    # A paragraph after the table, as Word keeps one: without it LibreOffice's Ctrl+End lands
    # in the table's last cell, and a form pasted at the end of the contract goes into it.
    paragraph(doc, "", style="Table Text").paragraph_format.space_after = Pt(0)
    return doc


# --------------------------------------------------------------------------------------------
# The mentor agreement
# --------------------------------------------------------------------------------------------

AGREEMENT_VALUES = {  # tag -> (alias, context variable)
    "agreement.practitioner": ("QI Practitioner name", "qi_practitioner"),
    "agreement.practitioner_organisation": ("Practitioner organisation",
                                            "practitioner_organisation"),
    "agreement.mentor": ("Mentor name", "mentor"),
    "agreement.mentor_organisation": ("Mentor organisation", "mentor_organisation"),
    "agreement.weeks": ("Meet every (weeks)", "meet_every_weeks"),
    "agreement.time": ("Time", "time"),
    "agreement.location": ("Location", "location"),
    "agreement.notice": ("Adequate notice", "adequate_notice"),
}
assert set(AGREEMENT_VALUES) == {tag for tag, _ in schema.AGREEMENT_FIELDS}


def agreement_field(par, tag: str) -> None:
    alias, variable = AGREEMENT_VALUES[tag]
    add_control(par, tag, alias, variable)


def labelled_field(cell, label: str, tag: str, *, space_before: float = 0) -> None:
    par = cell_paragraph(cell)
    if space_before:
        par.paragraph_format.space_before = Pt(space_before)
    add_run(par, label, bold=True)
    add_run(par, " ")
    agreement_field(par, tag)


def build_agreement() -> object:
    doc = new_document("QI Practitioner and Mentor agreement",
                       "Agreement between a QI practitioner and a mentor")
    add_footer(doc, "QI Practitioner and Mentor agreement \u00b7 {{ qi_practitioner }} and "
               "{{ mentor }}")

    paragraph(doc, "QI Practitioner and Mentor agreement", style="Title")
    paragraph(doc, "{{ programme }}{% if cohort %} \u2013 {{ cohort }}{% endif %}",
              style="Subtitle")

    # -- the two parties ----------------------------------------------------------------------
    names = new_table(doc, 1, [8.5, 8.5])
    row = names.rows[0]
    row_height(row, 3.2)
    left, right = row.cells
    labelled_field(left, "QI Practitioner name:", "agreement.practitioner")
    labelled_field(left, "Organisation:", "agreement.practitioner_organisation",
                   space_before=22)
    labelled_field(right, "Mentor name:", "agreement.mentor")
    labelled_field(right, "Organisation:", "agreement.mentor_organisation", space_before=22)
    spacer(doc, 10)

    # -- what the pair agree: one framed box per paragraph group, as on the form ------------------
    terms = new_table(doc, 4, [TEXT_WIDTH_CM])
    for row in terms.rows:
        row._tr.get_or_add_trPr().insert(0, _el("w:cantSplit"))
    meet = terms.rows[0].cells[0]
    cell_paragraph(meet, AGREEMENT_MEET)
    par = cell_paragraph(meet)
    par.paragraph_format.space_before = Pt(12)
    par.paragraph_format.tab_stops.add_tab_stop(Cm(2.2))
    add_run(par, "Every ", bold=True)
    agreement_field(par, "agreement.weeks")
    add_run(par, " week/s", bold=True)
    for label, tag in (("Time", "agreement.time"), ("Location", "agreement.location")):
        par = cell_paragraph(meet)
        par.paragraph_format.space_before = Pt(12)
        par.paragraph_format.tab_stops.add_tab_stop(Cm(2.2))
        add_run(par, label, bold=True)
        add_run(par, "\t")
        agreement_field(par, tag)
    hint = cell_paragraph(meet, "Be as specific as possible", style="Hint")
    hint.paragraph_format.left_indent = Cm(2.2)

    notice = terms.rows[1].cells[0]
    cell_paragraph(notice, AGREEMENT_NOTICE)
    par = cell_paragraph(notice)
    par.paragraph_format.space_before = Pt(6)
    add_run(par, AGREEMENT_ADEQUATE + ":")
    add_run(par, " ")
    agreement_field(par, "agreement.notice")

    cell_paragraph(terms.rows[2].cells[0], AGREEMENT_FOLLOW_UP)
    conduct = terms.rows[3].cells[0]
    cell_paragraph(conduct, AGREEMENT_ORGANISED)
    cell_paragraph(conduct, AGREEMENT_CONFIDENTIAL)

    # -- signatures ---------------------------------------------------------------------------
    heading = paragraph(doc, "Agreed and signed", style="Heading 2")
    heading.paragraph_format.keep_with_next = True
    signature_table(doc, [("QI Practitioner", "{{ qi_practitioner }}"),
                          ("Mentor", "{{ mentor }}")])

    # -- the CLEAR model ------------------------------------------------------------------------
    heading = paragraph(doc, CLEAR_HEADING, style="Heading 1")
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_before = Pt(0)
    for stage, bullets, parts in CLEAR:
        paragraph(doc, stage, style="Heading 2")
        for text in bullets:
            paragraph(doc, text, style="List Bullet")
        for label, text in parts:
            par = paragraph(doc)
            par.paragraph_format.left_indent = Cm(0.63)
            add_run(par, label, bold=True)
            add_run(par, " " + text)
    return doc


def main() -> int:
    for name, build in (("coaching_contract.docx", build_contract),
                        ("mentor_agreement.docx", build_agreement)):
        path = TEMPLATES / name
        size = save(build(), path)
        print(f"wrote {path.relative_to(REPO)} ({size / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
