"""Builds fixtures/fill/评议表.docx: an office's own form with tags typed the
way Word stores them, split over several runs with spell-check marks and
revision ids between, so the tests see what a real Word template holds.

Run once to (re)make the committed fixture:
    python3 tests/support/make_fill_template.py fixtures/fill/评议表.docx
"""
import copy
import struct
import sys
import zlib

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Cm


def tiny_png():
    """A 2×2 red PNG, so the package carries an image to preserve."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def split_runs(paragraph, pieces):
    """Adds `pieces` as separate runs (text, bold, italic), with Word's
    proofErr marks between them and rsid attributes on each run."""
    for i, (text, bold, italic) in enumerate(pieces):
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        run._r.set(qn("w:rsidR"), "00A1B2C%d" % i)
        if i + 1 < len(pieces):
            mark = parse_xml('<w:proofErr %s w:type="spellStart"/>' % nsdecls("w"))
            run._r.addnext(mark)


def main(path):
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    # Header: the unit's name as a tag, split over two runs.
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    split_runs(hp, [("{{ 单", False, False), ("位 }}", False, False), ("  民主评议表", False, False)])
    # Footer: plain text that must come out unchanged.
    sec.footer.paragraphs[0].add_run("本表一式两份")

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t = title.add_run("党员民主评议表")
    t.bold = True
    t.font.size = Pt(22)

    # 姓名：{{ 姓名 }}（签字） — the tag split over three runs, the middle
    # one bold, the last italic; the text after it keeps the italic run.
    p = doc.add_paragraph()
    split_runs(p, [("姓名：{", False, False), ("{ 姓", True, False), ("名 }}（签字）", False, True)])

    # An inline condition and a number.
    p = doc.add_paragraph()
    split_runs(p, [("党龄：{{ 党龄 }} 年，{% if 党龄 >= 10 %}老党员{% else %}", False, False),
                   ("新党员{% endif %}", False, False)])

    p = doc.add_paragraph()
    p.add_run("评议等次：{{ 评议等次 }}")

    # A block of paragraphs kept only when 备注 is given.
    doc.add_paragraph("{%p if 备注 %}")
    doc.add_paragraph("备注：{{ 备注 }}")
    doc.add_paragraph("{%p endif %}")

    # The row loop: a header row, the loop's rows, the end row.
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["序号", "整改事项", "完成时限"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for 项 in 整改事项 %}"
    row = table.rows[2].cells
    row[0].text = "{{ loop.index }}"
    split_runs(row[1].paragraphs[0], [("{{ 项.", False, False), ("内容 }}", False, False)])
    row[2].text = "{{ 项.期限 }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"

    # A loop over paragraphs inside one paragraph, joined by 、.
    doc.add_paragraph("参加的学习：{% for 课 in 学习 %}{{ 课 }}{% if not loop.last %}、{% endif %}{% endfor %}")

    # A text box (VML) holding a tag.
    box = parse_xml(
        '<w:p %s><w:r><w:pict><v:shape id="tb1" style="width:200pt;height:40pt" type="#_x0000_t202">'
        '<v:textbox><w:txbxContent><w:p><w:r><w:t>编号：{{ 编号 }}</w:t></w:r></w:p></w:txbxContent>'
        '</v:textbox></v:shape></w:pict></w:r></w:p>' % (nsdecls("w") + ' xmlns:v="urn:schemas-microsoft-com:vml"'))
    doc.element.body.insert(len(doc.element.body) - 1, box)

    # An image, to be carried over byte for byte.
    import io
    doc.add_picture(io.BytesIO(tiny_png()), width=Cm(1))

    doc.add_paragraph("支部书记：________　日期：________")
    doc.core_properties.author = "wenshu tests"
    doc.save(path)
    drop_styles_with_effects(path)


def drop_styles_with_effects(path):
    """python-docx's default template carries a Word 2010 stylesWithEffects
    part that disagrees with its styles (openxml-audit reports it); Word
    2013 and later do without it, so the fixture leaves it out."""
    import re
    import zipfile
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == "word/stylesWithEffects.xml":
                continue
            if info.filename in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                data = re.sub(rb"<(Relationship|Override)[^>]*stylesWithEffects[^>]*/>", b"", data)
            z.writestr(info, data)


if __name__ == "__main__":
    main(sys.argv[1])
