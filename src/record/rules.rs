//! The campaign's rules with numbers, evaluated against a [`Record`].
//!
//! Owns [`RULES`]: one entry per rule with its name, the line of the source
//! (docs/source-speech.txt, "L16") it comes from, what it requires in the
//! source's terms, wenshu's own reading where the source gives no number
//! (printed in `check`'s table, never in a paper), whether the source makes
//! it compulsory (no exception can pass it), and the function that computes
//! its verdict. Every threshold is a constant below with its source line.
//! "At least" and "以上" include the bound; shares are compared in exact
//! integers, never through a rounded share. It never reads YAML and never
//! words a paper.

use crate::diag::Pos;
use crate::input::typed::Date;
use crate::paper::Phase;

use super::read::{Evaluation, Rectification, Session, Study, StudySums, ACTIVITIES};
use super::tally::{at_least_percent, share, Tally};
use super::{At, Exception, Facts, Loc, Member, Record};

/// L16 "学习培训时间不得少于45个学时".
pub const MIN_STUDY_HOURS: u32 = 45;
/// L16 "组织党员集中学习培训不得少于3天".
pub const MIN_TRAINING_DAYS: usize = 3;
/// wenshu's reading of "one day" of L16's 集中学习培训: a date whose
/// concentrated training adds up to a working day's class hours, two
/// half-days of 3 学时. A date with less does not count as a day.
pub const MIN_TRAINING_DAY_HOURS: u32 = 6;
/// L16 "其他时间每次应安排2个学时以上的学习讨论".
pub const MIN_SESSION_HOURS: u32 = 2;
/// L32 "撰写一篇以上学习心得体会".
pub const MIN_REFLECTIONS: u32 = 1;
/// L70 "每个单位制作布标不少于3幅".
pub const MIN_BANNERS: u32 = 3;
/// L70 "专栏每个阶段不少于3期".
pub const MIN_COLUMN_ISSUES: u32 = 3;
/// L41 "请他们分别征求20名以上群众的意见".
pub const MIN_PEOPLE_PER_REPRESENTATIVE: u32 = 20;
/// L59 "凡是30％以上的被调查者认为“一般化”和“走了过场”的……必须重新补课"
/// (以上 includes the bound).
pub const REDO_PERCENT: u32 = 30;
/// The answers that count against the phase in that survey (L59).
pub const POOR_ANSWERS: [&str; 2] = ["一般化", "走了过场"];
/// wenshu's reading of L56 "测评满意度不高": 满意 under this share of the
/// ballots on a member (60% itself is not low). The source names no number.
pub const LOW_SATISFIED_PERCENT: u32 = 60;
/// The upper band of the satisfaction table (80% or more 满意): statistics
/// only, no rule.
pub const HIGH_SATISFIED_PERCENT: u32 = 80;
/// wenshu's reading of L66 "群众满意度不高的……要重新进行“补课”": 不满意
/// answers at this share or more. The source names no number; this mirrors
/// L59's 30%.
pub const QUESTIONNAIRE_REDO_PERCENT: u32 = 30;

/// How a rule's verdict is computed, and so which phases it belongs to.
#[derive(Clone, Copy)]
pub enum Verdict {
    /// Every phase.
    Every(fn(&Record) -> Check),
    /// Phases 2 and 3: entered by a transfer.
    Entered(fn(&Record) -> Check),
    Study(fn(&Record, &Study) -> Check),
    Evaluation(fn(&Record, &Evaluation) -> Check),
    Rectification(fn(&Record, &Rectification) -> Check),
}

/// One rule of the campaign.
pub struct Rule {
    /// The name a record's `例外` uses and the check table prints.
    pub id: &'static str,
    /// The source's line(s): "L16".
    pub source: &'static str,
    /// What is required, in the source's terms.
    pub requirement: &'static str,
    /// wenshu's reading where the source gives no number (check table only).
    pub reading: Option<&'static str>,
    /// The source makes it compulsory: no exception passes it.
    pub compulsory: bool,
    pub verdict: Verdict,
}

impl Rule {
    pub fn applies_to(&self, phase: Phase) -> bool {
        match self.verdict {
            Verdict::Every(_) => true,
            Verdict::Entered(_) => phase.0 > 1,
            Verdict::Study(_) => phase.0 == 1,
            Verdict::Evaluation(_) => phase.0 == 2,
            Verdict::Rectification(_) => phase.0 == 3,
        }
    }

    fn check(&self, rec: &Record) -> Option<Check> {
        match (self.verdict, &rec.facts) {
            (Verdict::Every(f), _) => Some(f(rec)),
            (Verdict::Entered(f), _) if rec.phase.0 > 1 => Some(f(rec)),
            (Verdict::Study(f), Facts::Study(s)) => Some(f(rec, s)),
            (Verdict::Evaluation(f), Facts::Evaluation(e)) => Some(f(rec, e)),
            (Verdict::Rectification(f), Facts::Rectification(r)) => Some(f(rec, r)),
            _ => None,
        }
    }
}

const fn rule(
    id: &'static str,
    source: &'static str,
    requirement: &'static str,
    verdict: Verdict,
) -> Rule {
    Rule {
        id,
        source,
        requirement,
        reading: None,
        compulsory: false,
        verdict,
    }
}

/// Every rule, in the order the check table prints them.
pub const RULES: &[Rule] = &[
    rule(
        "转段同意",
        "L72",
        "经区委先教办和督导组同意后转入本阶段",
        Verdict::Entered(consent),
    ),
    rule(
        "学时",
        "L16",
        "学习培训累计不少于45学时",
        Verdict::Study(study_hours),
    ),
    Rule {
        reading: Some("一天须有不少于6学时的集中培训（两个半天各3学时）"),
        ..rule(
            "集中培训",
            "L16",
            "集中学习培训不少于3天",
            Verdict::Study(training_days),
        )
    },
    rule(
        "每次学时",
        "L16",
        "集中培训以外的每次学习不少于2学时",
        Verdict::Study(session_hours),
    ),
    rule(
        "学习心得",
        "L32",
        "每名党员至少撰写1篇学习心得体会",
        Verdict::Study(reflections),
    ),
    rule(
        "两个具体",
        "L28、L36",
        "大讨论形成书面的“两个具体”",
        Verdict::Study(two_specifics),
    ),
    rule(
        "动员报告覆盖",
        "L29",
        "区委主要领导同志的动员讲话覆盖全体党员",
        Verdict::Study(coverage_0),
    ),
    rule(
        "领导党课覆盖",
        "L29",
        "领导干部的党课报告覆盖全体党员",
        Verdict::Study(coverage_1),
    ),
    rule(
        "理论辅导覆盖",
        "L29",
        "理论宣讲覆盖全体党员",
        Verdict::Study(coverage_2),
    ),
    rule(
        "先进事迹报告覆盖",
        "L29",
        "先进典型事迹宣讲覆盖全体党员",
        Verdict::Study(coverage_3),
    ),
    rule(
        "大讨论覆盖",
        "L29",
        "先进性大讨论覆盖全体党员",
        Verdict::Study(coverage_4),
    ),
    rule("布标", "L70", "制作布标不少于3幅", Verdict::Study(banners)),
    rule(
        "万人评风",
        "L41",
        "每名“万人评风”代表征求意见不少于20人",
        Verdict::Evaluation(representatives),
    ),
    rule(
        "党性分析",
        "L48",
        "有书写能力的党员都撰写党性分析材料并公示",
        Verdict::Evaluation(analyses),
    ),
    rule(
        "单位党性分析",
        "L48",
        "单位的总结分析材料撰写并公示",
        Verdict::Evaluation(unit_analysis),
    ),
    rule(
        "专题民主生活会",
        "L56",
        "领导班子成员召开一次专题民主生活会",
        Verdict::Evaluation(leadership_meeting),
    ),
    rule(
        "民主测评",
        "L56",
        "在职党员按满意、基本满意、不满意三个档次接受满意度测评",
        Verdict::Evaluation(ratings),
    ),
    Rule {
        reading: Some("满意度不高：“满意”票不足60%（60%不算不高）"),
        ..rule(
            "重写",
            "L56",
            "对测评满意度不高的党员进行重点帮助，重新撰写党性分析材料",
            Verdict::Evaluation(rewrites),
        )
    },
    rule(
        "离退休组织生活会",
        "L56",
        "离退休党员参加一次专题组织生活会",
        Verdict::Evaluation(retired_meeting),
    ),
    rule(
        "评定",
        "L57",
        "党支部对每位党员提出合格或不合格的评议意见",
        Verdict::Evaluation(verdicts),
    ),
    Rule {
        compulsory: true,
        ..rule(
            "满意度测评",
            "L59",
            "认为“一般化”和“走了过场”的不到30%（30%以上必须重新补课）",
            Verdict::Evaluation(phase_survey),
        )
    },
    Rule {
        compulsory: true,
        ..rule(
            "满意度测评对象",
            "L59",
            "在本单位全体党员和群众代表中开展问卷测评（每名党员一份，并有群众代表）",
            Verdict::Evaluation(phase_survey_respondents),
        )
    },
    rule(
        "个人方案",
        "L61",
        "个人整改方案在支部内公示并经支部党员大会通过",
        Verdict::Rectification(personal_plans),
    ),
    rule(
        "单位方案",
        "L61",
        "单位整改意见在本单位公示并经上级党组织同意",
        Verdict::Rectification(unit_plan),
    ),
    rule(
        "部门方案",
        "L61",
        "部门的整改意见向社会公布并公开作出整改承诺",
        Verdict::Rectification(department_plan),
    ),
    rule(
        "建章立制",
        "L63",
        "建立健全保持先进性的长效机制（规章制度）",
        Verdict::Rectification(regulations),
    ),
    rule(
        "组织处理",
        "L64",
        "评定为不合格的党员按规定作出组织处理",
        Verdict::Rectification(handling),
    ),
    rule(
        "承诺宣誓",
        "L65",
        "组织党员集中宣誓并作出公开承诺",
        Verdict::Rectification(oath),
    ),
    Rule {
        reading: Some("满意度不高：“不满意”达到30%"),
        compulsory: true,
        ..rule(
            "问卷测评",
            "L66",
            "整改情况问卷测评群众满意度不高的，重新补课",
            Verdict::Rectification(questionnaire),
        )
    },
    Rule {
        compulsory: true,
        ..rule(
            "问卷测评对象",
            "L66",
            "问卷测评由群众评价整改情况（有群众代表参加）",
            Verdict::Rectification(questionnaire_respondents),
        )
    },
    rule(
        "表彰",
        "L66",
        "表彰优秀党员和先进基层党组织",
        Verdict::Rectification(commended),
    ),
    rule(
        "专栏",
        "L70",
        "本阶段专栏出刊不少于3期",
        Verdict::Every(column),
    ),
];

/// The rules of a phase, in table order.
pub fn of_phase(phase: Phase) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |r| r.applies_to(phase))
}

/// The rules of a phase, by name, in table order.
pub fn ids(phase: Phase) -> Vec<&'static str> {
    of_phase(phase).map(|r| r.id).collect()
}

/// The ids of a phase's rules that an approved exception may pass.
pub fn exceptable_ids(phase: Phase) -> Vec<&'static str> {
    of_phase(phase)
        .filter(|r| !r.compulsory)
        .map(|r| r.id)
        .collect()
}

/// The rule named `id`.
pub fn named(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .expect("every check names a rule of RULES")
}

/// One rule checked against the record.
#[derive(Clone, Debug)]
pub struct Check {
    pub id: &'static str,
    pub required: &'static str,
    /// What the record shows, short: "52学时", "77/78名".
    pub actual: String,
    /// Met by the figures.
    pub met: bool,
    /// The record's exception, when the figures fall short.
    pub exception: Option<Exception>,
    /// Where the figure stands.
    pub loc: Loc,
    /// The record's field path of the figure, for diagnostics.
    pub field: String,
    /// Who or what falls short, by name.
    pub detail: Option<String>,
    /// What must be redone if the rule is not met.
    pub remedy: String,
}

impl Check {
    fn new(id: &'static str, met: bool, actual: String, loc: Loc, field: &str) -> Check {
        Check {
            id,
            required: named(id).requirement,
            actual,
            met,
            exception: None,
            loc,
            field: field.to_string(),
            detail: None,
            remedy: String::new(),
        }
    }

    fn detail(mut self, d: impl Into<String>) -> Self {
        let d = d.into();
        self.detail = (!d.is_empty()).then_some(d);
        self
    }

    fn remedy(mut self, r: impl Into<String>) -> Self {
        self.remedy = r.into();
        self
    }

    pub fn rule(&self) -> &'static Rule {
        named(self.id)
    }

    /// Met by the figures or by a stated exception.
    pub fn passes(&self) -> bool {
        self.met || self.exception.is_some()
    }

    pub fn status(&self) -> &'static str {
        match (self.met, &self.exception) {
            (true, _) => "达标",
            (false, Some(_)) => "例外",
            (false, None) => "未达标",
        }
    }
}

/// Checks every rule of the record's phase, in table order. An exception
/// passes a failing rule only if the rule is not compulsory (the reader
/// already refuses one for a compulsory rule).
pub fn evaluate(rec: &Record) -> Vec<Check> {
    let mut out: Vec<Check> = of_phase(rec.phase).filter_map(|r| r.check(rec)).collect();
    for c in &mut out {
        if !c.met && !c.rule().compulsory {
            c.exception = rec.exceptions.iter().find(|e| e.rule == c.id).cloned();
        }
    }
    out
}

/// Exceptions the record states for rules its figures meet anyway.
pub fn unused_exceptions<'r>(rec: &'r Record, checks: &[Check]) -> Vec<&'r Exception> {
    rec.exceptions
        .iter()
        .filter(|e| checks.iter().any(|c| c.id == e.rule && c.met))
        .collect()
}

/// The checks passed by an exception, not by their figures.
pub fn excepted(checks: &[Check]) -> impl Iterator<Item = (&Check, &Exception)> {
    checks
        .iter()
        .filter(|c| !c.met)
        .filter_map(|c| Some((c, c.exception.as_ref()?)))
}

/// Class hours in tenths, printed: 52, 2.5.
pub fn hours(tenths: u32) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// A date without the year, as the papers list days: 1月31日.
pub fn month_day(d: Date) -> String {
    format!("{}月{}日", d.month, d.day)
}

/// Names (or any texts) joined with 、.
pub fn names<S: AsRef<str>>(it: impl IntoIterator<Item = S>) -> String {
    let v: Vec<S> = it.into_iter().collect();
    let v: Vec<&str> = v.iter().map(AsRef::as_ref).collect();
    v.join("、")
}

fn missing(rec: &Record, id: &'static str, key: &str, actual: &str, remedy: String) -> Check {
    Check::new(id, false, actual.to_string(), rec.loc(rec.pos), key)
        .detail(format!("记录中没有「{key}」"))
        .remedy(remedy)
}

/// "未撰写：甲、乙" or nothing.
fn who_detail(label: &str, who: &str) -> String {
    if who.is_empty() {
        String::new()
    } else {
        format!("{label}：{who}")
    }
}

/// Where a rule on members points: the first member who falls short (at the
/// figure if typed, else the member's line), or else the member list.
fn at_member(
    rec: &Record,
    first: Option<&Member>,
    key: &str,
    pos: impl Fn(&Member) -> Option<Pos>,
) -> (Loc, String) {
    match first {
        Some(m) => {
            let i = rec
                .members
                .iter()
                .position(|x| std::ptr::eq(x, m))
                .unwrap_or(0);
            (
                rec.loc(pos(m).unwrap_or(m.pos)),
                format!("党员[{}].{key}", i + 1),
            )
        }
        None => (rec.loc(rec.members_pos), "党员".to_string()),
    }
}

/// A rule that every member in `members` satisfies `ok`: "n/m名".
fn every_member(
    rec: &Record,
    id: &'static str,
    members: &[&Member],
    ok: impl Fn(&Member) -> bool,
    key: &str,
    label: &str,
    remedy: impl Fn(&str) -> String,
) -> Check {
    let lacking: Vec<&Member> = members.iter().copied().filter(|m| !ok(m)).collect();
    let who = names(lacking.iter().map(|m| m.name.as_str()));
    let (loc, field) = at_member(rec, lacking.first().copied(), key, |_| None);
    Check::new(
        id,
        lacking.is_empty(),
        format!("{}/{}名", members.len() - lacking.len(), members.len()),
        loc,
        &field,
    )
    .detail(who_detail(label, &who))
    .remedy(remedy(&who))
}

/// A count that must reach `min`.
fn at_least(
    rec: &Record,
    id: &'static str,
    figure: Option<&At<u32>>,
    min: u32,
    unit: &str,
    remedy: impl Fn(u32) -> String,
) -> Check {
    match figure {
        Some(f) => Check::new(
            id,
            f.value >= min,
            format!("{}{unit}", f.value),
            rec.loc(f.pos),
            id,
        )
        .remedy(remedy(min.saturating_sub(f.value))),
        None => missing(rec, id, id, "未记录", remedy(min)),
    }
}

// ---- every phase ----

fn column(rec: &Record) -> Check {
    at_least(
        rec,
        "专栏",
        rec.column_issues.as_ref(),
        MIN_COLUMN_ISSUES,
        "期",
        |n| format!("本阶段再出刊专栏{n}期"),
    )
}

/// L72: the transfer into this phase was consented to by a body the
/// district names (the reader refuses any other approver).
fn consent(rec: &Record) -> Check {
    match &rec.consent {
        Some(c) => Check::new(
            "转段同意",
            true,
            format!("{}于{}同意", c.value.approver, c.value.date),
            rec.loc(c.pos),
            "转段同意",
        ),
        None => missing(
            rec,
            "转段同意",
            "转段同意",
            "未记录",
            "取得区委先教办或督导组对转入本阶段的同意，记入「转段同意」".into(),
        ),
    }
}

// ---- phase 1 ----

fn no_sessions(rec: &Record, id: &'static str) -> Check {
    missing(
        rec,
        id,
        "学习",
        "未记录学习",
        format!("组织学习不少于{MIN_STUDY_HOURS}学时，其中集中培训不少于{MIN_TRAINING_DAYS}天"),
    )
}

fn study_hours(rec: &Record, s: &Study) -> Check {
    let Some(sessions) = &s.sessions else {
        return no_sessions(rec, "学时");
    };
    let list = &sessions.value;
    let sum = StudySums::of(list).total_tenths;
    let need = MIN_STUDY_HOURS * 10;
    Check::new(
        "学时",
        sum >= need,
        format!("{}学时（{}次）", hours(sum), list.len()),
        rec.loc(sessions.pos),
        "学习",
    )
    .remedy(format!(
        "再组织学习不少于{}学时（集中培训以外每次不少于{MIN_SESSION_HOURS}学时）",
        hours(need.saturating_sub(sum))
    ))
}

fn training_days(rec: &Record, s: &Study) -> Check {
    let Some(sessions) = &s.sessions else {
        return no_sessions(rec, "集中培训");
    };
    let sums = StudySums::of(&sessions.value);
    let days = &sums.training_days;
    let short = &sums.short_training_days;
    let at = sums
        .training
        .iter()
        .find(|x| short.iter().any(|(d, _)| *d == x.date))
        .or(sums.training.first())
        .map_or(sessions.pos, |x| x.pos);
    let actual = if days.is_empty() {
        "0天".to_string()
    } else {
        format!(
            "{}天（{}，共{}学时）",
            days.len(),
            names(days.iter().map(|d| month_day(*d))),
            hours(sums.full_day_tenths)
        )
    };
    let detail = names(
        short
            .iter()
            .map(|(d, t)| format!("{}{}学时", month_day(*d), hours(*t))),
    );
    Check::new(
        "集中培训",
        days.len() >= MIN_TRAINING_DAYS,
        actual,
        rec.loc(at),
        "学习",
    )
    .detail(if detail.is_empty() {
        detail
    } else {
        format!("不足{MIN_TRAINING_DAY_HOURS}学时、不计为一天：{detail}")
    })
    .remedy(format!(
        "再利用周末或工作时间以外组织集中培训{}天，每天不少于{MIN_TRAINING_DAY_HOURS}学时",
        MIN_TRAINING_DAYS.saturating_sub(days.len())
    ))
}

fn session_hours(rec: &Record, s: &Study) -> Check {
    let Some(sessions) = &s.sessions else {
        return no_sessions(rec, "每次学时");
    };
    let sums = StudySums::of(&sessions.value);
    let others = &sums.others;
    let short: Vec<&&Session> = others
        .iter()
        .filter(|x| x.tenths < MIN_SESSION_HOURS * 10)
        .collect();
    let listed = names(
        short
            .iter()
            .map(|x| format!("{}{}学时", month_day(x.date), hours(x.tenths))),
    );
    let actual = match (others.len(), short.len()) {
        (0, _) => "无其他学习".to_string(),
        (n, 0) => format!("{n}次，每次不少于{MIN_SESSION_HOURS}学时"),
        (n, k) => format!("{n}次中{k}次不足{MIN_SESSION_HOURS}学时"),
    };
    let at = short.first().map_or(sessions.pos, |x| x.pos);
    Check::new("每次学时", short.is_empty(), actual, rec.loc(at), "学习")
        .detail(listed.clone())
        .remedy(format!(
            "对不足{MIN_SESSION_HOURS}学时的学习（{listed}）重新组织，每次不少于{MIN_SESSION_HOURS}学时"
        ))
}

/// L32: every member writes a reflection, except one recorded as unable to
/// write.
fn reflections(rec: &Record, _: &Study) -> Check {
    let writers: Vec<&Member> = rec.members.iter().filter(|m| m.can_write()).collect();
    let lacking: Vec<&Member> = writers
        .iter()
        .copied()
        .filter(|m| m.reflections_written() < MIN_REFLECTIONS)
        .collect();
    let unable = rec.members.len() - writers.len();
    let who = names(lacking.iter().map(|m| m.name.as_str()));
    let (loc, field) = at_member(rec, lacking.first().copied(), "心得", |m| {
        m.reflections.as_ref().map(|r| r.pos)
    });
    let mut actual = format!(
        "{}/{}名，共{}篇",
        writers.len() - lacking.len(),
        writers.len(),
        rec.reflections_total()
    );
    if unable > 0 {
        actual.push_str(&format!("（另{unable}名不能书写）"));
    }
    Check::new("学习心得", lacking.is_empty(), actual, loc, &field)
        .detail(who_detail("未撰写", &who))
        .remedy(format!(
            "{who}补写学习心得体会，每人至少{MIN_REFLECTIONS}篇"
        ))
}

fn two_specifics(rec: &Record, s: &Study) -> Check {
    match &s.two_specifics {
        Some(t) => Check::new(
            "两个具体",
            true,
            format!("{}公布", t.value.published),
            rec.loc(t.pos),
            "两个具体",
        ),
        None => missing(
            rec,
            "两个具体",
            "两个具体",
            "未形成",
            "组织大讨论，形成并公布书面的“两个具体”".into(),
        ),
    }
}

/// The rule names of the five coverages, in [`ACTIVITIES`] order.
pub const COVERAGE_IDS: [&str; 5] = [
    "动员报告覆盖",
    "领导党课覆盖",
    "理论辅导覆盖",
    "先进事迹报告覆盖",
    "大讨论覆盖",
];

fn coverage_0(rec: &Record, s: &Study) -> Check {
    coverage(rec, s, 0)
}
fn coverage_1(rec: &Record, s: &Study) -> Check {
    coverage(rec, s, 1)
}
fn coverage_2(rec: &Record, s: &Study) -> Check {
    coverage(rec, s, 2)
}
fn coverage_3(rec: &Record, s: &Study) -> Check {
    coverage(rec, s, 3)
}
fn coverage_4(rec: &Record, s: &Study) -> Check {
    coverage(rec, s, 4)
}

/// L29: one of the five activities reaches every member.
fn coverage(rec: &Record, s: &Study, i: usize) -> Check {
    let (activity, id) = (ACTIVITIES[i], COVERAGE_IDS[i]);
    let total = rec.members.len() as u32;
    let Some(c) = s.coverage.iter().find(|c| c.activity == activity) else {
        let at = s.coverage_pos.unwrap_or(rec.pos);
        return Check::new(
            id,
            false,
            "未记录".into(),
            rec.loc(at),
            &format!("五个覆盖.{activity}"),
        )
        .detail(format!("「五个覆盖」中没有「{activity}」"))
        .remedy(format!("组织{activity}，覆盖全体党员"));
    };
    let short = total - c.reached;
    let who = names(c.missing.iter().map(String::as_str));
    let detail = match (short, who.is_empty()) {
        (0, _) => String::new(),
        (_, false) => format!("未覆盖：{who}"),
        (n, true) => format!("未覆盖{n}名"),
    };
    let whom = if who.is_empty() {
        format!("未覆盖的{short}名党员")
    } else {
        who
    };
    Check::new(
        id,
        short == 0,
        format!("{}/{}名", c.reached, total),
        rec.loc(c.pos),
        &format!("五个覆盖.{activity}"),
    )
    .detail(detail)
    .remedy(format!("对{whom}补课：补看录像、补听{activity}或上门传达"))
}

fn banners(rec: &Record, s: &Study) -> Check {
    at_least(rec, "布标", s.banners.as_ref(), MIN_BANNERS, "幅", |n| {
        format!("补制布标{n}幅")
    })
}

// ---- phase 2 ----

/// A member's satisfaction is low: 满意 under [`LOW_SATISFIED_PERCENT`].
pub fn low_satisfaction(t: &Tally) -> bool {
    !at_least_percent(t.count("满意"), t.total(), LOW_SATISFIED_PERCENT)
}

/// Members rated low (serving, or retired who chose to be rated), for
/// focused help and a rewrite.
pub fn low_rated(rec: &Record) -> Vec<&Member> {
    rec.members
        .iter()
        .filter(|m| m.rating.as_ref().is_some_and(low_satisfaction))
        .collect()
}

/// Members the branch judged 不合格, for organisational handling.
pub fn unqualified(rec: &Record) -> Vec<&Member> {
    rec.members.iter().filter(|m| m.judged("不合格")).collect()
}

fn representatives(rec: &Record, e: &Evaluation) -> Check {
    let Some(reps) = &e.representatives else {
        return missing(
            rec,
            "万人评风",
            "万人评风",
            "未选派代表",
            format!("选派“万人评风”代表，每人征求意见不少于{MIN_PEOPLE_PER_REPRESENTATIVE}人"),
        );
    };
    let list = &reps.value;
    let short: Vec<_> = list
        .iter()
        .filter(|r| r.people < MIN_PEOPLE_PER_REPRESENTATIVE)
        .collect();
    let sum: u64 = list.iter().map(|r| u64::from(r.people)).sum();
    let min = list.iter().map(|r| r.people).min().unwrap_or(0);
    let max = list.iter().map(|r| r.people).max().unwrap_or(0);
    let actual = if short.is_empty() {
        format!("{}名代表，每人{min}至{max}人，共{sum}人", list.len())
    } else {
        format!(
            "{}名代表中{}名不足{MIN_PEOPLE_PER_REPRESENTATIVE}人",
            list.len(),
            short.len()
        )
    };
    let at = short.first().map_or(reps.pos, |r| r.pos);
    Check::new(
        "万人评风",
        short.is_empty(),
        actual,
        rec.loc(at),
        "万人评风",
    )
    .detail(names(
        short.iter().map(|r| format!("{}{}人", r.name, r.people)),
    ))
    .remedy(format!(
        "{}补充走访，每人征求意见不少于{MIN_PEOPLE_PER_REPRESENTATIVE}人",
        names(short.iter().map(|r| r.name.as_str()))
    ))
}

/// L48: every serving member able to write writes and publicises an
/// analysis; a retired member may skip it (L56), but one who wrote
/// publicises it like everyone.
fn analyses(rec: &Record, _: &Evaluation) -> Check {
    let state = Member::analysis_state;
    let writers: Vec<&Member> = rec
        .members
        .iter()
        .filter(|m| m.can_write() && (m.serving() || state(m) != "未撰写"))
        .collect();
    let unwritten: Vec<&Member> = writers
        .iter()
        .copied()
        .filter(|m| state(m) == "未撰写")
        .collect();
    let unpublished: Vec<&Member> = writers
        .iter()
        .copied()
        .filter(|m| state(m) == "已撰写")
        .collect();
    let cannot = rec.serving().filter(|m| !m.can_write()).count();
    let done = writers.len() - unwritten.len() - unpublished.len();
    let mut actual = format!("{done}/{}名已撰写并公示", writers.len());
    if cannot > 0 {
        actual.push_str(&format!("（另{cannot}名不能书写）"));
    }
    let mut detail = Vec::new();
    let mut remedy = Vec::new();
    if !unwritten.is_empty() {
        let w = names(unwritten.iter().map(|m| m.name.as_str()));
        detail.push(format!("未撰写：{w}"));
        remedy.push(format!("{w}撰写党性分析材料并在支部内公示"));
    }
    if !unpublished.is_empty() {
        let w = names(unpublished.iter().map(|m| m.name.as_str()));
        detail.push(format!("未公示：{w}"));
        remedy.push(format!("{w}的党性分析材料在支部内公示"));
    }
    let first = unwritten.first().or(unpublished.first()).copied();
    let (loc, field) = at_member(rec, first, "党性分析", |m| {
        m.analysis.as_ref().map(|a| a.pos)
    });
    Check::new("党性分析", first.is_none(), actual, loc, &field)
        .detail(detail.join("；"))
        .remedy(remedy.join("；"))
}

fn unit_analysis(rec: &Record, e: &Evaluation) -> Check {
    let Some(u) = &e.unit_analysis else {
        return missing(
            rec,
            "单位党性分析",
            "单位党性分析",
            "未撰写",
            "撰写单位党性分析材料并在本单位公示".into(),
        );
    };
    let (met, actual) = match (&u.value.scope, u.value.date) {
        (Some(s), Some(d)) => (true, format!("{d}在{s}公示")),
        (_, None) => (false, "已撰写，未公示".to_string()),
        (None, Some(d)) => (false, format!("{d}公示，未写明公示范围")),
    };
    Check::new("单位党性分析", met, actual, rec.loc(u.pos), "单位党性分析")
        .remedy("单位党性分析材料在本单位公示，写明公示范围和日期")
}

fn leadership_meeting(rec: &Record, e: &Evaluation) -> Check {
    match &e.leadership_meeting {
        Some(m) => Check::new(
            "专题民主生活会",
            true,
            format!("{}召开", m.value),
            rec.loc(m.pos),
            "专题民主生活会",
        ),
        None => missing(
            rec,
            "专题民主生活会",
            "专题民主生活会",
            "未召开",
            "领导班子召开专题民主生活会，开展批评与自我批评".into(),
        ),
    }
}

/// L56: serving members are rated; retired members may choose not to be.
fn ratings(rec: &Record, _: &Evaluation) -> Check {
    let serving: Vec<&Member> = rec.serving().collect();
    every_member(
        rec,
        "民主测评",
        &serving,
        |m| m.rating.is_some(),
        "测评",
        "未测评",
        |who| format!("对{who}按满意、基本满意、不满意三个档次进行测评"),
    )
}

fn rewrites(rec: &Record, _: &Evaluation) -> Check {
    let low = low_rated(rec);
    let not_rewritten: Vec<&Member> = low.iter().copied().filter(|m| !m.rewrote).collect();
    let who = names(not_rewritten.iter().map(|m| m.name.as_str()));
    let actual = match (low.len(), not_rewritten.len()) {
        (0, _) => "无满意度不高的党员".to_string(),
        (n, 0) => format!("满意度不高{n}名，均已重写"),
        (n, k) => format!("满意度不高{n}名，{k}名未重写"),
    };
    let (loc, field) = at_member(rec, not_rewritten.first().copied(), "重写", |_| None);
    Check::new("重写", not_rewritten.is_empty(), actual, loc, &field)
        .detail(who_detail("未重写", &who))
        .remedy(format!(
            "对{who}进行重点帮助，重新撰写党性分析材料并再次公示"
        ))
}

fn retired_meeting(rec: &Record, e: &Evaluation) -> Check {
    let retired = rec.members.iter().filter(|m| m.retired).count() as u32;
    match (&e.retired_meeting, retired) {
        (_, 0) => Check::new(
            "离退休组织生活会",
            true,
            "无离退休党员".into(),
            rec.loc(rec.members_pos),
            "党员",
        ),
        (None, r) => missing(
            rec,
            "离退休组织生活会",
            "离退休组织生活会",
            "未召开",
            format!("召开离退休党员专题组织生活会，{r}名离退休党员参加"),
        ),
        (Some(m), r) => Check::new(
            "离退休组织生活会",
            m.value.attended == r,
            format!("{}召开，{}/{r}名参加", m.value.date, m.value.attended),
            rec.loc(m.pos),
            "离退休组织生活会",
        )
        .remedy(format!(
            "为未参加的{}名离退休党员补开专题组织生活会",
            r - m.value.attended
        )),
    }
}

/// L57: the branch judges every member, retired members included (L56 lets
/// them skip the analysis and the rating, not the evaluation).
fn verdicts(rec: &Record, _: &Evaluation) -> Check {
    let all: Vec<&Member> = rec.members.iter().collect();
    let mut c = every_member(
        rec,
        "评定",
        &all,
        |m| m.verdict.is_some(),
        "评定",
        "未评定",
        |who| format!("支部对{who}提出合格或不合格的评议意见"),
    );
    let count = |v: &str| all.iter().filter(|m| m.judged(v)).count();
    c.actual = format!(
        "{}（合格{}名，不合格{}名）",
        c.actual,
        count("合格"),
        count("不合格")
    );
    c
}

fn phase_survey(rec: &Record, e: &Evaluation) -> Check {
    let Some(s) = &e.survey else {
        return missing(
            rec,
            "满意度测评",
            "满意度测评",
            "未测评",
            "在全体党员和群众代表中开展一次问卷测评".into(),
        );
    };
    let t = &s.tally;
    let poor = t.count_of(&POOR_ANSWERS);
    Check::new(
        "满意度测评",
        !at_least_percent(poor, t.total(), REDO_PERCENT),
        format!("{poor}/{}票，占{}", t.total(), share(poor, t.total())),
        t.loc.clone(),
        "满意度测评",
    )
    .remedy("重新补课：重新开展分析评议阶段的各项工作，补课后重新进行满意度测评")
}

fn phase_survey_respondents(rec: &Record, e: &Evaluation) -> Check {
    respondents(rec, "满意度测评对象", "满意度测评", e.survey.as_ref(), true)
}

/// Who a survey went to: the public's representatives always, and with
/// `every_member` each member who took part in the phase (L59 "全体党员").
fn respondents(
    rec: &Record,
    id: &'static str,
    key: &str,
    survey: Option<&super::read::Survey>,
    every_member: bool,
) -> Check {
    let redo = format!("重新开展{key}，写明发给党员和群众代表的份数（「{key}.对象」）");
    let Some(s) = survey else {
        return missing(rec, id, key, "未测评", redo);
    };
    let Some(r) = &s.respondents else {
        return Check::new(
            id,
            false,
            "记录未写测评对象".into(),
            s.tally.loc.clone(),
            key,
        )
        .detail(format!(
            "「{key}」没有写「对象」：发给党员和群众代表各多少份"
        ))
        .remedy(redo);
    };
    let taking_part = rec.members.iter().filter(|m| m.absent.is_none()).count() as u32;
    let absent = rec.members.len() as u32 - taking_part;
    let members_short = every_member && r.value.members < taking_part;
    let no_public = r.value.public == 0;
    let mut actual = if every_member {
        format!("党员{}/{taking_part}份", r.value.members)
    } else {
        format!("党员{}份", r.value.members)
    };
    actual.push_str(&format!("、群众代表{}份", r.value.public));
    let mut detail = Vec::new();
    if members_short {
        let not = if absent > 0 {
            format!(
                "（党员名单{}人，{absent}人缺席本阶段不计）",
                rec.members.len()
            )
        } else {
            String::new()
        };
        detail.push(format!(
            "少发党员{}份：全体党员都要参加{not}",
            taking_part - r.value.members
        ));
    }
    if no_public {
        detail.push("没有群众代表参加".to_string());
    }
    Check::new(
        id,
        !members_short && !no_public,
        actual,
        rec.loc(r.pos),
        &format!("{key}.对象"),
    )
    .detail(detail.join("；"))
    .remedy(redo)
}

// ---- phase 3 ----

fn personal_plans(rec: &Record, r: &Rectification) -> Check {
    let serving: Vec<&Member> = rec.serving().collect();
    let mut failing: Vec<(&Member, String)> = Vec::new();
    for m in &serving {
        let state = m.plan_state();
        let why = if state != "已通过" {
            Some(state.to_string())
        } else {
            match &m.branch {
                None => Some("已通过，但未写明所在支部".to_string()),
                Some(b) if !r.meetings.iter().any(|x| &x.branch == b) => {
                    Some(format!("已通过，但「支部党员大会」中没有{b}"))
                }
                Some(_) => None,
            }
        };
        if let Some(w) = why {
            failing.push((m, w));
        }
    }
    let (loc, field) = at_member(rec, failing.first().map(|(m, _)| *m), "整改方案", |m| {
        m.plan.as_ref().map(|p| p.pos)
    });
    Check::new(
        "个人方案",
        failing.is_empty(),
        format!(
            "{}/{}名经支部党员大会通过",
            serving.len() - failing.len(),
            serving.len()
        ),
        loc,
        &field,
    )
    .detail(names(
        failing.iter().map(|(m, w)| format!("{}（{w}）", m.name)),
    ))
    .remedy(format!(
        "{}的个人整改方案在支部内公示，并提交支部党员大会通过",
        names(failing.iter().map(|(m, _)| m.name.as_str()))
    ))
}

fn unit_plan(rec: &Record, r: &Rectification) -> Check {
    let Some(p) = &r.unit_plan else {
        return missing(
            rec,
            "单位方案",
            "单位整改方案",
            "未记录",
            "单位整改方案在本单位公示，报上级党组织同意".into(),
        );
    };
    let v = &p.value;
    let mut lacks = Vec::new();
    if v.publicity.date.is_none() || v.publicity.scope.is_none() {
        lacks.push("未在本单位公示（须写明公示范围和日期）");
    }
    if v.approver.is_none() || v.approved.is_none() {
        lacks.push("未经上级党组织同意（须写明批准机关和日期）");
    }
    let actual = match (&v.publicity.date, &v.approver, &v.approved) {
        (Some(d), Some(who), Some(a)) if lacks.is_empty() => {
            format!("{d}公示，{a}经{who}批准")
        }
        _ => lacks.join("；"),
    };
    Check::new(
        "单位方案",
        lacks.is_empty(),
        actual,
        rec.loc(p.pos),
        "单位整改方案",
    )
    .remedy("单位整改方案在本单位公示，报上级党组织同意")
}

fn department_plan(rec: &Record, r: &Rectification) -> Check {
    match (r.department, &r.unit_plan) {
        (false, _) => Check::new(
            "部门方案",
            true,
            "不适用（非部门）".into(),
            rec.loc(r.department_pos),
            "部门",
        ),
        (true, None) => missing(
            rec,
            "部门方案",
            "单位整改方案",
            "未向社会公开",
            "将整改方案向社会公开，并作出公开承诺".into(),
        ),
        (true, Some(p)) => {
            let v = &p.value;
            let actual = match (v.published, v.commitment) {
                (Some(d), true) => format!("{d}向社会公开，作出公开承诺"),
                (Some(d), false) => format!("{d}向社会公开，未作公开承诺"),
                (None, _) => "未向社会公开".to_string(),
            };
            Check::new(
                "部门方案",
                v.published.is_some() && v.commitment,
                actual,
                rec.loc(p.pos),
                "单位整改方案",
            )
            .remedy("将整改方案向社会公开，并作出公开承诺")
        }
    }
}

fn regulations(rec: &Record, r: &Rectification) -> Check {
    match &r.regulations {
        Some(list) => Check::new(
            "建章立制",
            true,
            format!("新建和修订制度{}项", list.value.len()),
            rec.loc(list.pos),
            "建章立制",
        ),
        None => missing(
            rec,
            "建章立制",
            "建章立制",
            "未记录",
            "健全党员学习培训、群众监督评价等制度，记入「建章立制」".into(),
        ),
    }
}

/// L64: every member judged 不合格 is handled in one of the ways the
/// source names.
fn handling(rec: &Record, _: &Rectification) -> Check {
    let failed = unqualified(rec);
    if failed.is_empty() {
        return Check::new(
            "组织处理",
            true,
            "无评定为不合格的党员".into(),
            rec.loc(rec.members_pos),
            "党员",
        );
    }
    let mut c = every_member(
        rec,
        "组织处理",
        &failed,
        |m| m.handling.is_some(),
        "组织处理",
        "未处理",
        |who| format!("对{who}按照党章和有关规定作出组织处理（限期改正、劝其退党或党内除名）"),
    );
    c.actual = format!("不合格党员{}已处理", c.actual);
    c
}

/// L65: the oath and the public commitment; L64: a member who would not
/// take the oath is handled (退党、脱党手续), one absent says why.
fn oath(rec: &Record, r: &Rectification) -> Check {
    let Some(o) = &r.oath else {
        return missing(
            rec,
            "承诺宣誓",
            "承诺宣誓",
            "未记录",
            "组织党员重温入党誓词、集中宣誓，作出公开承诺".into(),
        );
    };
    let absent: Vec<&Member> = o
        .value
        .absent
        .iter()
        .filter_map(|n| rec.members.iter().find(|m| &m.name == n))
        .collect();
    let unexplained: Vec<&Member> = absent
        .iter()
        .copied()
        .filter(|m| m.absent.is_none() && m.handling.is_none())
        .collect();
    let total = rec.members.len();
    let who = names(unexplained.iter().map(|m| m.name.as_str()));
    Check::new(
        "承诺宣誓",
        unexplained.is_empty(),
        format!(
            "{}宣誓，{}/{total}名参加",
            o.value.date,
            total - absent.len()
        ),
        rec.loc(o.pos),
        "承诺宣誓",
    )
    .detail(who_detail("未参加且未写明缺席原因或组织处理", &who))
    .remedy(format!(
        "{who}补行宣誓；不愿宣誓的，按照有关程序办理退党手续并记入「组织处理」"
    ))
}

fn questionnaire(rec: &Record, r: &Rectification) -> Check {
    let Some(q) = &r.questionnaire else {
        return missing(
            rec,
            "问卷测评",
            "问卷测评",
            "未测评",
            "组织问卷测评，请党员和群众评价整改成效".into(),
        );
    };
    let t = &q.tally;
    let bad = t.count("不满意");
    Check::new(
        "问卷测评",
        !at_least_percent(bad, t.total(), QUESTIONNAIRE_REDO_PERCENT),
        format!("不满意{bad}/{}票，占{}", t.total(), share(bad, t.total())),
        t.loc.clone(),
        "问卷测评",
    )
    .remedy("针对群众不满意的问题进行补课整改，补课后重新进行问卷测评")
}

fn questionnaire_respondents(rec: &Record, r: &Rectification) -> Check {
    respondents(
        rec,
        "问卷测评对象",
        "问卷测评",
        r.questionnaire.as_ref(),
        false,
    )
}

fn commended(rec: &Record, r: &Rectification) -> Check {
    match &r.commended {
        Some(c) if !(c.value.members.is_empty() && c.value.organisations.is_empty()) => Check::new(
            "表彰",
            true,
            format!(
                "优秀党员{}名、先进党组织{}个",
                c.value.members.len(),
                c.value.organisations.len()
            ),
            rec.loc(c.pos),
            "表彰",
        ),
        _ => missing(
            rec,
            "表彰",
            "表彰",
            "未表彰",
            "评选表彰优秀党员和先进党组织".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_its_source_line_and_is_listed_once() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(r.source.starts_with('L'), "{}: {}", r.id, r.source);
            assert!(
                RULES[..i].iter().all(|x| x.id != r.id),
                "{} listed twice",
                r.id
            );
        }
        let compulsory: Vec<&str> = RULES
            .iter()
            .filter(|r| r.compulsory)
            .map(|r| r.id)
            .collect();
        assert_eq!(
            compulsory,
            ["满意度测评", "满意度测评对象", "问卷测评", "问卷测评对象"]
        );
    }
}
