//! Tallies: ballots counted per grade, their shares, and the CSV files that
//! hold one ballot a line.
//!
//! Owns how a tally is read (counts, one YAML item per ballot, or a CSV file
//! beside the record), how a share is computed and printed (a percentage with
//! one decimal place, rounded half up) and the exact comparison behind every
//! "N% or more" rule (integers, never the rounded share). It never decides
//! which rule a tally serves or what its verdict means: `rules` does that.

use std::path::Path;

use crate::diag::Pos;
use crate::input::typed::{self as fields, Ctx, Obj};
use crate::input::{Node, Source, Value};

use super::Loc;
use crate::table::{parse_csv, read_text};

/// Answers of the end-of-phase-2 survey on the phase's work.
pub use crate::forms::PHASE_SURVEY;
/// Grades of a member's democratic evaluation and of the closing
/// questionnaire, as the printed forms offer them.
pub use crate::forms::SATISFACTION;

/// Most ballots one tally may hold: far above any unit, low enough that a
/// sum can never overflow.
pub const MAX_BALLOTS: u32 = 1_000_000;

/// Ballots counted per grade, and where the figure came from.
#[derive(Clone, Debug)]
pub struct Tally {
    pub grades: &'static [&'static str],
    pub counts: Vec<u32>,
    pub loc: Loc,
    /// Counted back by serial: what was printed and not returned.
    pub unreturned: Option<super::returned::Unreturned>,
}

impl Tally {
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn count(&self, grade: &str) -> u32 {
        self.grades
            .iter()
            .position(|g| *g == grade)
            .map_or(0, |i| self.counts[i])
    }

    /// The count of several grades together.
    pub fn count_of(&self, grades: &[&str]) -> u32 {
        grades.iter().map(|g| self.count(g)).sum()
    }
}

/// A share in tenths of a percent, rounded half up: 98 of 146 → 671
/// (67.1%), 1 of 16 → 63 (6.3%). `total` 0 gives 0.
pub fn share_tenths(part: u32, total: u32) -> u64 {
    if total == 0 {
        return 0;
    }
    let (part, total) = (u64::from(part), u64::from(total));
    (part * 2000 + total) / (2 * total)
}

/// A share as printed: one decimal place, rounded half up, e.g. `67.1%`.
pub fn share(part: u32, total: u32) -> String {
    let t = share_tenths(part, total);
    format!("{}.{}%", t / 10, t % 10)
}

/// A share printed so that its comparison with `percent` reads true: one
/// decimal place, or as many more as it takes for the printed figure to fall
/// on the same side of the bound as the exact one (299 of 997 prints
/// 29.99%, never 30.0%, beside "不足30%").
pub fn share_against(part: u32, total: u32, percent: u32) -> String {
    if total == 0 {
        return share(part, total);
    }
    let (p, t) = (u64::from(part), u64::from(total));
    let below = !at_least_percent(part, total, percent);
    let printed = |places: u32| {
        let scale = 10u64.pow(places);
        // Rounded half up to `places` decimals, in units of 1/scale percent.
        let v = (p * 100 * scale * 2 + t) / (2 * t);
        let bound = u64::from(percent) * scale;
        let fits = (v < bound) == below;
        // At the last place a figure still on the bound is cut, not rounded.
        let v = if below && v >= bound { bound - 1 } else { v };
        (
            fits,
            format!("{}.{:0w$}%", v / scale, v % scale, w = places as usize),
        )
    };
    (1..6)
        .map(printed)
        .find(|(fits, _)| *fits)
        .unwrap_or_else(|| printed(6))
        .1
}

/// Whether `part` is `percent`% of `total` or more ("以上" includes the
/// bound), compared exactly in integers.
pub fn at_least_percent(part: u32, total: u32, percent: u32) -> bool {
    u64::from(part) * 100 >= u64::from(percent) * u64::from(total)
}

/// A non-negative whole number, e.g. a count of people or banners.
pub fn count(ctx: &mut Ctx, node: &Node, field: &str) -> Option<u32> {
    let s = fields::scalar(ctx, node, field)?.trim();
    match s.parse::<u32>() {
        Ok(n) if n <= MAX_BALLOTS && s.bytes().all(|b| b.is_ascii_digit()) => Some(n),
        _ => {
            ctx.error(
                node.pos,
                field,
                format!("应为不大于 {MAX_BALLOTS} 的非负整数（如 12），实为「{s}」"),
            );
            None
        }
    }
}

/// How a tally is given in a section such as `满意度测评`: exactly one of
/// `计数`, `选票` or `文件`.
pub const SOURCES: [&str; 4] = ["计数", "选票", "文件", "回收"];

/// Reads a survey section's ballots: `计数` (a count per grade), `选票` (one
/// item per ballot) or `文件` (a CSV file, one ballot a line, with a column
/// `评价`). Exactly one must be present.
pub fn read_section_tally(
    ctx: &mut Ctx,
    obj: &mut Obj,
    grades: &'static [&'static str],
) -> Option<Tally> {
    let given: Vec<&'static str> = SOURCES.iter().copied().filter(|k| obj.has(k)).collect();
    obj.allow(&SOURCES);
    let [key] = given.as_slice() else {
        let message = if given.is_empty() {
            "缺少票数：请写「计数」（各等次的票数）、「选票」（每票一项）、「文件」（CSV 文件，每行一票）或「回收」（按编号录入的收回问卷）四者之一".to_string()
        } else {
            format!("「{}」只能写一种，不能同时写", given.join("」「"))
        };
        let path = obj.path.clone();
        ctx.error(obj.pos, &path, message);
        return None;
    };
    let field = obj.field(key);
    let node = obj.get(key)?;
    match *key {
        "计数" => read_counts(ctx, node, &field, grades),
        "选票" => read_ballot_list(ctx, node, &field, grades),
        "回收" => super::returned::survey(ctx, node, &field, grades),
        _ => {
            let csv = open_csv(ctx, node, &field, &["评价"])?;
            let mut counts = vec![0; grades.len()];
            let mut ok = true;
            for row in &csv.rows {
                match csv.grade(ctx, row, 0, grades) {
                    Some(i) => counts[i] += 1,
                    None => ok = false,
                }
            }
            (ok && nonzero(ctx, node, &field, &counts)).then(|| Tally {
                grades,
                counts,
                loc: csv.loc(),
                unreturned: None,
            })
        }
    }
}

/// A member's rating given inline: a mapping of counts or a list of ballots.
pub fn read_inline_tally(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    grades: &'static [&'static str],
) -> Option<Tally> {
    match &node.value {
        Value::Map(_) => read_counts(ctx, node, field, grades),
        Value::Seq(_) => read_ballot_list(ctx, node, field, grades),
        _ => {
            ctx.error(
                node.pos,
                field,
                format!(
                    "应为各等次的票数（如 {{满意: 20, 基本满意: 3, 不满意: 0}}）或每票一项的列表，实为{}",
                    node.type_name()
                ),
            );
            None
        }
    }
}

fn nonzero(ctx: &mut Ctx, node: &Node, field: &str, counts: &[u32]) -> bool {
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        ctx.error(node.pos, field, "票数合计为 0：没有可统计的票");
        return false;
    }
    if total > u64::from(MAX_BALLOTS) {
        ctx.error(
            node.pos,
            field,
            format!("票数合计 {total} 超过上限 {MAX_BALLOTS}"),
        );
        return false;
    }
    true
}

/// `{满意: 20, 基本满意: 3, 不满意: 0}`: a grade left out counts 0.
fn read_counts(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    grades: &'static [&'static str],
) -> Option<Tally> {
    let mut o = Obj::open(ctx, node, field)?;
    let mut counts = Vec::with_capacity(grades.len());
    let mut ok = true;
    for g in grades {
        match o.get(g) {
            Some(n) => match count(ctx, n, &o.field(g)) {
                Some(c) => counts.push(c),
                None => ok = false,
            },
            None => counts.push(0),
        }
    }
    o.finish(ctx);
    inline_tally(ctx, node, field, grades, counts, ok)
}

/// The tally of counts typed in the record at `node`, if all were valid.
fn inline_tally(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    grades: &'static [&'static str],
    counts: Vec<u32>,
    ok: bool,
) -> Option<Tally> {
    (ok && nonzero(ctx, node, field, &counts)).then(|| Tally {
        grades,
        counts,
        loc: Loc {
            file: ctx.src.name.clone(),
            pos: node.pos,
            end_line: None,
        },
        unreturned: None,
    })
}

/// `[满意, 满意, 基本满意]`: one item per ballot.
fn read_ballot_list(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    grades: &'static [&'static str],
) -> Option<Tally> {
    let Value::Seq(items) = &node.value else {
        return None;
    };
    let mut counts = vec![0; grades.len()];
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let f = format!("{field}[{}]", i + 1);
        let Some(s) = fields::scalar(ctx, item, &f) else {
            ok = false;
            continue;
        };
        match grade_index(s, grades) {
            Ok(g) => counts[g] += 1,
            Err(message) => {
                ctx.error(item.pos, &f, message);
                ok = false;
            }
        }
    }
    inline_tally(ctx, node, field, grades, counts, ok)
}

/// The index of a ballot's grade, or the message for a wrong one.
fn grade_index(s: &str, grades: &[&'static str]) -> Result<usize, String> {
    let s = s.trim();
    grades.iter().position(|g| *g == s).ok_or_else(|| {
        let near = crate::diag::suggest(s, grades)
            .map(|n| format!("是否应为「{n}」？"))
            .unwrap_or_default();
        format!(
            "「{s}」不是测评等次；应为 {} 之一。{near}",
            grades.join("、")
        )
    })
}

// ---- CSV ----

/// A ballot file read beside the record: its text (for quoting lines in
/// messages) and its rows after the header, with the wanted columns picked.
pub struct Csv {
    pub source: Source,
    pub rows: Vec<CsvRow>,
}

/// One data row: its line, and for each wanted column its text and column.
pub struct CsvRow {
    pub line: usize,
    pub cells: Vec<(String, usize)>,
}

impl Csv {
    pub fn loc(&self) -> Loc {
        Loc {
            file: self.source.name.clone(),
            pos: Pos { line: 2, col: 1 },
            end_line: Some(self.rows.last().map_or(1, |r| r.line)),
        }
    }

    /// A located error in this CSV file, recorded with the record's errors.
    pub fn error(&self, ctx: &mut Ctx, row: &CsvRow, column: usize, message: impl Into<String>) {
        let pos = Pos {
            line: row.line,
            col: row.cells[column].1,
        };
        ctx.errors.push(self.source.error(pos, None, message));
    }

    /// The grade in `column` of `row`, or a located error.
    pub fn grade(
        &self,
        ctx: &mut Ctx,
        row: &CsvRow,
        column: usize,
        grades: &[&'static str],
    ) -> Option<usize> {
        match grade_index(&row.cells[column].0, grades) {
            Ok(i) => Some(i),
            Err(message) => {
                self.error(ctx, row, column, message);
                None
            }
        }
    }
}

/// Opens the CSV file named by `node` (relative to the record) and picks the
/// columns named in `wanted` from its header. Every problem is a located
/// error: in the record for a missing file, in the CSV file for its content.
pub fn open_csv(ctx: &mut Ctx, node: &Node, field: &str, wanted: &[&str]) -> Option<Csv> {
    let rel = fields::line_text(ctx, node, field, crate::paper::limits::LINE)?;
    let base = Path::new(&ctx.src.name).parent().unwrap_or(Path::new(""));
    let path = base.join(&rel);
    let name = path.display().to_string();
    let text = match read_text(&path) {
        Ok(t) => t,
        Err(why) => {
            ctx.error(node.pos, field, format!("无法读取 CSV 文件 {name}：{why}"));
            return None;
        }
    };
    let source = Source::new(name, text);
    let records = match parse_csv(&source.text) {
        Ok(r) => r,
        Err((pos, message)) => {
            ctx.errors
                .push(source.error(pos, None, format!("CSV 格式错误：{message}")));
            return None;
        }
    };
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        ctx.errors.push(crate::diag::Diagnostic::whole_file(
            &source.name,
            crate::diag::Code::Empty,
            "CSV 文件是空的：第一行应为表头",
        ));
        return None;
    };
    let mut columns = Vec::new();
    for w in wanted {
        match header.cells.iter().position(|(c, _)| c == w) {
            Some(i) => columns.push(i),
            None => {
                let have: Vec<&str> = header.cells.iter().map(|(c, _)| c.as_str()).collect();
                ctx.errors.push(
                    source
                        .error(
                            Pos { line: 1, col: 1 },
                            None,
                            format!("CSV 表头缺少「{w}」列；现有的列：{}", have.join("、")),
                        )
                        .with_help(format!("第一行写表头，须含：{}", wanted.join("、"))),
                );
                return None;
            }
        }
    }
    let mut rows = Vec::new();
    for r in records {
        let mut cells = Vec::with_capacity(columns.len());
        for &i in &columns {
            match r.cells.get(i) {
                Some(c) => cells.push(c.clone()),
                None => {
                    let col = r.cells.last().map_or(1, |c| c.1);
                    ctx.errors.push(source.error(
                        Pos { line: r.line, col },
                        None,
                        format!(
                            "此行只有 {} 列，缺少「{}」列",
                            r.cells.len(),
                            header.cells[i].0
                        ),
                    ));
                    return None;
                }
            }
        }
        rows.push(CsvRow {
            line: r.line,
            cells,
        });
    }
    Some(Csv { source, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_beside_its_bound_never_reads_across_it() {
        assert_eq!(share(299, 997), "30.0%");
        assert_eq!(share_against(299, 997, 30), "29.99%");
        assert_eq!(share_against(2999, 10000, 30), "29.99%");
        assert_eq!(share_against(29, 100, 30), "29.0%");
        assert_eq!(share_against(30, 100, 30), "30.0%");
        assert_eq!(share_against(3, 10, 30), "30.0%");
        assert_eq!(share_against(299_999, 1_000_000, 30), "29.9999%");
    }

    #[test]
    fn shares_round_half_up_to_one_decimal() {
        assert_eq!(share(98, 146), "67.1%");
        assert_eq!(share(1, 146), "0.7%");
        assert_eq!(share(7, 146), "4.8%");
        assert_eq!(share(1, 16), "6.3%"); // 6.25 → 6.3, half up
        assert_eq!(share(1, 8), "12.5%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(3, 3), "100.0%");
        assert_eq!(share(0, 0), "0.0%");
    }

    #[test]
    fn thirty_percent_or_more_compares_exact_integers() {
        // 30 of 100: at the bound, included ("以上").
        assert!(at_least_percent(30, 100, 30));
        assert!(!at_least_percent(29, 100, 30));
        assert!(at_least_percent(31, 100, 30));
        // 299 of 1000 prints as 29.9%; 2999 of 10000 prints as 30.0% but is
        // under the bound: the rounded share must not decide.
        assert_eq!(share(2999, 10000), "30.0%");
        assert!(!at_least_percent(2999, 10000, 30));
        assert!(at_least_percent(3000, 10000, 30));
    }
}
