//! Returned forms counted back by serial: the ballots and questionnaires
//! wenshu printed (`crate::forms`), each with a serial and a QR code, typed
//! back as a CSV file, one row per returned copy.
//!
//! Owns the `回收` source of a tally — `{表单: 印制的表单.yaml, 文件: 回收.csv}`
//! — and its checks: the printed serials are those the form's own file
//! yields (the same file prints the same serials), so a serial the form did
//! not print, a serial typed twice and more rows than copies printed are
//! located errors in the CSV, and the serials not returned are reported.
//! It never decides what a tally means: `rules` does.

use std::collections::HashMap;
use std::path::Path;

use crate::forms::{self, Printed};
use crate::input::typed::{self as fields, Ctx, Obj};
use crate::input::Node;

use super::tally::{open_csv, Csv, Tally};
use super::{Loc, Member};

/// The copies printed and the serials of those not returned.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreturned {
    pub form: String,
    pub printed: usize,
    pub returned: usize,
    pub serials: Vec<String>,
}

impl Unreturned {
    /// The line `check` prints.
    pub fn line(&self) -> String {
        let missing = if self.serials.is_empty() {
            "全部收回".to_string()
        } else {
            format!(
                "未收回 {} 张：{}",
                self.serials.len(),
                self.serials.join("、")
            )
        };
        format!(
            "回收：{} 印制 {} 张，收回 {} 张，{missing}",
            self.form, self.printed, self.returned
        )
    }
}

/// The returned rows, each with its printed copy, after the serial checks.
struct Returned {
    printed: Printed,
    csv: Csv,
    /// For each accepted row (index into `csv.rows`), its copy's index.
    rows: Vec<(usize, usize)>,
    unreturned: Unreturned,
}

/// Reads `{表单, 文件}` at `node`: the form's printed serials, the CSV with
/// the columns `columns(printed)`, each row's serial checked.
fn read(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    kinds: &[&str],
    columns: impl FnOnce(&Printed) -> Vec<String>,
) -> Option<Returned> {
    let mut o = Obj::open(ctx, node, field)?;
    let form_node = o.require(ctx, "表单", "（印制时用的表单文件，如 民主测评票.yaml）");
    let file_node = o.require(ctx, "文件", "（收回的票逐张录入的 CSV 文件）");
    o.finish(ctx);
    let form_node = form_node?;
    let form_field = format!("{field}.表单");
    let rel = fields::line_text(ctx, form_node, &form_field, crate::paper::limits::LINE)?;
    let base = Path::new(&ctx.src.name).parent().unwrap_or(Path::new(""));
    let printed = match forms::printed(&base.join(&rel)) {
        Ok(p) => p,
        Err(diags) => {
            ctx.error(
                form_node.pos,
                &form_field,
                format!("表单文件 {rel} 有错误，无法确定印制的编号"),
            );
            ctx.errors.extend(diags);
            return None;
        }
    };
    if !kinds.contains(&printed.kind) {
        ctx.error(
            form_node.pos,
            &form_field,
            format!(
                "{rel} 是「{}」，此处应为「{}」",
                printed.kind,
                kinds.join("」或「")
            ),
        );
        return None;
    }
    let wanted = columns(&printed);
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let csv = open_csv(ctx, file_node?, &format!("{field}.文件"), &wanted)?;
    let index: HashMap<&str, usize> = printed
        .copies
        .iter()
        .enumerate()
        .map(|(i, c)| (c.serial.as_str(), i))
        .collect();
    let first = printed.copies.first().map_or("", |c| c.serial.as_str());
    let last = printed.copies.last().map_or("", |c| c.serial.as_str());
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut ok = true;
    for (r, row) in csv.rows.iter().enumerate() {
        let serial = row.cells[0].0.trim().to_ascii_uppercase();
        let Some(&copy) = index.get(serial.as_str()) else {
            csv.error(
                ctx,
                row,
                0,
                format!("编号「{serial}」不是 {rel} 印制的编号（印制的是 {first} 至 {last}）"),
            );
            ok = false;
            continue;
        };
        if let Some(line) = seen.insert(copy, row.line) {
            csv.error(
                ctx,
                row,
                0,
                format!("编号「{serial}」重复录入：第 {line} 行已录入这张票"),
            );
            ok = false;
            continue;
        }
        rows.push((r, copy));
    }
    if csv.rows.len() > printed.copies.len() {
        ctx.errors.push(csv.source.error(
            crate::diag::Pos { line: 1, col: 1 },
            None,
            format!(
                "收回 {} 行，多于 {rel} 印制的 {} 张",
                csv.rows.len(),
                printed.copies.len()
            ),
        ));
        ok = false;
    }
    if !ok {
        return None;
    }
    let serials = printed
        .copies
        .iter()
        .enumerate()
        .filter(|(i, _)| !seen.contains_key(i))
        .map(|(_, c)| c.serial.clone())
        .collect();
    let unreturned = Unreturned {
        form: rel,
        printed: printed.copies.len(),
        returned: rows.len(),
        serials,
    };
    Some(Returned {
        printed,
        csv,
        rows,
        unreturned,
    })
}

/// A questionnaire's tally (满意度问卷 for 满意度测评, 问卷测评表 for
/// 问卷测评): the counted answer of each returned copy, column 评价.
pub fn survey(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    grades: &'static [&'static str],
) -> Option<Tally> {
    let kinds: &[&str] = if grades == forms::PHASE_SURVEY {
        &["满意度问卷"]
    } else {
        &["问卷测评表"]
    };
    let r = read(ctx, node, field, kinds, |_| {
        vec!["编号".into(), "评价".into()]
    })?;
    if r.printed.grades != grades {
        ctx.error(
            node.pos,
            field,
            format!("{} 计的等次与此项不同", r.unreturned.form),
        );
        return None;
    }
    let mut counts = vec![0; grades.len()];
    let mut ok = true;
    for &(row, _) in &r.rows {
        match r.csv.grade(ctx, &r.csv.rows[row], 1, grades) {
            Some(g) => counts[g] += 1,
            None => ok = false,
        }
    }
    if r.rows.is_empty() {
        ctx.error(node.pos, field, "没有收回任何一张：没有可统计的票");
        return None;
    }
    ok.then(|| Tally {
        grades,
        counts,
        loc: r.csv.loc(),
        unreturned: Some(r.unreturned),
    })
}

/// Each member's ballots of a 民主测评票 counted back: per member ballots
/// (columns 编号, 评价) or sheets (编号 and a column per member; a blank
/// cell rates no one). Counts by member index, with the line of its first
/// ballot; `None` after located errors.
pub type MemberCounts = Vec<Option<(Vec<u32>, usize)>>;

pub fn ballots(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    members: &[Member],
) -> Option<(MemberCounts, Loc, Unreturned)> {
    let r = read(ctx, node, field, &["民主测评票"], |p| {
        let mut cols = vec!["编号".to_string()];
        if p.sheet.is_empty() {
            cols.push("评价".into());
        } else {
            cols.extend(p.sheet.iter().cloned());
        }
        cols
    })?;
    let grades = forms::SATISFACTION;
    let index_of = |name: &str| members.iter().position(|m| m.name == name);
    let mut counts: MemberCounts = vec![None; members.len()];
    let mut ok = true;
    let mut unknown: Vec<String> = Vec::new();
    for &(row, copy) in &r.rows {
        let row = &r.csv.rows[row];
        let rated: Vec<(usize, &str)> = match &r.printed.copies[copy].member {
            Some(name) => vec![(1, name.as_str())],
            None => r
                .printed
                .sheet
                .iter()
                .enumerate()
                .map(|(k, n)| (k + 1, n.as_str()))
                .collect(),
        };
        for (col, name) in rated {
            if r.printed.member_blank_ok() && row.cells[col].0.trim().is_empty() {
                continue;
            }
            let Some(i) = index_of(name) else {
                if !unknown.iter().any(|u| u == name) {
                    unknown.push(name.to_string());
                }
                continue;
            };
            let Some(g) = r.csv.grade(ctx, row, col, grades) else {
                ok = false;
                continue;
            };
            let slot = counts[i].get_or_insert_with(|| (vec![0; grades.len()], row.line));
            slot.0[g] += 1;
        }
    }
    if !unknown.is_empty() {
        ctx.error(
            node.pos,
            field,
            format!(
                "测评票上的「{}」不在阶段记录的党员名单中",
                unknown.join("、")
            ),
        );
        ok = false;
    }
    let loc = r.csv.loc();
    ok.then_some((counts, loc, r.unreturned))
}

impl Printed {
    /// A sheet's cell may be left blank (the voter rated that member not);
    /// a ballot for one member must carry its grade.
    fn member_blank_ok(&self) -> bool {
        !self.sheet.is_empty()
    }
}

/// The lines `check` prints for every tally counted back, once each.
pub fn report(tallies: &[&Tally]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for t in tallies {
        if let Some(u) = &t.unreturned {
            let l = u.line();
            if !lines.contains(&l) {
                lines.push(l);
            }
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}
