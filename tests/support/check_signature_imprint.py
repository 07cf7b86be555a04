"""Checks the signature block and the 版记 of wenshu's PDFs with a ruler
(GB/T 9704-2012 7.3.5, 7.3.6, 7.4), measured with pdfplumber.

Usage: check_signature_imprint.py FILE.pdf...   Exits 1 listing every
failure; prints one JSON line per file with what it measured.

- 成文日期: a 16 pt line reading 2026年3月5日; the 署名 is the line above it.
  The date's first character stands two cells right of the name's first
  (±0.3 cell), or, when the date is the longer, the date ends two cells from
  the right (右空二字).
- 附注: a line opening with "（" right after the date is on the date's page.
- No page holds only the 署名, the 成文日期 and the 附注.
- 抄送: a line opening with "抄送：" is 14 pt and lies between two rules
  that span the text block (the 版记's), above and below it, on the
  paper's last page, an even one (7.4: 版记置于公文最后一面).
"""
import collections
import json
import re
import sys

import pdfplumber

LEFT, TOP, WIDTH, HEIGHT = 1587 / 20, 2098 / 20, 8845 / 20, 12756 / 20
RIGHT = LEFT + WIDTH
CELL = WIDTH / 28
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def page_lines(page):
    """(baseline, size, x0, x1, text) of each line above the page number,
    in reading order; table cells make no difference here."""
    rows = collections.defaultdict(list)
    for c in page.chars:
        if c["text"].isspace() or c["top"] > TOP + HEIGHT + 5:
            continue
        rows[round(c["matrix"][5], 1)].append(c)
    out = []
    for y in sorted(rows, reverse=True):
        cs = sorted(rows[y], key=lambda c: c["x0"])
        out.append((page.height - y, round(cs[0]["size"], 1), cs[0]["x0"], cs[-1]["x1"],
                    "".join(c["text"] for c in cs)))
    return out


def full_rules(page):
    """The y (top) of horizontal rules that span the text block."""
    ys = []
    for obj in page.lines + page.rects:
        if abs(obj["top"] - obj["bottom"]) < 2 and obj["x1"] - obj["x0"] > WIDTH - 2:
            ys.append(obj["top"])
    return sorted(ys)


def check(path):
    failures = []
    report = {"file": path}
    with pdfplumber.open(path) as pdf:
        lines = []  # (page index, line)
        for n, page in enumerate(pdf.pages):
            lines += [(n, line) for line in page_lines(page)]
            for (y, size, x0, x1, text) in page_lines(page):
                if not text.startswith("抄送："):
                    continue
                report["cc_size"] = size
                if abs(size - 14) > 0.1:
                    failures.append(f"page {n + 1}: 抄送 at {size} pt, want 14 (7.4.2)")
                rules = full_rules(page)
                if not (any(r < y - 10 for r in rules) and any(r > y for r in rules)):
                    failures.append(f"page {n + 1}: 抄送 is not between the 版记's rules (7.4)")
                report["imprint_page"] = n + 1
                if n + 1 != len(pdf.pages) or (n + 1) % 2:
                    failures.append(f"page {n + 1} of {len(pdf.pages)}: the 版记 is not on the last, even page (7.4)")
        for k, (n, (y, size, x0, x1, text)) in enumerate(lines):
            if abs(size - 16) > 0.1 or not DATE.match(text) or k == 0:
                continue
            name_page, name = lines[k - 1]
            offset = (x0 - name[2]) / CELL
            right = (RIGHT - x1) / CELL
            report["date_offset_cells"] = round(offset, 2)
            report["date_right_cells"] = round(right, 2)
            if abs(offset - 2) > 0.3 and not (offset < 2 and abs(right - 2) < 0.3):
                failures.append(f"date {text!r} starts {offset:.2f} cells right of the signature {name[4]!r}, want 2 (7.3.5.2)")
            if name_page != n:
                failures.append(f"the signature {name[4]!r} and the date are on different pages")
            block = {k - 1, k}
            if k + 1 < len(lines) and lines[k + 1][1][4].startswith("（"):
                note_page = lines[k + 1][0]
                block.add(k + 1)
                report["note_on_date_page"] = note_page == n
                if note_page != n:
                    failures.append(f"the 附注 is on page {note_page + 1}, the date on page {n + 1} (7.3.6)")
            for p in {lines[i][0] for i in block}:
                on_page = [i for i, (q, _) in enumerate(lines) if q == p]
                if on_page and all(i in block for i in on_page):
                    failures.append(f"page {p + 1} holds only the signature block (7.3.5)")
    print(json.dumps(report, ensure_ascii=False))
    return [f"{path}: {f}" for f in failures]


if __name__ == "__main__":
    failures = [f for path in sys.argv[1:] for f in check(path)]
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
