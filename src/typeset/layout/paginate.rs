//! Pagination: boxes onto pages of 22 lines, the 版记 at the foot of an
//! even page, and the page numbers.
//!
//! A page is filled to LibreOffice's body of 22 whole grid lines
//! ([`FLOW_HEIGHT`]). A box kept with the next moves with it; the gap after
//! a table that the next paragraph carries as its space before falls away
//! where that paragraph opens a page; a page break before a box
//! starts a new page; a table row opening a page brings its header row; a
//! row that may split ([`super::table::RowCells`]) and does not fit is cut
//! between lines, as LibreOffice cuts the DOCX's row without `w:cantSplit`:
//! as many whole lines as fit above the text block's foot with the row's
//! border, the rest after the header on the next page. The
//! 版记 is taken out of the flow and placed on the last page, or on a page
//! of its own (after a blank one when needed) so it ends on an even page
//! (7.4); pages that hold only the 版记 after a blank one carry no number
//! (7.5).

use super::table::RowCells;
use super::{
    Box_, Gap, Glyph, Layout, Page, TextRun, Typesetter, BLACK, FLOW_HEIGHT, HEIGHT, LEFT,
    PT_PER_MM, TOP, WIDTH,
};
use crate::fonts::FontRole;
use crate::typeset::measured::{
    EM_BOX_ASCENT, LO_IMPRINT_RULES_MPT, LO_ROW_BORDER, LO_ROW_PART_MIN_LINES,
};
use crate::typeset::{self as ts, Kind};

/// Tolerance for float heights, pt.
const EPS: f32 = 0.01;
/// What LibreOffice's 版记 takes beyond its rows, pt.
const LO_IMPRINT_RULES: f32 = LO_IMPRINT_RULES_MPT as f32 / 1000.0;

/// The 版记's place: its last rule is always on the bottom of the text block
/// of an even page (7.4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ImprintPlace {
    /// On the last page of the text, this much space (pt) above it in
    /// LibreOffice's body ([`FLOW_HEIGHT`]); our PDF sets it on the text
    /// block's foot all the same.
    LastPage { gap: f32 },
    /// After `blank` empty pages, at the foot of a page of its own.
    OwnPage { blank: usize },
}

/// Assigns boxes to pages, numbers them and places the 版记.
pub(super) fn paginate(boxes: Vec<Box_>) -> Layout {
    let mut layout = Layout::default();
    let imprint = boxes.iter().find(|b| b.imprint);
    let (mut pages, used) = flow(&boxes, &mut layout.lines);
    for (n, p) in pages.iter_mut().enumerate() {
        p.number = Some(n + 1);
    }
    if let Some(b) = imprint {
        layout.imprint = Some(place_imprint(&mut pages, b, used));
        layout.lines.push(b.text.clone());
    }
    layout.pages = pages;
    layout
}

/// Fills pages with the boxes in order (all but the 版记): 22 lines each,
/// keeping marked boxes with the next, repeating table headers after a
/// break. Returns the pages and the height used on the last one (a full
/// page when the flow ended exactly at a page's end).
fn flow(boxes: &[Box_], lines: &mut Vec<String>) -> (Vec<Page>, f32) {
    let mut page = Page::default();
    let mut y = 0.0_f32;
    let mut pages: Vec<Page> = Vec::new();
    for (i, b) in boxes.iter().enumerate() {
        if b.imprint {
            continue;
        }
        let group_h = kept_group_height(boxes, i);
        let fits = y + group_h <= FLOW_HEIGHT + EPS;
        if let (Some(row), false) = (b.split.as_deref(), fits) {
            let header = b.repeat_header.map(|h| &boxes[h]);
            split_row(row, header, &mut page, &mut pages, &mut y, lines);
            continue;
        }
        let page_empty = page.texts.is_empty() && page.rules.is_empty() && page.marks.is_empty();
        if b.gap == Gap::Carried && !fits && group_h <= FLOW_HEIGHT + EPS {
            // A paragraph's space before falls away where the paragraph
            // opens a page; it goes there, after the table's last row.
            if !page_empty {
                pages.push(std::mem::take(&mut page));
                y = 0.0;
            }
            continue;
        }
        if (b.page_break_before || !fits) && !page_empty {
            // A group taller than a page is split where it must be.
            if !fits && group_h > FLOW_HEIGHT {
                if y + b.height > FLOW_HEIGHT + EPS {
                    pages.push(std::mem::take(&mut page));
                    y = 0.0;
                }
            } else {
                pages.push(std::mem::take(&mut page));
                y = 0.0;
            }
            if y == 0.0 {
                // A table row opening a page brings its header row with it.
                if let Some(h) = b.repeat_header {
                    place(&mut page, &boxes[h], y);
                    y += boxes[h].height;
                }
            }
        }
        set(&mut page, b, &mut y, lines);
    }
    if !page.texts.is_empty()
        || !page.rules.is_empty()
        || !page.marks.is_empty()
        || pages.is_empty()
    {
        pages.push(page);
    } else {
        y = FLOW_HEIGHT;
    }
    (pages, y)
}

/// Sets a table row that may split and does not fit where it is: on this
/// page as many of its lines as fit (the cells at the part's top), the rest
/// on the next pages after the `header`, the last part's cells centred.
/// Moves `y` past what it set.
fn split_row(
    row: &RowCells,
    header: Option<&Box_>,
    page: &mut Page,
    pages: &mut Vec<Page>,
    y: &mut f32,
    lines: &mut Vec<String>,
) {
    let mut from = vec![0; row.cells_count()];
    loop {
        let rest = row.rest(&from);
        if *y + row.height(rest) <= FLOW_HEIGHT + EPS {
            let part = row.part(&mut from, rest, true);
            set(page, &part, y, lines);
            return;
        }
        let room = ((FLOW_HEIGHT - *y - LO_ROW_BORDER + EPS) / row.line)
            .floor()
            .max(0.0) as usize;
        let page_top = header.map_or(0.0, |h| h.height);
        if room >= LO_ROW_PART_MIN_LINES || *y <= page_top + EPS {
            let part = row.part(&mut from, room.max(1), false);
            set(page, &part, y, lines);
        }
        pages.push(std::mem::take(page));
        *y = 0.0;
        if let Some(h) = header {
            place(page, h, 0.0);
            *y = h.height;
        }
    }
}

/// Places `b` at `y` on `page`, records its text, moves `y` below it.
fn set(page: &mut Page, b: &Box_, y: &mut f32, lines: &mut Vec<String>) {
    place(page, b, *y);
    if !b.text.is_empty() {
        lines.push(b.text.clone());
    }
    *y += b.height;
}

/// The height of the group that must stay together: box `i` and every box
/// it keeps with (of a row that may split, only its first line).
fn kept_group_height(boxes: &[Box_], i: usize) -> f32 {
    let least = |b: &Box_| {
        b.split.as_ref().map_or(b.height, |row| {
            row.height(LO_ROW_PART_MIN_LINES).min(b.height)
        })
    };
    let mut j = i;
    let mut height = boxes[i].height;
    while boxes[j].keep_with_next && j + 1 < boxes.len() {
        j += 1;
        height += least(&boxes[j]);
    }
    height
}

/// 版记: its last rule on the bottom of the text block of the last page,
/// which must be an even page (printed on the back). If it does not fit
/// there, or that page is odd, it goes at the foot of the next even page;
/// a blank page needed before it and the 版记 page carry no number (7.5).
fn place_imprint(pages: &mut Vec<Page>, b: &Box_, used: f32) -> ImprintPlace {
    // LibreOffice's 版记 is taller by its rules: it must fit there too.
    let fits = used + b.height + LO_IMPRINT_RULES <= FLOW_HEIGHT + EPS;
    let place_at = if fits && pages.len() % 2 == 0 {
        ImprintPlace::LastPage {
            gap: FLOW_HEIGHT - b.height - used,
        }
    } else {
        let blank = if pages.len() % 2 == 0 { 1 } else { 0 };
        for _ in 0..blank + 1 {
            pages.push(Page::default());
        }
        if blank == 0 {
            // No blank page before it: the 版记 page keeps its number.
            let n = pages.len();
            pages[n - 1].number = Some(n);
        }
        ImprintPlace::OwnPage { blank }
    };
    let last = pages.last_mut().expect("at least one page");
    place(last, b, HEIGHT - b.height);
    place_at
}

fn place(page: &mut Page, b: &Box_, y: f32) {
    for t in &b.texts {
        let mut t = t.clone();
        t.y += TOP + y;
        page.texts.push(t);
    }
    for r in &b.rules {
        let mut r = r.clone();
        r.y1 += TOP + y;
        r.y2 += TOP + y;
        page.rules.push(r);
    }
    for m in &b.marks {
        let mut m = m.clone();
        m.y += TOP + y;
        page.marks.push(m);
    }
}

impl Typesetter<'_> {
    /// "— N —", 4号宋体: odd pages right, even pages left, one character in;
    /// its top 7 mm below the text block (7.5).
    pub(super) fn page_numbers(&self, layout: &mut Layout) {
        let style = ts::style(Kind::PageNumber);
        let size = style.size as f32 / 2.0;
        let role = FontRole::Cjk(style.face);
        let baseline =
            TOP + HEIGHT + ts::PAGE_NUMBER_GAP_MM as f32 * PT_PER_MM + EM_BOX_ASCENT * size;
        for page in &mut layout.pages {
            let Some(n) = page.number else { continue };
            let text = format!("— {n} —");
            let widths: Vec<f32> = text.chars().map(|c| self.advance(role, c, size)).collect();
            let total: f32 = widths.iter().sum();
            let mut x = if n % 2 == 1 {
                LEFT + WIDTH - size - total
            } else {
                LEFT + size
            };
            let mut runs: Vec<TextRun> = Vec::new();
            for (c, w) in text.chars().zip(widths) {
                let face = (!c.is_whitespace())
                    .then(|| self.fonts.face_for(role, c))
                    .flatten();
                if let Some(f) = face {
                    if runs.last().is_none_or(|r| r.face != f) {
                        runs.push(TextRun {
                            face: f,
                            size,
                            y: baseline,
                            glyphs: Vec::new(),
                            color: BLACK,
                        });
                    }
                    let run = runs.last_mut().expect("just pushed");
                    run.glyphs.push(Glyph {
                        gid: self.fonts.faces[f].glyph(c).unwrap_or(0),
                        x,
                        ch: c,
                    });
                }
                x += w;
            }
            page.texts.extend(runs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(keep: bool) -> Box_ {
        let mut b = Box_::new(super::super::LINE);
        b.keep_with_next = keep;
        b.text = "字".into();
        b.rules.push(super::super::Rule::across(0.0, 1.0, BLACK));
        b
    }

    /// The gap after a table, carried by the next paragraph as its space
    /// before, moves with that paragraph and falls away where it opens a
    /// page (as LibreOffice drops the space before there); standing on its
    /// own, it is set where it falls.
    #[test]
    fn a_carried_gap_moves_with_its_paragraph_and_falls_away_at_a_page_top() {
        let gap = |carried: bool| {
            let mut b = Box_::table_gap();
            if carried {
                b.gap = Gap::Carried;
                b.keep_with_next = true;
            }
            b
        };
        // 21 lines leave one line's room: the line fits, gap and line do not.
        let build = |carried: bool| {
            let mut boxes: Vec<Box_> = (0..21).map(|_| line(false)).collect();
            boxes.push(gap(carried));
            boxes.push(line(false));
            paginate(boxes)
        };
        let carried = build(true);
        assert_eq!(carried.pages.len(), 2);
        assert_eq!(carried.pages[0].rules.len(), 21);
        // The line opens page 2 at the text block's top: no gap above it.
        assert_eq!(carried.pages[1].rules.len(), 1);
        assert!((carried.pages[1].rules[0].y1 - TOP).abs() < 0.01);
        // A standing gap stays on page 1, and so does the line below it
        // when both fit: 20 lines, the gap, a line.
        let mut boxes: Vec<Box_> = (0..20).map(|_| line(false)).collect();
        boxes.push(gap(false));
        boxes.push(line(false));
        assert_eq!(paginate(boxes).pages.len(), 1);
        // Carried, the same: gap and line fit under 20 lines.
        let mut boxes: Vec<Box_> = (0..20).map(|_| line(false)).collect();
        boxes.push(gap(true));
        boxes.push(line(false));
        let layout = paginate(boxes);
        assert_eq!(layout.pages.len(), 1);
        let last = layout.pages[0].rules.last().unwrap().y1;
        assert!((last - (TOP + 20.0 * super::super::LINE + 12.0)).abs() < 0.01);
        // Standing, it stays at the foot of page 1 if it fits there; where
        // it does not (21 lines and 20 pt more), it opens page 2 itself.
        let standing = build(false);
        assert_eq!(standing.pages.len(), 2);
        assert!((standing.pages[1].rules[0].y1 - TOP).abs() < 0.01);
        let mut boxes: Vec<Box_> = (0..21).map(|_| line(false)).collect();
        boxes.push(Box_::new(20.0));
        boxes.push(gap(false));
        boxes.push(line(false));
        let layout = paginate(boxes);
        assert_eq!(layout.pages.len(), 2);
        assert!((layout.pages[1].rules[0].y1 - (TOP + 12.0)).abs() < 0.01);
    }

    #[test]
    fn a_page_holds_22_lines_and_kept_lines_move_together() {
        let boxes: Vec<Box_> = (0..23).map(|_| line(false)).collect();
        let layout = paginate(boxes);
        assert_eq!(layout.pages.len(), 2);
        assert_eq!(layout.pages[0].rules.len(), 22);
        // line 22 kept with line 23: both go to page 2
        let mut boxes: Vec<Box_> = (0..23).map(|_| line(false)).collect();
        boxes[21].keep_with_next = true;
        let layout = paginate(boxes);
        assert_eq!(layout.pages[0].rules.len(), 21);
        assert_eq!(layout.pages[1].rules.len(), 2);
        assert_eq!(layout.pages[1].number, Some(2));
    }

    /// A row that may split, 10 lines in its second cell, under 20 body
    /// lines and its header: 21.4 pt are left, one of its lines and its
    /// rule fit there; the rest (9 lines) goes on the next page under the
    /// repeated header. A row that may not split moves on whole with its
    /// header.
    #[test]
    fn a_tall_row_splits_at_the_foot_and_its_header_repeats() {
        let cell_line = |t: &str| {
            let mut b = Box_::new(18.0);
            b.text = t.into();
            b
        };
        let row = || {
            let short = vec![cell_line("1")];
            let long = (0..10).map(|i| cell_line(&format!("L{i}"))).collect();
            RowCells::new(vec![100.0, 200.0], 18.0, vec![short, long])
        };
        let build = |split: bool| {
            let mut boxes: Vec<Box_> = (0..20).map(|_| line(false)).collect();
            let mut header = Box_::new(36.5);
            header.keep_with_next = true;
            header.text = "序号\t措施\t".into();
            header
                .rules
                .push(super::super::Rule::across(0.0, 2.0, BLACK));
            let h = boxes.len();
            boxes.push(header);
            let cells = row();
            let mut from = vec![0, 0];
            let mut b = cells.part(&mut from, 10, true);
            b.repeat_header = Some(h);
            if split {
                b.split = Some(Box::new(cells));
            }
            boxes.push(b);
            boxes
        };
        // Header and a line of the row fit under the 20 lines: 57.9 pt.
        assert!((FLOW_HEIGHT - 20.0 * super::super::LINE - 57.9).abs() < 0.01);
        let layout = paginate(build(true));
        assert_eq!(layout.pages.len(), 2);
        // Page 1: the header (36.5 pt) leaves 21.4 pt, one line of the row
        // and its rule; page 2: the header again, then 9 lines, the short
        // cell done on page 1.
        let lines = &layout.lines[20..];
        assert_eq!(lines, ["序号\t措施\t", "1\tL0\t", "\tL1L2L3L4L5L6L7L8L9\t"]);
        // Rules: 20 lines, the header's, the part's 2 + 3 on page 1; the
        // header's again and the rest's on page 2, whose top lies under it.
        assert_eq!(layout.pages[0].rules.len(), 20 + 1 + 5);
        assert_eq!(layout.pages[1].rules.len(), 1 + 5);
        let rest_top = layout.pages[1].rules[1].y1;
        assert!((rest_top - (TOP + 36.5)).abs() < 0.01, "{rest_top}");
        let rest_bottom = layout.pages[1].rules[2].y1;
        assert!((rest_bottom - rest_top - (9.0 * 18.0 + 0.5)).abs() < 0.01);
        // Kept whole, the row moves to page 2 with the header.
        let layout = paginate(build(false));
        assert_eq!(layout.pages.len(), 2);
        assert_eq!(
            layout.lines[20..],
            ["序号\t措施\t", "1\tL0L1L2L3L4L5L6L7L8L9\t"]
        );
    }

    #[test]
    fn the_imprint_ends_on_an_even_page() {
        let mut boxes: Vec<Box_> = (0..3).map(|_| line(false)).collect();
        let mut imprint = line(false);
        imprint.imprint = true;
        boxes.push(imprint);
        let layout = paginate(boxes);
        // one page of text: a blank page would be odd, so the 版记 goes on page 2
        assert_eq!(layout.pages.len(), 2);
        assert_eq!(layout.imprint, Some(ImprintPlace::OwnPage { blank: 0 }));
        assert_eq!(layout.pages[1].number, Some(2));
        // 43 lines: page 2 holds 21, and a line of 版记 would fill it; but
        // LibreOffice's 版记 is 2 pt taller, so it goes after a blank page.
        let mut boxes: Vec<Box_> = (0..43).map(|_| line(false)).collect();
        let mut imprint = line(false);
        imprint.imprint = true;
        boxes.push(imprint);
        let layout = paginate(boxes);
        assert_eq!(layout.imprint, Some(ImprintPlace::OwnPage { blank: 1 }));
        assert_eq!(layout.pages.len(), 4);
        // 42 lines: room for two lines on page 2, it stays there.
        let mut boxes: Vec<Box_> = (0..42).map(|_| line(false)).collect();
        let mut imprint = line(false);
        imprint.imprint = true;
        boxes.push(imprint);
        let layout = paginate(boxes);
        assert!(
            matches!(layout.imprint, Some(ImprintPlace::LastPage { gap }) if (gap - (FLOW_HEIGHT - 21.0 * super::super::LINE)).abs() < 0.01),
            "{:?}",
            layout.imprint
        );
    }
}
