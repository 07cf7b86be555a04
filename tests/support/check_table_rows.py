"""Checks that a DOCX keeps whole exactly the table rows the PDF keeps whole:
a row taller than a third of the text block lacks `w:cantSplit` (Word and
LibreOffice may break it across pages, as our layout does), every other row
has it (issue 10).

Usage: check_table_rows.py FILE.docx FILE.pdf [FILE.docx FILE.pdf ...]

The DOCX is read with python-docx: the tables with a repeated header row
(`w:tblHeader`), each body row's text and whether it has `w:cantSplit`. The
PDF is measured with pdfplumber: the rows' parts between the tables' rules,
page after page (repeated headers left out), each DOCX row matched to the
parts that hold its characters; a row's height is its parts' heights, less
the rule each extra part adds. Prints one JSON line per pair; exits 1 listing
every row whose cantSplit disagrees with its measured height.
"""
import collections
import pathlib
import sys

import docx
import pdfplumber
from docx.oxml.ns import qn

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from check_titles_tables import HEIGHT, RULE, exit_with_reports, table_rows  # noqa: E402


def squeeze(text):
    return "".join(text.split())


def docx_rows(path):
    """(header texts, [(text, cantSplit)]) of the tables with a header row."""
    headers, rows = set(), []
    for table in docx.Document(path).tables:
        trs = table._tbl.tr_lst
        if not trs or trs[0].trPr is None or trs[0].trPr.find(qn("w:tblHeader")) is None:
            continue
        text = lambda tr: squeeze("".join(t.text or "" for t in tr.iter(qn("w:t"))))
        headers.add(text(trs[0]))
        for tr in trs[1:]:
            whole = tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None
            rows.append((text(tr), whole))
    return headers, rows


def pdf_parts(path, headers):
    """Every table row part of the PDF in order: (text, height, page)."""
    parts = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            for top, bottom, cells in table_rows(page):
                text = squeeze("".join(cells))
                if text in headers:
                    continue
                parts.append((text, bottom - top, n + 1))
    return parts


def check(docx_path, pdf_path):
    failures = []
    headers, rows = docx_rows(docx_path)
    parts = pdf_parts(pdf_path, headers)
    report = {"file": docx_path, "rows": len(rows), "tall": 0, "split": 0}
    i = 0
    for k, (text, whole) in enumerate(rows):
        want = collections.Counter(text)
        got, height, pages = collections.Counter(), 0.0, []
        while i < len(parts) and sum(got.values()) < len(text):
            got.update(parts[i][0])
            height += parts[i][1]
            pages.append(parts[i][2])
            i += 1
        if got != want:
            failures.append(f"row {k + 1}: its text is not in the PDF's rows in order ({text[:12]}…)")
            break
        height -= RULE * (len(pages) - 1)
        tall = height > HEIGHT / 3
        report["tall"] += tall
        report["split"] += len(pages) > 1
        if tall == whole:
            failures.append(f"row {k + 1} ({text[:12]}…): {height:.1f} pt tall "
                            f"{'>' if tall else '<='} a third of the page, "
                            f"but the DOCX {'keeps it whole' if whole else 'lets it split'}")
        if len(pages) > 1 and whole:
            failures.append(f"row {k + 1}: split across pages {pages} though kept whole")
    return failures, report


def main():
    args = sys.argv[1:]
    exit_with_reports((d, check(d, p)) for d, p in zip(args[::2], args[1::2]))


if __name__ == "__main__":
    main()
