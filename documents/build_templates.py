"""Build the templates shipped with the portal (``documents/docx/<kind>.docx``, "version 0").

    .venv/bin/python -m documents.build_templates

The office normally restyles a template in Word and uploads it as a new version; this script
is for the developer who changes the shipped wording or layout.  It writes ordinary Word files
with python-docx: a letterhead in the page header, the text with docxtpl's merge tags
(``{{ field }}``, ``{%tr for row in list %}`` … ``{%tr endfor %}`` for table rows,
``{%p if … %}`` for a paragraph shown on a condition).  Each tag is written in one run, so Word
does not split it.  The fields are listed in ``documents/catalogue.py``; the tests check that
every tag used here is one of them.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent / "docx"

LATIN_FONT = "Times New Roman"
CJK_FONT = "宋体"
HEADING_CJK_FONT = "黑体"
ACCENT = RGBColor(0x9B, 0x1B, 0x1E)  # the red of an official letterhead


# --- small helpers -------------------------------------------------------------------------------

def _fonts(run, *, cjk: str = CJK_FONT, latin: str = LATIN_FONT) -> None:
    run.font.name = latin
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), cjk)


def _bottom_border(paragraph, *, color: str = "9B1B1E", size: int = 12) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def para(container, text: str = "", *, bold: bool = False, size: float = 12, align=None, indent: bool = False,
         cjk: str = CJK_FONT, color=None, space_after: float = 6, italic: bool = False):
    """One paragraph of one run (a merge tag inside stays whole)."""
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.line_spacing = 1.25
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
        _fonts(run, cjk=cjk)
    return paragraph


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): it disappears when rendered."""
    return para(container, text, size=10, space_after=0)


def cell_text(cell, text: str, *, bold: bool = False, size: float = 10.5, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    _fonts(run)


def _shade(cell, fill: str = "F2F2F2") -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def loop_table(doc, headers: list[str], list_name: str, cells: list[str], *, widths: list[float] | None = None):
    """A table with a header row and one row per item of ``list_name`` (docxtpl ``{%tr %}``)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell)
    cell_text(table.add_row().cells[0], "{%tr for row in " + list_name + " %}")
    row = table.add_row()
    for cell, name in zip(row.cells, cells, strict=True):
        cell_text(cell, "{{ row." + name + " }}")
    cell_text(table.add_row().cells[0], "{%tr endfor %}")
    if widths:
        _widths(table, widths)
    return table


def _widths(table, widths) -> None:
    """Column widths, in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def form_table(doc, rows: list[tuple[str, str]], *, widths: tuple[float, float] = (4.5, 11.5)):
    """A two-column form: the label (shaded) and the value."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        row = table.add_row()
        cell_text(row.cells[0], label, bold=True)
        _shade(row.cells[0])
        cell_text(row.cells[1], value)
    _widths(table, widths)
    return table


def new_document(*, chinese_first: bool = True):
    """An A4 document with the letterhead (the university and the office, in both languages) in
    the page header."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.6)
    style = doc.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)

    header = section.header
    first = header.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = [("{{ university_zh }}　{{ office_zh }}", HEADING_CJK_FONT),
             ("{{ university_en }} · {{ office_en }}", CJK_FONT)]
    if not chinese_first:
        lines.reverse()
    run = first.add_run(lines[0][0])
    run.bold = True
    run.font.size = Pt(15)
    run.font.color.rgb = ACCENT
    _fonts(run, cjk=lines[0][1])
    second = para(header, lines[1][0], size=10, align=WD_ALIGN_PARAGRAPH.CENTER, color=ACCENT, space_after=2,
                  cjk=lines[1][1])
    _bottom_border(second)
    # python-docx's default document opens with no paragraph; nothing to remove.
    return doc


def signature(doc, lines: list[str]) -> None:
    para(doc, "", space_after=12)
    for line in lines:
        para(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=2)


CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


# --- the four templates -----------------------------------------------------------------------------

def visit_invitation():
    """邀请函 / Letter of invitation: Chinese first, then English, then the programme and the
    delegation in bilingual tables."""
    doc = new_document()
    para(doc, "邀　请　函", bold=True, size=20, align=CENTER, cjk=HEADING_CJK_FONT, space_after=12)
    para(doc, "尊敬的{{ delegation_leader }}（{{ delegation_leader_position }}）：", space_after=8)
    para(doc, "{{ university_zh }}{{ faculty_zh }}诚挚邀请您率{{ country_zh }}{{ institution_zh }}代表团一行"
              "{{ member_count }}人于{{ arrives_on_zh }}至{{ leaves_on_zh }}访问我校，开展{{ purpose_zh }}。",
         indent=True, align=JUSTIFY)
    para(doc, "访问期间，代表团将与我校相关学院及部门座谈交流，日程安排及代表团名单附后。{{ costs_zh }}",
         indent=True, align=JUSTIFY)
    tag(doc, "{%p if host_name %}")
    para(doc, "代表团来访事宜由{{ faculty_zh }}{{ host_name }}负责接待联络。", indent=True, align=JUSTIFY)
    tag(doc, "{%p endif %}")
    para(doc, "我们热忱期待您和代表团成员的到访，预祝访问取得圆满成功！", indent=True, align=JUSTIFY)
    signature(doc, ["{{ university_zh }}{{ office_zh }}", "{{ today_zh }}"])

    para(doc, "", space_after=18)
    para(doc, "LETTER OF INVITATION", bold=True, size=16, align=CENTER, space_after=12)
    para(doc, "Dear {{ delegation_leader }},", space_after=8)
    para(doc, "On behalf of {{ faculty_en }} of {{ university_en }}, it is our great pleasure to invite you to "
              "lead a delegation of {{ member_count }} from {{ institution_en }} ({{ country_en }}) to visit our "
              "university from {{ arrives_on_en }} to {{ leaves_on_en }}. Purpose of the visit: {{ purpose_en }}.",
         align=JUSTIFY)
    para(doc, "During the visit the delegation will meet colleagues of the faculties and offices concerned; the "
              "programme and the members of the delegation are listed below. {{ costs_en }}", align=JUSTIFY)
    tag(doc, "{%p if host_name %}")
    para(doc, "Your host at {{ faculty_en }} is {{ host_name }}, who will be glad to help with any arrangement.",
         align=JUSTIFY)
    tag(doc, "{%p endif %}")
    para(doc, "We look forward to welcoming you and wish the visit every success.", align=JUSTIFY)
    signature(doc, ["Yours sincerely,", "{{ office_en }}", "{{ university_en }}", "{{ today_en }}"])

    para(doc, "日程安排 Programme", bold=True, size=13, cjk=HEADING_CJK_FONT, space_after=4)
    loop_table(doc, ["日期 Date", "时间 Time", "类别 Kind", "内容 Title", "主讲人 Speaker", "地点 Place"],
               "programme", ["day_zh", "time", "kind_zh", "title", "speaker", "place"],
               widths=[2.8, 1.6, 2.0, 4.6, 2.4, 2.4])
    para(doc, "", space_after=6)
    para(doc, "代表团名单 Members of the delegation", bold=True, size=13, cjk=HEADING_CJK_FONT, space_after=4)
    loop_table(doc, ["姓名 Name", "国籍 Nationality", "职务 Position", "单位 Institution"],
               "members", ["name", "nationality_zh", "position", "institution"], widths=[3.8, 2.6, 4.6, 4.8])
    return doc


def visa_invitation():
    """Invitation letter for a visa application (English), for one visitor."""
    doc = new_document(chinese_first=False)
    para(doc, "INVITATION LETTER FOR VISA APPLICATION", bold=True, size=16, align=CENTER, space_after=12)
    para(doc, "To: The Consular Section, Embassy or Consulate-General of the People's Republic of China "
              "in {{ country }}", space_after=8)
    para(doc, "Dear Sir or Madam,", space_after=8)
    para(doc, "{{ university_en }} has the pleasure to invite the following person to visit our university as a "
              "member of the delegation of {{ delegation_institution }} led by {{ delegation_leader }}:",
         align=JUSTIFY)
    form_table(doc, [
        ("Full name", "{{ name }}"),
        ("Date of birth", "{{ date_of_birth }}"),
        ("Nationality", "{{ nationality }}"),
        ("Passport number", "{{ passport_number }}"),
        ("Position", "{{ position }}"),
        ("Institution", "{{ institution }}"),
        ("Purpose of the visit", "{{ purpose }}"),
        ("Duration of stay", "{{ arrives_on }} to {{ leaves_on }}"),
        ("Host", "{{ faculty_en }}, {{ university_en }}"),
    ])
    para(doc, "", space_after=4)
    para(doc, "{{ costs }}", align=JUSTIFY)
    tag(doc, "{%p if host_name %}")
    para(doc, "During the stay the visitor will be received by {{ host_name }} of {{ faculty_en }}.",
         align=JUSTIFY)
    tag(doc, "{%p endif %}")
    para(doc, "We should be grateful if you would grant the visitor a visa for exchanges and visits (F visa) "
              "for the period above. The visitor will engage only in the activities stated in this letter.",
         align=JUSTIFY)
    signature(doc, ["Yours faithfully,", "{{ office_en }}", "{{ university_en }}", "{{ today_en }}"])
    return doc


def trip_approval():
    """出国任务审批表: the application as approved, for the file and the passport and visa office."""
    doc = new_document()
    para(doc, "{{ university_zh }}因公出国（境）任务审批表", bold=True, size=18, align=CENTER,
         cjk=HEADING_CJK_FONT, space_after=10)
    form_table(doc, [
        ("团组名称", "{{ title }}"),
        ("派出单位", "{{ faculty_zh }}"),
        ("出访任务", "{{ purpose_zh }}"),
        ("邀请单位", "{{ inviting_institution }}"),
        ("出访国家（地区）及停留天数", "{{ countries_text }}"),
        ("出访日期", "{{ departs_on_zh }}至{{ returns_on_zh }}（共{{ days }}天）"),
        ("团组人数", "{{ member_count }}人"),
        ("经费来源", "{{ funding_zh }}"),
        ("列入年度出访计划", "{{ in_annual_plan }}{% if outside_plan_reason %}（计划外理由：{{ outside_plan_reason }}）"
                             "{% endif %}"),
        ("公示期", "{{ notice_period }}"),
        ("当前状态", "{{ status_zh }}"),
    ])
    para(doc, "", space_after=4)
    para(doc, "一、团组成员", bold=True, size=13, cjk=HEADING_CJK_FONT, space_after=4)
    loop_table(doc, ["姓名", "工号", "职称", "团内身份", "处级及以上"], "members",
               ["name", "staff_no", "title", "role", "senior_post"], widths=[3.2, 3.0, 3.0, 3.2, 3.4])
    para(doc, "", space_after=4)
    para(doc, "二、出访国家（地区）及行程", bold=True, size=13, cjk=HEADING_CJK_FONT, space_after=4)
    loop_table(doc, ["国家（地区）", "抵达日期", "离开日期", "停留天数"], "countries",
               ["country", "arrives_on", "leaves_on", "days"], widths=[4.0, 4.2, 4.2, 3.4])
    para(doc, "", space_after=4)
    para(doc, "三、经费预算（元）", bold=True, size=13, cjk=HEADING_CJK_FONT, space_after=4)
    budget = loop_table(doc, ["项目", "金额"], "budget", ["line", "amount"], widths=[8.0, 7.8])
    total = budget.add_row()
    cell_text(total.cells[0], "合计", bold=True)
    cell_text(total.cells[1], "{{ budget_total }}", bold=True)
    para(doc, "", space_after=4)
    para(doc, "四、审批记录", bold=True, size=13, cjk=HEADING_CJK_FONT, space_after=4)
    loop_table(doc, ["审批环节", "经办人", "日期", "意见"], "approvals", ["step", "by", "at", "comment"],
               widths=[3.6, 3.0, 3.6, 5.6])
    para(doc, "", space_after=4)
    para(doc, "本表由{{ office_zh }}据系统审批记录生成，打印日期：{{ today_zh }}。", size=10.5)
    return doc


def participation_certificate():
    """Certificate of participation (English) for a completed exchange."""
    doc = new_document(chinese_first=False)
    para(doc, "", space_after=24)
    para(doc, "CERTIFICATE OF PARTICIPATION", bold=True, size=22, align=CENTER, color=ACCENT, space_after=18)
    para(doc, "This is to certify that", size=13, align=CENTER, italic=True, space_after=10)
    para(doc, "{{ person_name }}", bold=True, size=20, align=CENTER, space_after=10)
    para(doc, "took part in the exchange activity “{{ activity }}” at {{ place }}", size=13, align=CENTER,
         space_after=4)
    para(doc, "from {{ starts_on }} to {{ ends_on }}.", size=13, align=CENTER, space_after=18)
    form_table(doc, [
        ("Activity", "{{ activity }}"),
        ("Partner institution", "{{ partner }}"),
        ("Country or region", "{{ country }}"),
        ("Faculty", "{{ faculty_en }}"),
        ("Period", "{{ starts_on }} – {{ ends_on }}"),
        ("Certificate number", "{{ certificate_number }}"),
    ], widths=(5.0, 11.0))
    signature(doc, ["{{ office_en }}", "{{ university_en }}", "Issued on {{ today_en }}"])
    return doc


BUILDERS = {
    "visit_invitation": visit_invitation,
    "visa_invitation": visa_invitation,
    "trip_approval": trip_approval,
    "participation_certificate": participation_certificate,
}


def build(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, builder in BUILDERS.items():
        path = out / f"{kind}.docx"
        document = builder()
        document.core_properties.title = kind.replace("_", " ")
        document.core_properties.author = "International Affairs Portal"
        document.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)  # noqa: T201 - the script's report
