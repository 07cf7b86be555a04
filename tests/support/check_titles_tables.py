"""Checks titles, tables and full pages of wenshu's PDFs with a ruler
(GB/T 9704-2012 5.2.2, 7.3.1; issue 10's "How to measure"), with pdfplumber
and the jieba segmenter.

Usage: check_titles_tables.py WORDS.txt FILE.pdf...   WORDS.txt is
src/typeset/title_words.txt (organ and campaign terms, added to jieba's own
dictionary). Exits 1 listing every failure; prints one JSON line per file
with what it measured.

- Titles: every 22 pt line but a title's last ends where a word of jieba
  (its full dictionary plus WORDS.txt) ends.
- Tables: the cells are the boxes between the tables' rules; a cell whose
  text has at most 6 characters is on one line, except a header (黑体) that
  breaks once between two words of jieba (完成/时限), which the columns'
  sizing allows when whole headers would squeeze the text columns.
- Pages: every page of body text but the paper's last holds 22 grid lines,
  unless the next page opens with a 附件 or a heading (which moved on with
  its first lines), holds a table, or opens with the signature block moved
  with the body's last lines (a date among its first 8 lines, 7.3.5). A
  page under a 版头 holds 21: the 发文机关标志 and the red rule, set off the
  grid, push its lines 0.18 of a line down, so a 22nd does not fit.
- Tables across pages: where a table runs on from one page to the next (the
  page ends with a table row and the next opens with one), the next page
  opens with the table's header row, and the page it leaves is at most a
  third empty: a row taller than a third of a page breaks across the pages
  (its lines, the header repeated above the rest) instead of moving on
  whole. Rows are the boxes between the tables' rules; a row's part is
  measured, not the text in it.
"""
import collections
import json
import sys

import jieba
import pdfplumber

LEFT, TOP, WIDTH, HEIGHT = 1587 / 20, 2098 / 20, 8845 / 20, 12756 / 20
PITCH = HEIGHT / 22
SHORT = 6
# A table line (18 pt) and the row's rule LibreOffice adds (0.5 pt).
TABLE_LINE, RULE = 18.0, 0.5


def lines_of(chars):
    """(top, size, text, chars) of each line of `chars`, top to bottom: the
    characters on one baseline (CJK and Latin glyphs' tops differ)."""
    rows = collections.defaultdict(list)
    for c in chars:
        if not c["text"].isspace():
            rows[round(c["matrix"][5])].append(c)
    out = []
    for y in sorted(rows, reverse=True):
        cs = sorted(rows[y], key=lambda c: c["x0"])
        top = min(c["top"] for c in cs)
        out.append((top, round(cs[0]["size"], 1), "".join(c["text"] for c in cs), cs))
    return out


def word_ends(text):
    """Character offsets where a word of jieba ends in `text`."""
    ends, at = set(), 0
    for w in jieba.cut(text, HMM=True):
        at += len(w)
        ends.add(at)
    return ends


def body_chars(page):
    return [c for c in page.chars if c["top"] < TOP + HEIGHT + 2]


def check_titles(pages, failures, report):
    titles = []
    for n, page in enumerate(pages):
        current = []
        for top, size, text, _ in lines_of(body_chars(page)):
            if abs(size - 22) < 0.6:
                current.append(text)
            elif current:
                titles.append((n + 1, current))
                current = []
        if current:
            titles.append((n + 1, current))
    wrapped = 0
    for page, lines in titles:
        if len(lines) < 2:
            continue
        wrapped += 1
        whole = "".join(lines)
        ends = word_ends(whole)
        at = 0
        for line in lines[:-1]:
            at += len(line)
            if at not in ends:
                failures.append(f"page {page}: title line 「{line}」 ends inside a word of 「{whole}」")
    report["titles"] = len(titles)
    report["wrapped_titles"] = wrapped


def table_cells(page):
    """Boxes between the tables' thin rules: (x0, x1, top, bottom)."""
    xs, ys = collections.defaultdict(list), collections.defaultdict(list)
    for e in page.edges:
        if e["orientation"] == "v" and e["bottom"] - e["top"] > 5:
            xs[round(e["x0"], 0)].append((e["top"], e["bottom"]))
        elif e["orientation"] == "h" and e["x1"] - e["x0"] > 5 and e.get("linewidth", 1) < 0.7:
            ys[round(e["top"], 0)].append((e["x0"], e["x1"]))
    cells = []
    xs_sorted = sorted(xs)
    ys_sorted = sorted(ys)
    for i in range(len(ys_sorted) - 1):
        top, bottom = ys_sorted[i], ys_sorted[i + 1]
        edges = [x for x in xs_sorted
                 if any(t <= top + 1 and b >= bottom - 1 for t, b in xs[x])]
        for j in range(len(edges) - 1):
            cells.append((edges[j], edges[j + 1], top, bottom))
    return cells


def check_tables(pages, failures, report):
    short, header_breaks = 0, 0
    # A row split between pages (its rest opens the next page after the
    # header without its first cell's line): its parts hold some of a
    # cell's lines, not a whole cell.
    rows = [table_rows(p) for p in pages]
    parts = set()
    for n, on in enumerate(runs_on(pages, rows)):
        if on and len(rows[n + 1]) > 1 and not rows[n + 1][1][2][0]:
            parts.add((n, rows[n][-1][0]))
            parts.add((n + 1, rows[n + 1][1][0]))
    for n, page in enumerate(pages):
        chars = [c for c in body_chars(page) if abs(c["size"] - 12) < 0.6]
        if not chars:
            continue
        for x0, x1, top, bottom in table_cells(page):
            if (n, top) in parts:
                continue
            inside = [c for c in chars if x0 <= c["x0"] < x1 and top <= c["top"] < bottom]
            lines = [t for _, _, t, _ in lines_of(inside)]
            text = "".join(lines)
            if not text or len(text) > SHORT:
                continue
            short += 1
            if len(lines) == 1:
                continue
            header = all(c["fontname"] == inside[0]["fontname"] for c in inside) and \
                "Hei" in inside[0]["fontname"]
            at_words = len(lines) == 2 and len(lines[0]) in word_ends(text)
            if header and at_words:
                header_breaks += 1
            else:
                failures.append(f"page {n + 1}: table cell 「{'/'.join(lines)}」 wraps")
    report["short_cells"] = short
    report["header_word_breaks"] = header_breaks


def grid_lines(page):
    """How many grid lines the page's body fills: the grid line of its last
    16 pt line, counted from the top of the text block."""
    last = 0
    for top, size, text, _ in lines_of(body_chars(page)):
        if abs(size - 16) < 0.6:
            last = max(last, int((top - TOP) / PITCH) + 1)
    return last


def is_red(c):
    """A character of the red 发文机关标志."""
    color = c.get("non_stroking_color") or ()
    return len(color) == 3 and color[0] > 0.8 and color[1] < 0.3 and color[2] < 0.3


def opens_with_moved_block(page):
    """The page opens with a 附件 label, a heading, a title or the signature
    block (a date within its first lines), or holds a table."""
    lines = lines_of(body_chars(page))
    if not lines:
        return True
    if any(abs(size - 12) < 0.6 for _, size, _, _ in lines):
        return True
    top, size, text, cs = lines[0]
    face = cs[0]["fontname"]
    if text.startswith("附件") or abs(size - 22) < 0.6 or "Hei" in face or "Kai" in face:
        return True
    return any("年" in t and t.endswith("日") and len(t) <= 12 for _, _, t, _ in lines[:8])


def check_pages(pages, failures, report):
    full, short = 0, []
    # The paper's last page of text (a 版记 may stand alone after it).
    last = max((n for n, p in enumerate(pages) if grid_lines(p)), default=0)
    for n, page in enumerate(pages[:last]):
        count = grid_lines(page)
        sizes = [c["size"] for c in body_chars(page)]
        letterhead = any(is_red(c) for c in body_chars(page))
        table = any(abs(size - 12) < 0.6 for size in sizes)
        if count == 22 or (letterhead and count == 21):
            full += 1
        elif count and not letterhead and not table and not opens_with_moved_block(pages[n + 1]):
            failures.append(f"page {n + 1}: {count} grid lines, not 22")
            short.append(n + 1)
    report["full_pages"] = full


def table_rows(page):
    """The table rows (or rows' parts) on `page`, top to bottom: (top,
    bottom, text of each cell), from the boxes between the rules."""
    chars = [c for c in body_chars(page) if abs(c["size"] - 12) < 0.6]
    rows = collections.defaultdict(list)
    for x0, x1, top, bottom in table_cells(page):
        inside = [c for c in chars if x0 <= c["x0"] < x1 and top <= c["top"] < bottom]
        rows[(top, bottom)].append((x0, "".join(t for _, _, t, _ in lines_of(inside))))
    return [(top, bottom, [t for _, t in sorted(cells)]) for (top, bottom), cells in sorted(rows.items())]


def content_bounds(page):
    """The top of the first and the bottom of the last thing in the text
    block: characters and rules (the page number left out)."""
    tops = [c["top"] for c in body_chars(page)]
    bottoms = [c["bottom"] for c in body_chars(page)]
    for e in page.edges:
        if e["top"] < TOP + HEIGHT + 2:
            tops.append(e["top"])
            bottoms.append(e["bottom"])
    return (min(tops), max(bottoms)) if tops else (None, None)


def runs_on(pages, rows):
    """For each page, whether a table runs on from it to the next page: it
    ends with a table row and the next page opens with one."""
    out = []
    for n in range(len(pages)):
        if n + 1 == len(pages) or not rows[n] or not rows[n + 1]:
            out.append(False)
            continue
        _, bottom = content_bounds(pages[n])
        next_top, _ = content_bounds(pages[n + 1])
        out.append(abs(rows[n][-1][1] - bottom) < 1.5 and abs(rows[n + 1][0][0] - next_top) < 1.5)
    return out


def check_table_breaks(pages, failures, report):
    """Where a table runs on to the next page: the next page opens with its
    header row; the page it leaves is at most a third empty (a row no
    taller than that moved on whole); and if the row that opens the next
    page (after the header) is taller than a third of a page, it began on
    the page before wherever a line of it fitted there."""
    rows = [table_rows(p) for p in pages]
    on = runs_on(pages, rows)
    continued, header, split = 0, None, 0
    for n in range(len(pages) - 1):
        if not on[n]:
            header = None
            continue
        continued += 1
        # The table that runs on is the last on this page (rows touching,
        # rule on rule). If it opens the page and the one before ran on, it
        # is that table still; otherwise it began here and its first row is
        # its header (a page may end one table and start the next).
        first = len(rows[n]) - 1
        while first > 0 and abs(rows[n][first - 1][1] - rows[n][first][0]) < 1.5:
            first -= 1
        if not (first == 0 and header is not None):
            header = rows[n][first][2]
        if rows[n + 1][0][2] != header:
            failures.append(f"page {n + 2}: the table runs on without its header row: "
                            f"{'|'.join(rows[n + 1][0][2])} instead of {'|'.join(header)}")
        empty = TOP + HEIGHT - rows[n][-1][1]
        if empty > HEIGHT / 3 + 1:
            failures.append(f"page {n + 1}: {empty:.0f} pt of {HEIGHT:.0f} left empty before the table runs on")
        if len(rows[n + 1]) > 1:
            top, bottom, _ = rows[n + 1][1]
            if bottom - top > HEIGHT / 3 and empty > TABLE_LINE + RULE + 1:
                failures.append(f"page {n + 1}: a row {bottom - top:.0f} pt tall moved on whole, "
                                f"though {empty:.0f} pt were left for its first lines")
        # A row split here: its rest opens the next page without its first
        # cell's (序号's) line, which stayed on this page.
        split += len(rows[n + 1]) > 1 and not rows[n + 1][1][2][0]
    report["table_page_breaks"] = continued
    report["table_rows_split"] = split


def check(path):
    failures, report = [], {"file": path}
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages
        check_titles(pages, failures, report)
        check_tables(pages, failures, report)
        check_pages(pages, failures, report)
        check_table_breaks(pages, failures, report)
    return failures, report


def main():
    jieba.setLogLevel(60)
    for line in open(sys.argv[1], encoding="utf-8"):
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith("#"):
            jieba.add_word(parts[0], int(parts[1]))
    exit_with_reports((path, check(path)) for path in sys.argv[2:])


def exit_with_reports(results):
    """Prints each file's report as a JSON line and its failures on stderr;
    exits 1 if any file failed. `results`: (file, (failures, report))."""
    failed = False
    for path, (failures, report) in results:
        print(json.dumps(report, ensure_ascii=False))
        for f in failures:
            print(f"{path}: {f}", file=sys.stderr)
        failed |= bool(failures)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
