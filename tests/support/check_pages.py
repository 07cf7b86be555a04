"""Checks that LibreOffice breaks wenshu's DOCX onto the pages our PDF has.

Usage: check_pages.py OURS.pdf LIBREOFFICE.pdf [OURS.pdf LIBREOFFICE.pdf]...

For each pair: both PDFs have the same number of pages, and every line the
two share (a line as `scripts/fidelity.py` reads it: the characters on one
baseline, a table cell's apart; page numbers left out) stands on the same
page in both — so a paper's last page, and the 版记 and 抄送 on it, are the
same page too. Lines that read differently (a cell broken elsewhere) are
counted, not compared: at least 98 % of a paper's lines must read the same
in both (the fidelity the issue of GB/T 9704 fidelity set). Prints one JSON
line per pair; exits 1 listing every failure.
"""
import collections
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
import fidelity  # noqa: E402  (the line reader the fidelity report uses)

import pdfplumber  # noqa: E402


def pages(path):
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def compare(ours_path, theirs_path, failures):
    ours, theirs = fidelity.lines(ours_path), fidelity.lines(theirs_path)
    where = lambda ls: {t: sorted(p for p, u in ls if u == t) for _, t in ls}
    mine, lo = where(ours), where(theirs)
    shared = [t for t in mine if t in lo and len(mine[t]) == len(lo[t])]
    moved = [(t, mine[t], lo[t]) for t in shared if mine[t] != lo[t]]
    report = {
        "file": pathlib.Path(ours_path).name,
        "pages": [pages(ours_path), pages(theirs_path)],
        "lines": len(ours),
        "shared": sum(len(mine[t]) for t in shared),
        "moved": len(moved),
    }
    name = report["file"]
    if report["pages"][0] != report["pages"][1]:
        failures.append(f"{name}: {report['pages'][0]} pages in our PDF, {report['pages'][1]} in LibreOffice's")
    if report["shared"] < 0.98 * max(len(ours), len(theirs)):
        failures.append(f"{name}: only {report['shared']} of {len(ours)} lines read the same in both")
    for text, a, b in moved[:5]:
        failures.append(f"{name}: “{text}” on page {a} in our PDF, {b} in LibreOffice's")
    return report


def main(args):
    if not args or len(args) % 2:
        sys.exit(__doc__)
    failures = []
    for ours, theirs in zip(args[::2], args[1::2]):
        print(json.dumps(compare(ours, theirs, failures), ensure_ascii=False))
    for f in failures:
        print(f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
