"""Reads wenshu's DOCX files back with python-docx and checks GB/T 9704 layout.

Usage: check_docx.py FILE.docx...   Prints one JSON object per file (title,
headings, paragraphs) on stdout; exits 1 with a message on the first failure.
"""
import json
import sys

import docx
from docx.oxml.ns import qn
from docx.shared import Twips

MANDATED = {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"}
HEADING_FACE = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
CN = "一二三四五六七八九十"


def fail(path, msg):
    print(f"{path}: {msg}", file=sys.stderr)
    sys.exit(1)


def cn_numeral(n):
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + CN[n - 11]
    return CN[n // 10 - 1] + "十" + (CN[n % 10 - 1] if n % 10 else "")


def expected_number(level, n):
    return [f"{cn_numeral(n)}、", f"（{cn_numeral(n)}）", f"{n}.", f"（{n}）"][level - 1]


def check(path):
    d = docx.Document(path)
    s = d.sections[0]
    for name, got, want in [
        ("page width", s.page_width, Twips(11906)), ("page height", s.page_height, Twips(16838)),
        ("top margin", s.top_margin, Twips(2098)), ("bottom margin", s.bottom_margin, Twips(1984)),
        ("left margin", s.left_margin, Twips(1587)), ("right margin", s.right_margin, Twips(1474)),
    ]:
        if got != want:
            fail(path, f"{name} {got} != {want}")
    grid = s._sectPr.find(qn("w:docGrid"))
    if grid is None or grid.get(qn("w:type")) != "linesAndChars" or grid.get(qn("w:linePitch")) != "579":
        fail(path, "docGrid linesAndChars/579 missing")
    if int(grid.get(qn("w:charSpace"))) >= 0:
        fail(path, "charSpace should be negative (28 chars in 156 mm)")
    if d.settings.odd_and_even_pages_header_footer is not True:
        fail(path, "evenAndOddHeaders missing")
    for footer, side in [(s.footer, "right"), (s.even_page_footer, "left")]:
        xml = footer._element.xml
        if "PAGE" not in xml or xml.count("—") != 2 or f'w:jc w:val="{side}"' not in xml:
            fail(path, f"page number footer ({side}) malformed")

    title, headings, paragraphs = [], [], []
    counters = [0, 0, 0, 0]
    for p in d.paragraphs:
        style = p.style.name
        for r in p.runs:
            if not r.text:
                continue
            rpr = r._element.rPr
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            lang = rpr.find(qn("w:lang")) if rpr is not None else None
            if fonts is None or fonts.get(qn("w:eastAsia")) not in MANDATED:
                fail(path, f"run without a mandated eastAsia face: {r.text!r}")
            if fonts.get(qn("w:hint")) != "eastAsia":
                fail(path, f"run without w:hint=eastAsia: {r.text!r}")
            if lang is None or lang.get(qn("w:eastAsia")) != "zh-CN":
                fail(path, f"run without w:lang eastAsia zh-CN: {r.text!r}")
        if style == "Title":
            face = p.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
            if face != "方正小标宋简体" or p.runs[0].font.size.pt != 22:
                fail(path, f"title face/size wrong: {face} {p.runs[0].font.size}")
            title.append(p.text)
        elif style.startswith("Heading"):
            level = int(style.split()[-1])
            counters[level - 1] += 1
            for i in range(level, 4):
                counters[i] = 0
            want = expected_number(level, counters[level - 1])
            if not p.text.startswith(want):
                fail(path, f"heading {p.text!r} should start with {want!r}")
            face = p.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
            if face != HEADING_FACE[level]:
                fail(path, f"level {level} heading in {face}, want {HEADING_FACE[level]}")
            if any(r.font.bold for r in p.runs):
                fail(path, f"heading is bold: {p.text!r}")
            headings.append([level, p.text])
        elif style == "Body Text":
            indent = p.paragraph_format.first_line_indent or p.style.paragraph_format.first_line_indent
            if indent is None or not Twips(600) < indent < Twips(640):
                fail(path, "body paragraph without first-line indent")
            if p.runs[0].font.size.pt != 16:
                fail(path, "body not 16 pt")
        paragraphs.append([style, p.text])
    if not title:
        fail(path, "no title")
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    for t in d.tables:
        if t.style is None or t.style.name != "Table Grid":
            continue  # the 版记 is a table of rules, not of data
        look = t._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None and look.get(qn("w:firstRow")) == "0":
            # a printed form's ruled table: no header row; rows never split
            if any(r._tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is None for r in t.rows):
                fail(path, "form row may split across pages")
            continue
        if t.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is None:
            fail(path, "table header row does not repeat")
    print(json.dumps({"file": path, "title": "".join(title), "headings": headings,
                      "paragraphs": paragraphs, "tables": tables}, ensure_ascii=False))


for f in sys.argv[1:]:
    check(f)
