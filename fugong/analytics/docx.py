"""The brief as a Word document laid out like an official document (GB/T 9704-2012).

A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; title in 2号 (22 pt) 小标宋, centred;
body in 3号 (16 pt) 仿宋 with a fixed line pitch of 28.95 pt (22 lines a page, 28 characters a line),
first lines indented by two characters; section headings in 3号 黑体; page numbers in 4号 宋体.

The fonts are named as GB/T 9704 names them; Word uses the nearest installed font when one is
missing, and the font table carries the fallback it should choose (小标宋 -> 宋体, 仿宋_GB2312 -> 仿宋).
"""

import io
from datetime import UTC, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from fugong.analytics.brief import Brief

TITLE_FONT, BODY_FONT, HEADING_FONT, NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", NUMBER_FONT: "SimSun"}
BODY_SIZE, TITLE_SIZE, NUMBER_SIZE = Pt(16), Pt(22), Pt(14)
LINE_PITCH = Pt(28.95)


def _font(run, name: str, size) -> None:
    run.font.name = name
    run.font.size = size
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


def _paragraph(document, text: str, *, font: str, size, align=None, indent: bool = False, bold_prefix: str = ""):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if bold_prefix:
        _font(paragraph.add_run(bold_prefix), HEADING_FONT, size)
    _font(paragraph.add_run(text), font, size)
    return paragraph


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), NUMBER_FONT, NUMBER_SIZE)
    run = paragraph.add_run()
    _font(run, NUMBER_FONT, NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _font(paragraph.add_run(" —"), NUMBER_FONT, NUMBER_SIZE)


def _declare_fallbacks(document) -> None:
    """Adds each font to the font table with its altName, the font Word uses when it is missing."""
    part = next((p for p in document.part.package.parts if str(p.partname).endswith("/fontTable.xml")), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)  # noqa: S320 (python-docx's own template, not user input)
    for name, fallback in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): fallback})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core_properties(document, brief: Brief) -> None:
    """The file's properties name the issuing body, not the library that wrote it."""
    props = document.core_properties
    props.title = brief.title
    props.subject = brief.issue_line
    props.author = props.last_modified_by = brief.issuer
    props.comments = props.keywords = props.category = ""
    # python-docx writes the time as UTC ("Z"); a stale template date would say 2013.
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
    props.revision = 1


def brief_docx(brief: Brief) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _core_properties(document, brief)

    _paragraph(document, brief.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, brief.issue_line, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The issuing body on the left and the date on the right of one line, as a brief's header has them.
    masthead = _paragraph(document, f"{brief.issuer}\t{brief.date_line}", font=BODY_FONT, size=BODY_SIZE)
    masthead.paragraph_format.tab_stops.add_tab_stop(
        section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT
    )
    _paragraph(document, "", font=BODY_FONT, size=BODY_SIZE)
    for heading, text in brief.paragraphs:
        _paragraph(document, text, font=BODY_FONT, size=BODY_SIZE, indent=True, bold_prefix=heading)
    _page_number_footer(section)
    _declare_fallbacks(document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
