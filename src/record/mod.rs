//! 阶段记录: one unit's facts of one phase, the campaign's rules with numbers
//! checked against them, and the papers written from them.
//!
//! Owns the meaning of every key of a 阶段记录 ([`read`]), the rules of
//! docs/domain.md "Rules with numbers" and their verdicts ([`rules`]), the
//! ballots, counts and shares ([`tally`]) and the contexts of the papers a
//! record yields ([`papers`]): the 阶段小结 (phase 3: 总结) and, for phases 1
//! and 2, the 转段申请, or, when a rule is not met, a 补课清单 instead of the
//! paper that closes the phase. A figure is typed once, in the record;
//! totals and shares are computed, never typed.
//!
//! It never formats a page or writes a file, and there is no switch that
//! passes a failing rule: an exception is a fact of the record (the rule, the
//! reason, which body above the unit approved it and when) and the papers
//! state it. Every rule names the line of the campaign's source
//! (docs/source-speech.txt) it comes from.

pub mod district;
pub mod papers;
pub mod read;
pub mod returned;
pub mod rules;
pub mod tally;

use crate::diag::{Diagnostic, Pos};
use crate::input::typed::{Ctx, Date, Obj, Paragraphs};
use crate::paper::{Paper, Phase, Section};

pub use district::District;
pub use tally::Tally;

/// The value of `文种`.
pub const KIND: &str = "阶段记录";

/// Days from the record's date to the 补课 deadline when the record names
/// none.
pub const DEFAULT_REMEDY_DAYS: i64 = 15;

/// Where a figure stands: a file (the record, or a CSV file beside it) and a
/// line, or a range of lines for a whole CSV file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    pub file: String,
    pub pos: Pos,
    pub end_line: Option<usize>,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.pos.line)?;
        match self.end_line {
            Some(e) if e > self.pos.line => write!(f, "-{e}"),
            _ => Ok(()),
        }
    }
}

/// A value and where it was typed.
#[derive(Clone, Debug)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

/// The consent of the district office or its supervision group to enter
/// this phase (L72).
#[derive(Clone, Debug)]
pub struct Consent {
    pub approver: String,
    pub date: Date,
}

/// One member of the unit as the record lists them. Which of the
/// phase-specific facts are read depends on the record's phase.
#[derive(Debug)]
pub struct Member {
    pub name: String,
    pub pos: Pos,
    pub branch: Option<String>,
    /// 离退休职工党员: may skip the party-spirit report and the rating
    /// (L56 "可以不作"); one who writes or is rated is held to what they did.
    pub retired: bool,
    /// Recorded as unable to write: no reflection, no analysis demanded.
    pub unable_to_write: bool,
    /// Did not take part in the phase, and why.
    pub absent: Option<String>,
    /// Phase 1: study reflections written (absent: none).
    pub reflections: Option<At<u32>>,
    /// Phase 2: 已公示 | 已撰写 | 未撰写 | 不能书写 (absent: 未撰写).
    pub analysis: Option<At<&'static str>>,
    /// Phase 2: rewrote the analysis after focused help.
    pub rewrote: bool,
    /// Phase 2: the democratic evaluation's ballots on this member.
    pub rating: Option<Tally>,
    /// Phase 2: 合格 | 不合格 (phase 3: carried over for 组织处理).
    pub verdict: Option<At<&'static str>>,
    /// Phase 2: the handling proposed for a 不合格 member (处理意见);
    /// phase 3: the handling carried out (组织处理, one of L64's ways).
    pub handling: Option<String>,
    /// Phase 3: 已通过 | 已公示 | 已制定 | 未制定 (absent: 未制定).
    pub plan: Option<At<&'static str>>,
}

impl Member {
    /// Serving members: the ones rated and writing analyses and plans.
    pub fn serving(&self) -> bool {
        !self.retired
    }

    /// Whether the rules demand writing of this member: not of one recorded
    /// as unable to write.
    pub fn can_write(&self) -> bool {
        !self.unable_to_write && self.analysis.as_ref().is_none_or(|a| a.value != "不能书写")
    }

    /// Study reflections written; none if the record says nothing.
    pub fn reflections_written(&self) -> u32 {
        self.reflections.as_ref().map_or(0, |r| r.value)
    }

    /// The analysis's state; 未撰写 if the record says nothing.
    pub fn analysis_state(&self) -> &'static str {
        self.analysis.as_ref().map_or("未撰写", |a| a.value)
    }

    /// The personal plan's state; 未制定 if the record says nothing.
    pub fn plan_state(&self) -> &'static str {
        self.plan.as_ref().map_or("未制定", |p| p.value)
    }

    pub fn judged(&self, verdict: &str) -> bool {
        self.verdict.as_ref().is_some_and(|v| v.value == verdict)
    }
}

/// A rule the unit may pass by exception, approved by someone with the
/// standing to do so.
#[derive(Clone, Debug)]
pub struct Exception {
    pub rule: &'static str,
    pub reason: String,
    pub approver: String,
    pub approved: Date,
    pub pos: Pos,
}

/// A validated 阶段记录.
pub struct Record {
    /// The record's file, for figures' locations.
    pub file: String,
    /// The record's first key: where a missing section is reported.
    pub pos: Pos,
    pub phase: Phase,
    pub unit: String,
    pub date: Date,
    /// The phase's first day: stated (开始日期) or the day the transfer
    /// into it was consented to.
    pub start: Date,
    /// What the start was taken from: 开始日期, 转段同意, or the previous
    /// phase's record (`上阶段记录`).
    pub start_basis: String,
    /// Phases 2 and 3: the consent to enter this phase.
    pub consent: Option<At<Consent>>,
    pub district: District,
    pub addressee: String,
    pub copy_to: String,
    pub contact: String,
    pub phone: String,
    pub signature: String,
    /// The 补课 deadline, if the record names one.
    pub deadline: Option<Date>,
    pub members: Vec<Member>,
    pub members_pos: Pos,
    /// Campaign-column issues of this phase.
    pub column_issues: Option<At<u32>>,
    /// Opinions collected and talks held in this phase (figures only).
    pub opinions: Option<u32>,
    pub talks: Option<u32>,
    pub results: Paragraphs,
    pub shortcomings: Paragraphs,
    pub plans: Paragraphs,
    pub other_work: Vec<Section>,
    pub exceptions: Vec<Exception>,
    pub facts: Facts,
    /// 版头, 版记 of the paper the record sends up (the 请示; phase 3 the 总结).
    pub frame: crate::paper::frame::Frame,
}

impl Record {
    /// Every tally of the record: the members' ratings, then the surveys.
    pub fn tallies(&self) -> Vec<&Tally> {
        let mut out: Vec<&Tally> = self
            .members
            .iter()
            .filter_map(|m| m.rating.as_ref())
            .collect();
        match &self.facts {
            Facts::Evaluation(e) => out.extend(e.survey.as_ref().map(|s| &s.tally)),
            Facts::Rectification(r) => out.extend(r.questionnaire.as_ref().map(|s| &s.tally)),
            Facts::Study(_) => {}
        }
        out
    }

    pub fn loc(&self, pos: Pos) -> Loc {
        Loc {
            file: self.file.clone(),
            pos,
            end_line: None,
        }
    }

    pub fn serving(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.serving())
    }

    /// Study reflections written by all members. A u64: each member's count
    /// is capped, the number of members is not.
    pub fn reflections_total(&self) -> u64 {
        self.members
            .iter()
            .map(|m| u64::from(m.reflections_written()))
            .sum()
    }

    /// The 补课 deadline and how it was set.
    pub fn remedy_deadline(&self) -> (Date, String) {
        match self.deadline {
            Some(d) => (d, "记录所定期限".to_string()),
            None => (
                self.date.add_days(DEFAULT_REMEDY_DAYS),
                format!("记录未定期限，按成文日期后{DEFAULT_REMEDY_DAYS}日计"),
            ),
        }
    }
}

/// The facts only one phase has.
#[derive(Debug)]
pub enum Facts {
    Study(read::Study),
    Evaluation(read::Evaluation),
    Rectification(read::Rectification),
}

/// What one decoded record yields.
pub struct Outcome {
    /// The papers to render: 小结 and 转段申请, or the 补课清单.
    pub papers: Vec<Paper>,
    /// One per unmet rule, plus one that says what was refused.
    pub refusals: Vec<Diagnostic>,
    /// The rule table and member lists `check` prints.
    pub report: String,
    /// The rule table as data, for `check --format json`.
    pub table: RuleTable,
}

/// The rule table of one record as data: what `check --format json` prints
/// for scripts and editors, row for row the table of [`papers::report`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct RuleTable {
    pub file: String,
    pub unit: String,
    pub phase: u8,
    pub phase_name: &'static str,
    pub members: usize,
    pub rows: Vec<RuleRow>,
    /// Every rule met, by its figures or by an exception.
    pub passed: bool,
    /// The 补课 deadline, when a rule is unmet.
    pub remedy_deadline: Option<String>,
    /// The district's settings the rules were checked against.
    pub district: District,
}

/// One rule checked: the table's 规则, 要求, 实际, 结果 and 依据 columns, and
/// the names and exception behind them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RuleRow {
    pub rule: &'static str,
    pub required: &'static str,
    pub actual: String,
    /// 达标, 例外 or 未达标.
    pub status: &'static str,
    pub met: bool,
    pub file: String,
    pub line: usize,
    pub end_line: Option<usize>,
    pub field: String,
    /// Who or what falls short, by name.
    pub detail: Option<String>,
    /// The exception the record states for an unmet rule.
    pub exception: Option<RuleException>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct RuleException {
    pub reason: String,
    pub approver: String,
    pub approved: Date,
}

impl RuleTable {
    fn of(rec: &Record, checks: &[rules::Check]) -> Self {
        let passed = checks.iter().all(rules::Check::passes);
        let rows = checks
            .iter()
            .map(|c| RuleRow {
                rule: c.id,
                required: c.required,
                actual: c.actual.clone(),
                status: c.status(),
                met: c.met,
                file: c.loc.file.clone(),
                line: c.loc.pos.line,
                end_line: c.loc.end_line,
                field: c.field.clone(),
                detail: c.detail.clone(),
                exception: c.exception.as_ref().map(|e| RuleException {
                    reason: e.reason.clone(),
                    approver: e.approver.clone(),
                    approved: e.approved,
                }),
            })
            .collect();
        RuleTable {
            file: rec.file.clone(),
            unit: rec.unit.clone(),
            phase: rec.phase.0,
            phase_name: rec.phase.name(),
            members: rec.members.len(),
            rows,
            passed,
            remedy_deadline: (!passed).then(|| rec.remedy_deadline().0.to_string()),
            district: rec.district.clone(),
        }
    }
}

/// Decodes a 阶段记录 (its `文种` already read), checks its rules against
/// the district's settings and builds its papers. `None` after recording input errors.
pub fn decode(ctx: &mut Ctx, obj: &mut Obj, index: usize, district: &District) -> Option<Outcome> {
    let errors_before = ctx.errors.len();
    let record = read::record(ctx, obj, district)?;
    if ctx.errors.len() > errors_before {
        return None;
    }
    let checks = rules::evaluate(&record);
    let refusals = papers::refusals(ctx.src, &record, &checks);
    Some(Outcome {
        papers: papers::papers(&record, &checks, index),
        report: papers::report(&record, &checks) + &returned::report(&record.tallies()),
        table: RuleTable::of(&record, &checks),
        refusals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_added_across_months_and_leap_years() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(d("2026-03-05").add_days(15), d("2026-03-20"));
        assert_eq!(d("2026-04-20").add_days(15), d("2026-05-05"));
        assert_eq!(d("2028-02-20").add_days(15), d("2028-03-06"));
        assert_eq!(d("2026-12-25").add_days(15), d("2027-01-09"));
        assert_eq!(d("1970-01-01").add_days(0), d("1970-01-01"));
    }
}

#[cfg(test)]
pub(crate) mod rule_tests;
