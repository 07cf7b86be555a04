"""Measures wenshu's PDFs with pdfplumber and checks the GB/T 9704 geometry.

Usage: check_pdf.py FILE.pdf...   Exits 1 with a message on the first failure;
prints one JSON line per file with what it measured.
"""
import collections
import json
import sys

import pdfplumber

MM = 72 / 25.4
LEFT, TOP, WIDTH, HEIGHT = 1587 / 20, 2098 / 20, 8845 / 20, 12756 / 20
RIGHT = LEFT + WIDTH
CELL = WIDTH / 28
PITCH = 579 / 20


def fail(path, msg):
    print(f"{path}: {msg}", file=sys.stderr)
    sys.exit(1)


def check_page_number(path, n, number):
    """"— N —", 14 pt, top 7 mm below the block; odd right, even left."""
    text = "".join(c["text"] for c in sorted(number, key=lambda c: c["x0"]))
    if text != f"—{n}—":
        fail(path, f"page {n}: page number reads {text!r}")
    if any(abs(c["size"] - 14) > 0.1 for c in number):
        fail(path, f"page {n}: page number not 14 pt")
    top_mm = min(c["top"] for c in number) / MM
    if not 268 <= top_mm <= 271:
        fail(path, f"page {n}: page number top at {top_mm:.1f} mm, want 269")
    x0, x1 = min(c["x0"] for c in number), max(c["x1"] for c in number)
    if n % 2 == 1 and abs(x1 - (RIGHT - 14)) > 1.5:
        fail(path, f"page {n} (odd): page number should end one character from the right, ends at {x1:.1f}")
    if n % 2 == 0 and abs(x0 - (LEFT + 14)) > 1.5:
        fail(path, f"page {n} (even): page number should start one character from the left, starts at {x0:.1f}")


def check(path):
    pdf = pdfplumber.open(path)
    report = {"file": path, "pages": len(pdf.pages), "full_lines": 0, "full_pages": 0}
    for n, page in enumerate(pdf.pages, 1):
        if abs(page.width - 595.28) > 0.5 or abs(page.height - 841.89) > 0.5:
            fail(path, f"page {n} is not A4: {page.width} x {page.height}")
        red = [c for c in page.chars if tuple(c.get("non_stroking_color") or ()) == (1, 0, 0)]
        # The letterhead's red 发文机关标志 stands off the grid, at 35 mm.
        chars = [c for c in page.chars if not c["text"].isspace() and c not in red]
        number = [c for c in chars if c["top"] > TOP + HEIGHT + 3 * MM]
        body = [c for c in chars if c["top"] <= TOP + HEIGHT + 3 * MM]
        # A blank page before the 版记's page, and that page, carry no number
        # (7.5): the 版记 then ends an even page after a blank odd one.
        blank = not body and not page.edges
        after_blank = n > 1 and not [c for c in pdf.pages[n - 2].chars if not c["text"].isspace()]
        if blank or after_blank:
            if number:
                fail(path, f"page {n}: a blank page or the 版记's after it is numbered")
            report["unnumbered_pages"] = report.get("unnumbered_pages", 0) + 1
        else:
            check_page_number(path, n, number)
        # The top of a line's em box (baseline − 0.88 em, the ideographic
        # box), so a Latin first line (份号) measures alike.
        em_top = lambda cs: min(page.height - c["matrix"][5] - 0.88 * c["size"] for c in cs) / MM
        if n == 1 and red:
            # Under a letterhead: the 发文机关标志's top 35 mm below the top
            # of the text block (7.2.4); what it pushes down is off the grid.
            mark = em_top(red) - TOP / MM
            if abs(mark - 35) > 1:
                fail(path, f"issuer mark top {mark:.2f} mm below the text block, want 35 ± 1")
            report["issuer_mark_mm"] = round(mark, 2)
        elif n == 1:
            first_top = em_top(body)
            if abs(first_top - 37) > 1:
                fail(path, f"first line top at {first_top:.2f} mm, want 37 ± 1")
            report["first_top_mm"] = round(first_top, 2)
        if any(c["x0"] < LEFT - 1 for c in body):
            fail(path, f"page {n}: text left of the 28 mm margin")
        if any(c["x0"] > RIGHT for c in body):
            fail(path, f"page {n}: text right of the text block")
        # Lines of 16 pt body text on the grid.
        rows = collections.defaultdict(list)
        for c in body:
            if abs(c["size"] - 16) < 0.1:
                rows[round(c["matrix"][5], 1)].append(c)
        has_table = any(abs(c["size"] - 12) < 0.1 for c in body)
        for y, cs in rows.items():
            cs.sort(key=lambda c: c["x0"])
            last = cs[-1]
            # A full line ends in the last cell (a stop may be squeezed to half of it).
            if last["x0"] > RIGHT - CELL - 2 and len(cs) >= 14:
                # It starts at the margin or two cells in (a Latin run opening
                # the line sits centred in its cell), so it is 28 or 26 cells.
                start = (cs[0]["x0"] - LEFT) / CELL
                if not (-0.05 <= start <= 0.5 or 1.95 <= start <= 2.5):
                    fail(path, f"page {n}: full line {''.join(c['text'] for c in cs)!r} starts at cell {start:.2f}")
                if last["x0"] < RIGHT - CELL - 0.6:
                    fail(path, f"page {n}: full line does not reach the right edge: {''.join(c['text'] for c in cs)!r}")
                report["full_lines"] += 1
        if not has_table and not red and rows:
            ys = sorted(-y for y in rows)
            slots = [(y - ys[0]) / PITCH for y in ys]
            if any(abs(s - round(s)) > 0.02 for s in slots):
                fail(path, f"page {n}: body lines off the 28.95 pt grid")
            used = round(slots[-1]) + 1
            if used > 22:
                fail(path, f"page {n}: {used} lines")
            if used == 22:
                report["full_pages"] += 1
    # 22 pt title, 16 pt body, 14 pt page numbers, 12 pt tables: nothing else.
    sizes = collections.Counter(
        round(c["size"], 1) for p in pdf.pages for c in p.chars
        if tuple(c.get("non_stroking_color") or ()) != (1, 0, 0))
    if not set(sizes) <= {22.0, 16.0, 14.0, 12.0} or 16.0 not in sizes:
        fail(path, f"unexpected sizes: {sizes}")
    print(json.dumps(report, ensure_ascii=False))


for f in sys.argv[1:]:
    check(f)
