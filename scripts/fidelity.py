#!/usr/bin/env python3
"""Line-break fidelity: our PDF against LibreOffice's rendering of our DOCX.

Usage: fidelity.py DIR   (DIR holds X.docx and X.pdf pairs from `wenshu render`)

Converts each DOCX with LibreOffice into DIR/lo/, reads both PDFs' lines with
pdfplumber (a line = the characters on one baseline; inside a table, the
characters of one cell on one baseline, so that neighbouring cells are not
run together) and reports per paper the share of lines that are identical
(whitespace ignored), matched as a multiset. Page numbers are left out.
Then, whether the pages break at the same places: both PDFs' page counts and
the share of lines that are identical and on the same page (matched as a
multiset of page and text). Prints one line per paper (name, same lines,
share, pages ours/LibreOffice's, share on the same page) and a total.
"""
import collections
import pathlib
import subprocess
import sys

import pdfplumber


def lines(pdf_path):
    """The lines of every page: (page number, text) in reading order."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            # Table columns: x of vertical rules, with the rows' vertical span.
            verticals = [(l["x0"], l["top"], l["bottom"]) for l in page.lines if abs(l["x0"] - l["x1"]) < 0.5]
            verticals += [(r["x0"], r["top"], r["bottom"]) for r in page.rects if r["width"] < 1.5]
            groups = collections.defaultdict(list)
            for c in page.chars:
                if c["text"].isspace():
                    continue
                mid = (c["top"] + c["bottom"]) / 2
                col = sum(1 for x, top, bottom in verticals if top <= mid <= bottom and x <= c["x0"] + 0.5)
                groups[(-round(c["matrix"][5]), col)].append(c)
            for key in sorted(groups):
                text = "".join(c["text"] for c in sorted(groups[key], key=lambda c: c["x0"]))
                if text.startswith("—") and text.endswith("—") and text.strip("—").isdigit():
                    continue
                out.append((number, text))
    return out


def convert(docx, lo):
    """LibreOffice renders the DOCX files into `lo`, with a profile of its
    own there. The profile must be an absolute file:// URL: given a relative
    one (`file://输出/lo/profile`) LibreOffice waits forever."""
    profile = (lo / "profile").resolve().as_uri()
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(lo)] + [str(f) for f in docx],
                       check=True, capture_output=True, timeout=600)
    except subprocess.TimeoutExpired:
        sys.exit("fidelity.py: LibreOffice did not finish converting within 10 minutes")


def main(directory):
    d = pathlib.Path(directory).resolve()
    docx = sorted(d.glob("*.docx"))
    lo = d / "lo"
    lo.mkdir(exist_ok=True)
    convert(docx, lo)
    total_same = total_paged = total = 0
    for f in docx:
        ours = lines(f.with_suffix(".pdf"))
        theirs = lines(lo / (f.stem + ".pdf"))
        text = lambda ls: collections.Counter(t for _, t in ls)
        same = sum((text(theirs) & text(ours)).values())
        paged = sum((collections.Counter(theirs) & collections.Counter(ours)).values())
        n = max(len(theirs), len(ours))
        pages = f"{pdf_pages(f.with_suffix('.pdf'))}/{pdf_pages(lo / (f.stem + '.pdf'))}"
        total_same += same
        total_paged += paged
        total += n
        print(f"{f.stem}\t{same}/{n}\t{100.0 * same / n:.1f}%\t{pages}\t{100.0 * paged / n:.1f}%")
    print(f"total\t{total_same}/{total}\t{100.0 * total_same / total:.1f}%\t\t{100.0 * total_paged / total:.1f}%")


def pdf_pages(path):
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


if __name__ == "__main__":
    main(sys.argv[1])
