#!/usr/bin/env python3
"""grid_probe.py - does LibreOffice lay out our GB/T 9704 grid as Word does?

Builds minimal hand-written DOCX files (zipfile + XML strings, no python-docx)
with a 16 pt FangSong body on the 公文 grid (28 chars x 22 lines, A4, margins
top 2098 / bottom 1984 / left 1587 / right 1474 twips), varies the docGrid,
charSpace, default font size and the East Asian line-breaking switches,
converts every variant with `soffice --headless --convert-to pdf` and measures
the PDF with pdfplumber: characters per full line, lines on page 1, top of the
first line, left/right edges, character and line pitch, and how lines break
around punctuation.

Usage:
  python3 scripts/grid_probe.py [--out DIR] [--only NAME,...] [--audit]

Needs: soffice (LibreOffice), pdfplumber; openxml-audit and python-docx for
--audit. Install fontconfig/wenshu-fonts.conf first, or LibreOffice will
substitute a non-FangSong face (and different metrics) for 仿宋_GB2312;
install fonts-liberation2 so Times New Roman digits get Word's widths.

Findings with LibreOffice 7.4.7 (see BASES["G"], the layout that gives 28 x 22):
- LO takes the grid cell width from the *Normal style's* East Asian size plus
  charSpace (docDefaults sz is ignored: the cell falls back to 12 pt); a glyph
  wider than the cell takes 2 cells (type linesAndChars and snapToChars alike),
  so 16 pt glyphs in a 15.7 pt cell give 14 chars a line. Run w:w="98" makes
  the glyph fit: 28 chars. w:spacing (tracking) does not count for the cell.
- charSpace written unsigned (4294966454) makes LO drop the char grid.
- LO ignores w:firstLineChars; w:firstLine must be <= 2 cells (630, not 632).
- kinsoku, overflowPunct (even val=0), topLinePunct, autoSpaceDE/DN,
  characterSpacingControl and noLineBreaksBefore/After change nothing in LO.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import zipfile
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# ----------------------------------------------------------------- geometry
PAGE_W, PAGE_H = 11906, 16838            # twips, A4
M_TOP, M_BOTTOM, M_LEFT, M_RIGHT = 2098, 1984, 1587, 1474
LINE_PITCH = 579                         # twips, 225 mm / 22
TW_MM = 25.4 / 1440
PT_MM = 25.4 / 72

# Word's default zh-CN kinsoku lists (what Word writes into settings.xml).
NO_BREAK_AFTER = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"
NO_BREAK_BEFORE = ("!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞"
                   "！＂％＇），．：；？］｀｜｝～￠")

# ----------------------------------------------------------------- texts
HANZI = ("党政机关公文格式国家标准规定了公文通用的纸张要求排版和印制装订要求公文格式各要素的"
         "编排规则并给出了公文的式样本标准适用于各级党政机关制发的公文其他机关和单位的公文可以"
         "参照执行使用少数民族文字印制的公文其用纸幅面尺寸及版面印制装订要求参照本标准执行")


def hz(n, start=0):
    s = HANZI * (n // len(HANZI) + 2)
    return s[start:start + n]


def text_plain():
    # 5 paragraphs x 150 hanzi = 26 + 4*28 + 12 -> 6 lines each, 30 lines:
    # page 1 must end after 22 lines.
    return [hz(150, i * 7) for i in range(5)]


def text_punct():
    paras = []
    for i in range(5):
        s = hz(150, i * 11)
        out = []
        for j, ch in enumerate(s):
            out.append(ch)
            if j % 13 == 12:
                out.append("，")
            elif j % 31 == 30:
                out.append("、")
            elif j % 47 == 46:
                out.append("；")
        paras.append("".join(out) + "。")
    paras.append("“" + hz(20) + "”" + hz(10) + "（" + hz(12) + "）" + hz(30) + "。")
    return paras


def text_conflict():
    # first line holds 26 chars (2-char indent), later lines 28
    return [
        hz(26) + "，" + hz(20) + "。",                  # C1 27th char = ，
        hz(54) + "。" + hz(10),                         # C2 '。' would start line 3
        hz(53) + "“" + hz(10) + "”" + hz(10),           # C3 '“' is the 28th of line 2
        hz(53) + "——" + hz(10),                         # C4 —— straddles lines 2/3
        hz(53) + "。”" + hz(10),                        # C5 '”' would start line 3
        hz(26) + "的" + hz(20),                         # C6 '的' at line start (custom list test)
        hz(53) + "……" + hz(10),                         # C7 …… straddles
    ]


def text_hang():
    # each paragraph: line 2 is full (28 hanzi), the 29th character is the punctuation
    return [hz(54) + p + hz(10) for p in "，。、；：？！”）》"] + [hz(26) + p + hz(10) for p in "，。"]


def text_joiner():
    # '……' / '——' straddling lines 2/3, plain and with U+2060 WORD JOINER between the halves
    return [hz(53) + "……" + hz(10), hz(53) + "…\u2060…" + hz(10),
            hz(53) + "——" + hz(10), hz(53) + "—\u2060—" + hz(10)]


def text_mixed():
    # Latin digits / ASCII inside the CJK body (dates, document numbers)
    return [hz(20) + "2026年1月5日" + hz(60), hz(10) + "区先教〔2026〕3号" + hz(60),
            hz(5) + "GB/T 9704-2012" + hz(60)]


TEXTS = {"mixed": text_mixed, "joiner": text_joiner, "plain": text_plain, "punct": text_punct, "conflict": text_conflict, "hang": text_hang}

# ----------------------------------------------------------------- XML parts
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>\
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>\
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>\
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:title>grid probe</dc:title><dc:creator>wenshu</dc:creator>\
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T00:00:00Z</dcterms:created>\
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>wenshu grid_probe</Application></Properties>"""

FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}">\
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>\
<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>\
<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>\
<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>\
</w:fonts>"""


THEME = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="wenshu">\
<a:themeElements><a:clrScheme name="wenshu">\
<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>\
<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>\
<a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2>\
<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>\
<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6>\
<a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme>\
<a:fontScheme name="wenshu">\
<a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="黑体"/></a:majorFont>\
<a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="仿宋_GB2312"/></a:minorFont>\
</a:fontScheme><a:fmtScheme name="wenshu">\
<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>\
<a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>\
<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>\
<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst>\
</a:fmtScheme></a:themeElements></a:theme>"""


def rpr_xml(v, in_run=True):
    """CT_RPr children in schema order: rStyle, rFonts, b.., kern, sz, szCs, .., lang."""
    parts = []
    if in_run:
        latin = v.get("latin_font", "Times New Roman")
        parts.append(f'<w:rFonts w:hint="eastAsia" w:ascii="{latin}" w:eastAsia="仿宋_GB2312" '
                     f'w:hAnsi="{latin}"/>')
        if v.get("run_spacing") is not None:
            parts.append(f'<w:spacing w:val="{v["run_spacing"]}"/>')
        if v.get("run_w") is not None:
            parts.append(f'<w:w w:val="{v["run_w"]}"/>')
        if v.get("run_sz", True):
            parts.append('<w:sz w:val="32"/><w:szCs w:val="32"/>')
        if v.get("lang", True):
            parts.append('<w:lang w:eastAsia="zh-CN"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def styles_xml(v):
    sz = v.get("default_sz", 32)
    sz_xml = f'<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/>' if sz else ""
    normal_rpr = ""
    if v.get("normal_sz"):
        normal_rpr = f'<w:rPr><w:sz w:val="{v["normal_sz"]}"/><w:szCs w:val="{v["normal_sz"]}"/></w:rPr>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:styles xmlns:w="{W_NS}">'
            '<w:docDefaults><w:rPrDefault><w:rPr>'
            '<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman" '
            'w:cs="Times New Roman"/>'
            '<w:kern w:val="2"/>' + sz_xml +
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>' + v.get("default_ppr", "") + '</w:pPr></w:pPrDefault></w:docDefaults>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
            '<w:qFormat/><w:pPr><w:widowControl w:val="0"/>' + v.get("normal_ppr", "") + '<w:jc w:val="both"/></w:pPr>'
            + normal_rpr + '</w:style>'
            '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
            '<w:unhideWhenUsed/></w:style>'
            '</w:styles>')


def settings_xml(v):
    p = ['<w:zoom w:percent="100"/>', '<w:defaultTabStop w:val="420"/>',
         '<w:drawingGridHorizontalSpacing w:val="158"/>',
         '<w:drawingGridVerticalSpacing w:val="290"/>',
         '<w:displayHorizontalDrawingGridEvery w:val="0"/>',
         '<w:displayVerticalDrawingGridEvery w:val="2"/>']
    if v.get("noPunctKern"):
        p.append('<w:noPunctuationKerning/>')
    if v.get("csc"):
        p.append(f'<w:characterSpacingControl w:val="{v["csc"]}"/>')
    if v.get("strict"):
        p.append('<w:strictFirstAndLastChars/>')
    if v.get("nolb"):
        after, before = v["nolb"]
        # schema order: noLineBreaksAfter before noLineBreaksBefore
        p.append(f'<w:noLineBreaksAfter w:lang="zh-CN" w:val={quoteattr(after)}/>')
        p.append(f'<w:noLineBreaksBefore w:lang="zh-CN" w:val={quoteattr(before)}/>')
    p.append('<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/>'
             '<w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/>'
             '<w:adjustLineHeightInTable/><w:useFELayout/>'
             '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
             'w:val="15"/></w:compat>')
    p.append('<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>')
    p.append('<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:settings xmlns:w="{W_NS}">' + "".join(p) + '</w:settings>')


def ppr_xml(v):
    """CT_PPrBase order: ... widowControl, ..., kinsoku, wordWrap, overflowPunct,
    topLinePunct, autoSpaceDE, autoSpaceDN, bidi, adjustRightInd, snapToGrid,
    spacing, ind, ..., jc, ..., rPr."""
    e = v.get("ppr", {})
    p = []
    for key in ("kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN"):
        if key in e:
            p.append(f'<w:{key} w:val="{e[key]}"/>' if e[key] is not None else f'<w:{key}/>')
    if "adjustRightInd" in e:
        p.append(f'<w:adjustRightInd w:val="{e["adjustRightInd"]}"/>')
    if "snapToGrid" in e:
        p.append(f'<w:snapToGrid w:val="{e["snapToGrid"]}"/>')
    if v.get("exact", True):
        p.append(f'<w:spacing w:line="{LINE_PITCH}" w:lineRule="exact"/>')
    p.append(f'<w:ind w:firstLineChars="200" w:firstLine="{v.get("first_line", 632)}"/>')
    p.append('<w:jc w:val="both"/>')
    p.append(rpr_xml(v))  # paragraph-mark run properties
    return "<w:pPr>" + "".join(p) + "</w:pPr>"


def sectpr_xml(v):
    grid = ""
    gt = v.get("grid", "linesAndChars")
    if gt:
        attrs = f' w:type="{gt}" w:linePitch="{LINE_PITCH}"'
        if v.get("cs") is not None:
            attrs += f' w:charSpace="{v["cs"]}"'
        grid = f"<w:docGrid{attrs}/>"
    return ("<w:sectPr>"
            f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
            f'<w:pgMar w:top="{M_TOP}" w:right="{M_RIGHT}" w:bottom="{M_BOTTOM}" w:left="{M_LEFT}" '
            'w:header="851" w:footer="992" w:gutter="0"/>'
            '<w:cols w:space="425"/>' + grid + "</w:sectPr>")


def document_xml(v, paras):
    body = []
    ppr = ppr_xml(v)
    rpr = rpr_xml(v)
    for t in paras:
        body.append(f"<w:p>{ppr}<w:r>{rpr}<w:t>{escape(t)}</w:t></w:r></w:p>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
            + "".join(body) + sectpr_xml(v) + "</w:body></w:document>")


def build_docx(path, v):
    paras = TEXTS[v.get("text", "plain")]()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("docProps/core.xml", CORE)
        z.writestr("docProps/app.xml", APP)
        z.writestr("word/document.xml", document_xml(v, paras))
        z.writestr("word/_rels/document.xml.rels", DOC_RELS)
        z.writestr("word/styles.xml", styles_xml(v))
        z.writestr("word/settings.xml", settings_xml(v))
        z.writestr("word/fontTable.xml", FONT_TABLE)
        z.writestr("word/theme/theme1.xml", THEME)
    return paras


# ----------------------------------------------------------------- convert
def convert(paths, outdir, fmt="pdf"):
    profile = "file:///tmp/wenshu_grid_probe_lo_profile"
    cmd = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
           "--convert-to", fmt, "--outdir", outdir] + list(paths)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


# ----------------------------------------------------------------- measure
def lines_of(pdf_path):
    import pdfplumber
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            rows = collections.OrderedDict()
            for c in page.chars:
                if not c["text"].strip():
                    continue
                base = round(float(page.height) - c["matrix"][5], 1)  # baseline from top, pt
                key = None
                for k in rows:
                    if abs(k - base) < 2:
                        key = k
                        break
                rows.setdefault(key if key is not None else base, []).append(c)
            lines = []
            for base in sorted(rows):
                cs = sorted(rows[base], key=lambda c: c["x0"])
                lines.append({"base": base, "chars": cs, "text": "".join(c["text"] for c in cs)})
            pages.append({"h": float(page.height), "w": float(page.width), "lines": lines})
    return pages


def measure(pdf_path):
    pages = lines_of(pdf_path)
    p1 = pages[0]["lines"]
    all_lines = [ln for p in pages for ln in p["lines"]]
    counts = [len(ln["chars"]) for ln in all_lines]
    full = max(counts) if counts else 0
    first = p1[0]["chars"]
    # a line that starts at the left margin (not a first line of a paragraph)
    lefts = [ln["chars"][0]["x0"] for ln in all_lines]
    left = min(lefts)
    right = max(ln["chars"][-1]["x1"] for ln in all_lines)
    longest = max(all_lines, key=lambda ln: len(ln["chars"]))
    cs = longest["chars"]
    char_pitch = (cs[-1]["x0"] - cs[0]["x0"]) / (len(cs) - 1) if len(cs) > 1 else 0
    bases = [ln["base"] for ln in p1]
    pitch = (bases[-1] - bases[0]) / (len(bases) - 1) if len(bases) > 1 else 0
    fonts = sorted({c["fontname"].split("+")[-1] for p in pages for ln in p["lines"] for c in ln["chars"]})
    return {
        "pages": len(pages),
        "chars_per_line": full,
        "line_counts": counts[:8],
        "lines_p1": len(p1),
        "top_mm": round(first[0]["top"] * PT_MM, 2),
        "base1_mm": round(bases[0] * PT_MM, 2),
        "left_mm": round(left * PT_MM, 2),
        "right_mm": round(right * PT_MM, 2),
        "char_pitch_pt": round(char_pitch, 3),
        "line_pitch_pt": round(pitch, 3),
        "size_pt": round(first[0]["size"], 2),
        "fonts": fonts,
    }


def describe_lines(pdf_path, max_lines=40):
    out = []
    page_w = None
    for p in lines_of(pdf_path):
        page_w = p["w"]
        for ln in p["lines"][:max_lines]:
            cs = ln["chars"]
            out.append({"n": len(cs), "head": ln["text"][:3], "tail": ln["text"][-4:],
                         "x0_mm": round(cs[0]["x0"] * PT_MM, 2), "x1_mm": round(cs[-1]["x1"] * PT_MM, 2),
                         "punct_w_pt": [round(c["x1"] - c["x0"], 2) for c in cs if c["text"] in "，。、；“”（）：—…"][:6]})
    return out


# ----------------------------------------------------------------- variants
WORD_LISTS = (NO_BREAK_AFTER, NO_BREAK_BEFORE)
BASE = {"grid": "linesAndChars", "cs": -842, "default_sz": 32}


BASES = {
    "L": {"grid": "lines", "cs": None, "run_spacing": -5},
    "G": {"grid": "linesAndChars", "cs": -842, "normal_sz": 32, "run_w": 98, "first_line": 630},
}


def V(name, **kw):
    d = dict(BASE)
    d.update(kw)
    d["name"] = name
    return d


VARIANTS = [
    # --- grid / charSpace / default size, plain hanzi
    V("nogrid", grid=None, cs=None),
    V("lines", grid="lines", cs=None),
    V("lines_cs842", grid="lines", cs=-842),
    V("lac_842", ),
    V("lac_840", cs=-840),
    V("lac_841", cs=-841),
    V("lac_u842", cs=4294966454),
    V("lac_0", cs=0),
    V("lac_none", cs=None),
    V("lac_842_nodefsz", default_sz=None),
    V("lac_842_nodefsz_normal32", default_sz=None, normal_sz=32),
    V("lac_842_def32_normal32", normal_sz=32),
    V("lac_842_def21", default_sz=21),
    V("lac_842_norunsz", run_sz=False),
    V("lac_842_atleast", exact=False),
    V("snap_842", grid="snapToChars"),
    V("snap_0", grid="snapToChars", cs=0),
    V("snap_u842", grid="snapToChars", cs=4294966454),
    V("lac_842_nolang", lang=False),
    V("lac_842_n32_sp4", normal_sz=32, run_spacing=-4),
    V("lac_842_n32_sp5", normal_sz=32, run_spacing=-5),
    V("lac_842_n32_w99", normal_sz=32, run_w=99),
    V("lac_842_n32_w98", normal_sz=32, run_w=98),
    V("snap_842_n32", grid="snapToChars", normal_sz=32),
    V("snap_842_n32_sp5", grid="snapToChars", normal_sz=32, run_spacing=-5),
    V("snap_842_n32_w98", grid="snapToChars", normal_sz=32, run_w=98),
    V("lines_sp4", grid="lines", cs=None, run_spacing=-4),
    V("lines_sp5", grid="lines", cs=None, run_spacing=-5),
    V("lines_w98", grid="lines", cs=None, run_w=98),
    V("L_best", **BASES["L"]),
    V("G_best", **BASES["G"]),
    V("H_L", text="hang", **BASES["L"]),
    V("H_G", text="hang", **BASES["G"]),
    V("H_lines_w98", text="hang", grid="lines", cs=None, run_w=98),
    V("H_L_ovf_false", text="hang", **BASES["L"], ppr={"overflowPunct": "false"}),
    V("H_G_ovf0", text="hang", **BASES["G"], ppr={"overflowPunct": "0"}),
    V("H_G_normal_ovf0", text="hang", **BASES["G"], normal_ppr='<w:overflowPunct w:val="0"/>'),
    V("H_G_default_ovf0", text="hang", **BASES["G"], default_ppr='<w:overflowPunct w:val="0"/>'),
    V("J_G", text="joiner", **BASES["G"]),
    V("M_G", text="mixed", **BASES["G"]),
    V("M_L", text="mixed", **BASES["L"]),
    V("M_lines_w98", text="mixed", grid="lines", cs=None, run_w=98),
    V("Q_G", text="punct", **BASES["G"]),
    V("Q_G_allfs", text="punct", **BASES["G"], latin_font="仿宋_GB2312"),
    V("lac_842_n32_sp5_nodef", normal_sz=32, default_sz=None, run_spacing=-5),
    V("lac_842_n32_sp6", normal_sz=32, run_spacing=-6),
    V("lac_842_n32_sp6_fl630", normal_sz=32, run_spacing=-6, first_line=630),
    V("lac_842_n32_sp8_fl630", normal_sz=32, run_spacing=-8, first_line=630),
    V("lac_842_n32_w98_fl630", normal_sz=32, run_w=98, first_line=630),
    V("lac_842_n32_w98_fl631", normal_sz=32, run_w=98, first_line=631),
    V("lac_840_n32_w98_fl630", cs=-840, normal_sz=32, run_w=98, first_line=630),
    V("snap_842_n32_w98_fl630", grid="snapToChars", normal_sz=32, run_w=98, first_line=630),
    V("snap_842_n32_sp6_fl630", grid="snapToChars", normal_sz=32, run_spacing=-6, first_line=630),
    # --- punctuation / line-break switches on the two layouts that give 28 x 22:
    #  L = docGrid lines + run tracking -0.25 pt (w:spacing w:val="-5")
    #  G = docGrid linesAndChars -842 + Normal style sz 32 + run w:w 98 + firstLine 630
] + [
    V(f"{t}_{base}_{tag}", text=txt, **{**BASES[base], **kw})
    for t, txt in (("P", "punct"), ("C", "conflict"))
    for base in ("L", "G")
    for tag, kw in (
        ("base", {}),
        ("compress", {"csc": "compressPunctuation"}),
        ("nolbWord", {"nolb": WORD_LISTS}),
        ("nolbDe", {"nolb": (NO_BREAK_AFTER, NO_BREAK_BEFORE + "的")}),
        ("kinsoku0", {"ppr": {"kinsoku": "0"}}),
        ("overflow0", {"ppr": {"overflowPunct": "0"}}),
        ("topLine", {"ppr": {"topLinePunct": "1"}}),
        ("autospace0", {"ppr": {"autoSpaceDE": "0", "autoSpaceDN": "0"}}),
        ("overflow0_compress", {"csc": "compressPunctuation", "ppr": {"overflowPunct": "0"}}),
        ("all", {"csc": "compressPunctuation", "nolb": WORD_LISTS,
                 "ppr": {"kinsoku": "1", "overflowPunct": "0", "topLinePunct": "1",
                         "autoSpaceDE": "0", "autoSpaceDN": "0"}}),
    )
]


def audit(docs):
    """openxml-audit every probe (schema order, value ranges) + python-docx geometry of the first."""
    res = {"openxml_audit": {}}
    for path in docs:
        try:
            r = subprocess.run(["openxml-audit", "-o", "json", "-m", "0", path],
                               capture_output=True, text=True, timeout=300)
            rep = json.loads(r.stdout)[0]
            res["openxml_audit"][os.path.basename(path)] = (
                rep["error_count"], [e["description"] for e in rep["errors"][:3]])
        except FileNotFoundError:
            res["openxml_audit"] = "openxml-audit not installed"
            break
        except Exception as e:  # noqa
            res["openxml_audit"][os.path.basename(path)] = repr(e)
    try:
        import docx
        d = docx.Document(docs[0])
        s = d.sections[0]
        res["python_docx"] = {k: (getattr(s, k).twips, round(getattr(s, k).mm, 2))
                              for k in ("page_width", "page_height", "left_margin", "right_margin",
                                        "top_margin", "bottom_margin")}
        res["python_docx"]["paragraphs"] = len(d.paragraphs)
    except Exception as e:  # noqa
        res["python_docx"] = f"error: {e!r}"
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/wenshu_grid_probe")
    ap.add_argument("--only", default="")
    ap.add_argument("--audit", action="store_true")
    ap.add_argument("--odt", action="store_true", help="also convert to .odt (inspect imported settings)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    only = set(filter(None, a.only.split(",")))
    vs = [v for v in VARIANTS if not only or v["name"] in only]
    docs = []
    for v in vs:
        p = os.path.join(a.out, v["name"] + ".docx")
        build_docx(p, v)
        docs.append(p)
    convert(docs, a.out)
    if a.odt:
        convert(docs, a.out, "odt")
    results = []
    for v, p in zip(vs, docs):
        pdf = p[:-5] + ".pdf"
        r = {"name": v["name"]}
        try:
            r.update(measure(pdf))
            if v.get("text") in ("conflict",):
                r["lines"] = describe_lines(pdf)
        except Exception as e:  # noqa
            r["error"] = repr(e)
        results.append(r)
    if a.audit:
        results.append({"name": "audit", **audit(docs)})
    if a.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    hdr = f'{"variant":30} {"cpl":>4} {"l/p1":>4} {"pg":>3} {"top":>6} {"base1":>6} {"left":>6} {"right":>7} {"chpt":>7} {"lnpt":>7} font'
    print(hdr)
    for r in results:
        if "chars_per_line" in r:
            print(f'{r["name"]:30} {r["chars_per_line"]:>4} {r["lines_p1"]:>4} {r["pages"]:>3} '
                  f'{r["top_mm"]:>6} {r["base1_mm"]:>6} {r["left_mm"]:>6} {r["right_mm"]:>7} '
                  f'{r["char_pitch_pt"]:>7} {r["line_pitch_pt"]:>7} {",".join(r["fonts"])} {r["line_counts"]}')
            for ln in r.get("lines", []):
                print(f'    {ln["n"]:>3} {ln["head"]}…{ln["tail"]}  x0={ln["x0_mm"]} x1={ln["x1_mm"]} {ln["punct_w_pt"]}')
        else:
            print(json.dumps(r, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
