//! Reading a 阶段记录: YAML keys → a typed, located [`Record`].
//!
//! Owns the keys of the record and which phase each belongs to, and the
//! checks that make a record self-consistent: a name is listed once; every
//! dated fact lies inside the phase (from its start, stated or following
//! from the consent to the transfer, to the record's date); a plan is passed
//! or approved at least the district's 公示期 after it was publicised, and
//! published to society only after approval; an exception names a rule of
//! this phase that the source does not make compulsory, and was approved by
//! a body above the unit. Each is a located error. Whether the facts meet
//! the campaign's rules is not decided here: a fact the unit has not done is
//! read as "not done", for `rules` to judge.

use crate::diag::{Code, Pos};
use crate::input::typed::{self as fields, Ctx, Date, Obj};
use crate::input::{Node, Value};
use crate::paper::rectification::publicity_problem;
use crate::paper::{limits, single_addressee, transfer_phone, Phase, Section};

use super::rules::MIN_TRAINING_DAY_HOURS;

use super::tally::{self, Tally};
use super::{At, Consent, District, Exception, Facts, Member, Record};

/// The five activities that must each reach every member (五个覆盖), in the
/// order domain.md lists them.
pub const ACTIVITIES: [&str; 5] = ["动员报告", "领导党课", "理论辅导", "先进事迹报告", "大讨论"];
/// States of a member's party-spirit analysis (phase 2).
pub const ANALYSIS_STATES: [&str; 4] = ["已公示", "已撰写", "未撰写", "不能书写"];
/// States of a member's personal rectification plan (phase 3).
pub const PLAN_STATES: [&str; 4] = ["已通过", "已公示", "已制定", "未制定"];
pub const VERDICTS: [&str; 2] = ["合格", "不合格"];

/// Keys of the record that only one phase has, by phase.
const PHASE_KEYS: [&[&str]; 3] = [
    &["学习", "五个覆盖", "两个具体", "布标"],
    &[
        "万人评风",
        "单位党性分析",
        "离退休组织生活会",
        "专题民主生活会",
        "满意度测评",
        "民主测评票",
    ],
    &[
        "支部党员大会",
        "单位整改方案",
        "部门",
        "建章立制",
        "承诺宣誓",
        "问卷测评",
        "表彰",
    ],
];
/// Keys of a member that only one phase has, by phase.
const MEMBER_KEYS: [&[&str]; 3] = [
    &["心得"],
    &["党性分析", "重写", "测评", "评定", "处理意见"],
    &["整改方案", "评定", "组织处理"],
];
/// The ways of L64's 组织处理: for a member judged 不合格, and for one who
/// would not take the oath or asks to leave.
pub const HANDLINGS: [&str; 5] = [
    "限期改正",
    "劝其退党",
    "党内除名",
    "办理退党手续",
    "办理脱党手续",
];

/// Phase 1: study, the five coverages, the two specifics, banners.
#[derive(Debug, Default)]
pub struct Study {
    pub sessions: Option<At<Vec<Session>>>,
    pub coverage: Vec<Coverage>,
    pub coverage_pos: Option<Pos>,
    pub two_specifics: Option<At<TwoSpecifics>>,
    pub banners: Option<At<u32>>,
}

/// The study sessions summed up, as the rules check and the papers print.
pub struct StudySums<'a> {
    pub total_tenths: u32,
    pub training: Vec<&'a Session>,
    /// Days of concentrated training that count as a day: their sessions add
    /// up to [`MIN_TRAINING_DAY_HOURS`] or more, in order.
    pub training_days: Vec<Date>,
    /// Class hours (tenths) on those days.
    pub full_day_tenths: u32,
    /// Dates of concentrated training too short to count as a day, with
    /// their class hours in tenths.
    pub short_training_days: Vec<(Date, u32)>,
    pub others: Vec<&'a Session>,
    pub other_tenths: u32,
}

impl<'a> StudySums<'a> {
    pub fn of(sessions: &'a [Session]) -> Self {
        let (training, others): (Vec<&Session>, Vec<&Session>) =
            sessions.iter().partition(|x| x.training);
        let mut dates: Vec<Date> = training.iter().map(|x| x.date).collect();
        dates.sort();
        dates.dedup();
        let on = |d: Date| -> u32 {
            training
                .iter()
                .filter(|x| x.date == d)
                .map(|x| x.tenths)
                .sum()
        };
        let (full, short): (Vec<(Date, u32)>, Vec<(Date, u32)>) = dates
            .iter()
            .map(|&d| (d, on(d)))
            .partition(|&(_, t)| t >= MIN_TRAINING_DAY_HOURS * 10);
        let sum = |v: &[&Session]| v.iter().map(|x| x.tenths).sum();
        StudySums {
            total_tenths: sessions.iter().map(|x| x.tenths).sum(),
            other_tenths: sum(&others),
            training_days: full.iter().map(|&(d, _)| d).collect(),
            full_day_tenths: full.iter().map(|&(_, t)| t).sum(),
            short_training_days: short,
            training,
            others,
        }
    }
}

/// One study session.
#[derive(Debug)]
pub struct Session {
    pub date: Date,
    /// Class hours in tenths (2.5 学时 = 25).
    pub tenths: u32,
    /// A day of concentrated training.
    pub training: bool,
    pub topic: Option<String>,
    pub pos: Pos,
}

/// How one of the five activities reached the members.
#[derive(Debug)]
pub struct Coverage {
    pub activity: &'static str,
    pub date: Option<Date>,
    pub sessions: Option<u32>,
    /// Members reached: typed as a count, or the members minus those named
    /// as not reached.
    pub reached: u32,
    pub missing: Vec<String>,
    pub note: Option<String>,
    /// Where the figure stands (覆盖人数 or 未覆盖).
    pub pos: Pos,
}

#[derive(Debug)]
pub struct TwoSpecifics {
    pub published: Date,
    pub discussions: Option<u32>,
}

/// Phase 2: opinions, analyses, democratic evaluation, the phase survey.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub representatives: Option<At<Vec<Representative>>>,
    pub unit_analysis: Option<At<Publicity>>,
    pub retired_meeting: Option<At<RetiredMeeting>>,
    /// The leadership's 专题民主生活会 (L56): its date.
    pub leadership_meeting: Option<At<Date>>,
    pub survey: Option<Survey>,
}

/// A 万人评风 representative and the people they collected opinions from.
#[derive(Debug)]
pub struct Representative {
    pub name: String,
    pub people: u32,
    pub pos: Pos,
}

/// Where and when a paper was publicised.
#[derive(Debug, Default)]
pub struct Publicity {
    pub scope: Option<String>,
    pub date: Option<Date>,
}

#[derive(Debug)]
pub struct RetiredMeeting {
    pub date: Date,
    pub attended: u32,
}

/// A survey by ballot: the phase-2 survey or the closing questionnaire.
#[derive(Debug)]
pub struct Survey {
    pub date: Date,
    pub handed_out: Option<u32>,
    pub tally: Tally,
    /// Who the questionnaires went to (`对象`), if the record says.
    pub respondents: Option<At<Respondents>>,
}

/// Questionnaires handed out to members and to the public's
/// representatives (L59 "全体党员和群众代表").
#[derive(Clone, Copy, Debug)]
pub struct Respondents {
    pub members: u32,
    pub public: u32,
}

impl Respondents {
    pub fn total(self) -> u32 {
        self.members + self.public
    }
}

/// Phase 3: the plans' approval trail, the questionnaire, commendations.
#[derive(Debug, Default)]
pub struct Rectification {
    pub meetings: Vec<BranchMeeting>,
    pub unit_plan: Option<At<UnitPlan>>,
    pub department: bool,
    pub department_pos: Pos,
    pub questionnaire: Option<Survey>,
    pub commended: Option<At<Commendation>>,
    /// 建章立制 (L63): the regulations made or revised, by name.
    pub regulations: Option<At<Vec<String>>>,
    /// The oath and public commitment (L65).
    pub oath: Option<At<Oath>>,
}

/// The oath: its date and the members who did not take it.
#[derive(Debug)]
pub struct Oath {
    pub date: Date,
    pub absent: Vec<String>,
}

/// A branch general meeting that passed its members' personal plans.
#[derive(Debug)]
pub struct BranchMeeting {
    pub branch: String,
    pub publicised: Date,
    pub passed: Date,
    pub pos: Pos,
}

#[derive(Debug, Default)]
pub struct UnitPlan {
    pub publicity: Publicity,
    pub approver: Option<String>,
    pub approved: Option<Date>,
    pub published: Option<Date>,
    pub commitment: bool,
}

#[derive(Debug, Default)]
pub struct Commendation {
    pub members: Vec<String>,
    pub organisations: Vec<String>,
}

/// The phase's dates: every dated fact of the record lies from `start` to
/// `end` (the record's date), both included. An unknown bound checks nothing
/// (its absence is reported where it is read).
#[derive(Clone, Copy, Default)]
pub struct Window {
    pub start: Option<Date>,
    pub end: Option<Date>,
}

impl Window {
    /// A located error if `date`, read at `key` of `o`, lies outside.
    fn check(&self, ctx: &mut Ctx, o: &Obj, key: &str, date: Option<Date>) {
        let Some(d) = date else { return };
        let message = match (self.start, self.end) {
            (Some(s), _) if d < s => {
                format!("{key}（{d}）早于本阶段的开始日期（{s}）：记录只写本阶段的事实")
            }
            (_, Some(e)) if d > e => {
                format!("{key}（{d}）晚于记录的日期（{e}）：文书不能写成文之后的事")
            }
            _ => return,
        };
        ctx.report(Code::DateOrder, o.key_pos(key), &o.field(key), message);
    }
}

/// Reads the whole record; `None` after recording every input error.
pub fn record(ctx: &mut Ctx, obj: &mut Obj, district: &District) -> Option<Record> {
    record_at(ctx, obj, district, true)
}

/// Reads a record; with `follow`, also the previous phase's record it names
/// (`上阶段记录`). That record's own previous record is not followed: each
/// phase's start needs only the one before it, and no chain of files can
/// loop.
fn record_at(ctx: &mut Ctx, obj: &mut Obj, district: &District, follow: bool) -> Option<Record> {
    let phase = Phase::read(ctx, obj, &[1, 2, 3]);
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let date = obj.date(ctx, "日期");
    let frame = crate::paper::frame::read(ctx, obj);
    // The record's 版头 heads the paper it sends up (its 请示, or the 总结
    // as a 报告), an upward paper either way.
    crate::paper::frame::require_signer(ctx, obj, "阶段记录的版头用于上报的请示或总结，是上行文");
    district_key(ctx, obj);
    let consent = match (phase, &unit) {
        (Some(p), Some(u)) => consent(ctx, obj, p, district, u, date),
        _ => {
            obj.allow(&["转段同意"]);
            None
        }
    };
    let previous = match (phase, &unit, follow) {
        (Some(p), Some(u), true) => previous(ctx, obj, p, u, district),
        _ => {
            obj.allow(&["上阶段记录"]);
            Some(None)
        }
    };
    let start = start(
        ctx,
        obj,
        phase,
        consent.as_ref().and_then(|c| c.as_ref()),
        previous.as_ref().and_then(|p| p.as_ref()),
        consent.is_none() || previous.is_none(),
        date,
    );
    let window = Window {
        start: start.clone().flatten().map(|(s, _)| s),
        end: date,
    };
    let addressee = single_addressee(ctx, obj, "区委先教办");
    // Phases 1 and 2 end with a 请示: its 抄送 and 附注 are required.
    let transfer = phase.is_some_and(|p| p.0 < 3);
    let (copy_to, contact, phone) = if transfer {
        (
            obj.text(ctx, "抄送", limits::LINE),
            obj.text(ctx, "联系人", limits::NAME),
            transfer_phone(ctx, obj, true),
        )
    } else {
        (
            Some(obj.opt_text(ctx, "抄送", limits::LINE).unwrap_or_default()),
            Some(
                obj.opt_text(ctx, "联系人", limits::NAME)
                    .unwrap_or_default(),
            ),
            Some(transfer_phone(ctx, obj, false).unwrap_or_default()),
        )
    };
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    let deadline = obj.opt_date(ctx, "补课期限");
    let members_pos = obj.key_pos("党员");
    let members = obj.list(ctx, "党员", 10_000, |c, n, p| {
        member(c, n, p, phase.map(|p| p.0))
    });
    let mut members = members.inspect(|m| unique_names(ctx, m));
    let column_issues = opt_count(ctx, obj, "专栏");
    let opinions = opt_count(ctx, obj, "征求意见").map(|a| a.value);
    let talks = opt_count(ctx, obj, "谈心谈话").map(|a| a.value);
    let results = obj.paragraphs(ctx, "主要成效", limits::PARAGRAPH);
    let shortcomings = obj.paragraphs(ctx, "存在不足", limits::PARAGRAPH);
    let plans = obj.paragraphs(ctx, "下步打算", limits::PARAGRAPH);
    let other_work = if obj.has("其他工作") {
        obj.list(ctx, "其他工作", limits::ITEMS, |c, n, p| {
            Section::read(c, n, p, true)
        })
    } else {
        obj.allow(&["其他工作"]);
        Some(Vec::new())
    };
    let publicity_days = district.publicity_days;
    let facts = match (phase, members.as_mut()) {
        (Some(p), Some(m)) => facts(ctx, obj, p, m, window, publicity_days),
        _ => {
            // Without a phase or a member list the facts cannot be judged;
            // accept their keys so that only the real problem is reported.
            for keys in PHASE_KEYS {
                obj.allow(keys);
            }
            None
        }
    };
    let exceptions = match (phase, &unit) {
        (Some(p), Some(u)) => exceptions(ctx, obj, p, window, district, u),
        _ => {
            obj.allow(&["例外"]);
            None
        }
    };
    let phase = phase?;
    let members = members?;
    let facts = facts?;
    let unit = unit?;
    let (start_day, start_basis) = start??;
    Some(Record {
        file: ctx.src.name.clone(),
        pos: obj.pos,
        phase,
        signature: signature.unwrap_or_else(|| unit.clone()),
        unit,
        date: date?,
        start: start_day,
        start_basis,
        consent: consent?,
        district: district.clone(),
        addressee: addressee?,
        copy_to: copy_to?,
        contact: contact?,
        phone: phone?,
        deadline,
        members,
        members_pos,
        column_issues,
        opinions,
        talks,
        results: results?,
        shortcomings: shortcomings?,
        plans: plans?,
        other_work: other_work?,
        exceptions: exceptions?,
        facts,
        frame: frame?,
    })
}

/// `本区规定` is not the unit's to write: an error that says where the
/// district's settings now live.
fn district_key(ctx: &mut Ctx, obj: &mut Obj) {
    if obj.has("本区规定") {
        ctx.report(
            Code::DistrictSetting,
            obj.key_pos("本区规定"),
            "本区规定",
            format!(
                "本区规定（由谁批准例外和转段、公示天数）由区委先教办统一设定，不由单位在自己的记录中填写；\
                 请删除此项。区委先教办的设定写在 {FILE_NAME} 中，用 --district 文件 指定，\
                 或放在环境变量 {ENV} 所指的位置、~/.config/wenshu/{FILE_NAME}",
                FILE_NAME = super::district::FILE_NAME,
                ENV = super::district::ENV,
            ),
        );
    }
    obj.allow(&["本区规定"]);
}

/// `转段同意` (phases 2 and 3): the consent to enter this phase, given by a
/// body the district names (L72), on or before the record's date.
/// `Some(None)` if absent; a phase-1 record has none.
fn consent(
    ctx: &mut Ctx,
    obj: &mut Obj,
    phase: Phase,
    district: &District,
    unit: &str,
    date: Option<Date>,
) -> Option<Option<At<Consent>>> {
    if !obj.has("转段同意") {
        obj.allow(&["转段同意"]);
        return Some(None);
    }
    let pos = obj.key_pos("转段同意");
    if phase.0 == 1 {
        ctx.error(
            pos,
            "转段同意",
            "学习动员是第一阶段，没有转入本阶段的同意；请删除此项，写「开始日期」",
        );
        obj.allow(&["转段同意"]);
        return None;
    }
    let value = obj.object(ctx, "转段同意", "", |c, o| {
        let approver = o.text(c, "机关", limits::UNIT);
        let on = o.date(c, "日期");
        if let Some(a) = &approver {
            approved_by_district(c, o, "机关", a, district, unit, "同意转段");
        }
        Window {
            start: None,
            end: date,
        }
        .check(c, o, "日期", on);
        Some(Consent {
            approver: approver.filter(|a| district.may_approve(a, unit))?,
            date: on?,
        })
    })?;
    Some(Some(At { value, pos }))
}

/// An error unless `approver` (at `key` of `o`) is a body above the unit by
/// the district's list.
fn approved_by_district(
    ctx: &mut Ctx,
    o: &Obj,
    key: &str,
    approver: &str,
    district: &District,
    unit: &str,
    what: &str,
) {
    if district.may_approve(approver, unit) {
        return;
    }
    let why = if approver.contains(unit) || unit.contains(approver) {
        "是本单位，不能自己批准".to_string()
    } else {
        format!(
            "不在本区规定的批准机关（{}）之列",
            district.approvers.join("、")
        )
    };
    ctx.report(
        Code::Approver,
        o.key_pos(key),
        &o.field(key),
        format!(
            "{what}须由本单位的上级机关作出（区委先教办或其督导组，L71、L72）；「{approver}」{why}"
        ),
    );
}

/// `上阶段记录` (phases 2, 3): the previous phase's record, a file beside
/// this one. It must be a valid record of the phase before, of the same
/// unit, that met its rules (else there was no 转段申请 to consent to, L73).
/// Its date, the day the unit applied for the transfer, is the earliest
/// day this phase can start. `Some(None)` if absent.
fn previous(
    ctx: &mut Ctx,
    obj: &mut Obj,
    phase: Phase,
    unit: &str,
    district: &District,
) -> Option<Option<At<Previous>>> {
    let Some(node) = obj.get("上阶段记录") else {
        return Some(None);
    };
    let (pos, field) = (node.pos, obj.field("上阶段记录"));
    if phase.0 == 1 {
        ctx.error(
            pos,
            &field,
            "学习动员是第一阶段，没有上阶段记录；请删除此项，写「开始日期」",
        );
        return None;
    }
    let rel = fields::line_text(ctx, node, &field, limits::LINE)?;
    let base = std::path::Path::new(&ctx.src.name)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let path = base.join(&rel);
    let src = match crate::input::read_source(&path) {
        Ok(s) => s,
        Err(d) => {
            ctx.error(
                pos,
                &field,
                format!("无法读取上阶段记录 {}：{}", d.file, d.message),
            );
            return None;
        }
    };
    let Some(prev) = previous_record(ctx, &src, district) else {
        ctx.error(
            pos,
            &field,
            format!(
                "上阶段记录 {} 有错误（见其各处），无法据以确定本阶段的开始日期",
                src.name
            ),
        );
        return None;
    };
    let want = Phase(phase.0 - 1);
    let problem = if prev.phase != want {
        Some(format!(
            "{} 是{}阶段的记录；本记录是{}阶段，上阶段记录应为{}阶段的",
            src.name,
            prev.phase.name(),
            phase.name(),
            want.name()
        ))
    } else if prev.unit != unit {
        Some(format!(
            "{} 是「{}」的记录，不是本单位「{unit}」的",
            src.name, prev.unit
        ))
    } else {
        let unmet: Vec<&str> = super::rules::evaluate(&prev)
            .iter()
            .filter(|c| !c.passes())
            .map(|c| c.id)
            .collect();
        (!unmet.is_empty()).then(|| {
            format!(
                "{} 有规则未达标（{}），未能申请转段：补课后凭补课的记录申请转段，经同意后才能转入本阶段（L72、L73）",
                src.name,
                unmet.join("、")
            )
        })
    };
    if let Some(why) = problem {
        ctx.report(Code::Inconsistent, pos, &field, why);
        return None;
    }
    Some(Some(At {
        value: Previous {
            file: src.name.clone(),
            date: prev.date,
        },
        pos,
    }))
}

/// The previous phase's record, read as `check` reads it; its errors are
/// added to `ctx`'s, located in its own file.
fn previous_record(
    ctx: &mut Ctx,
    src: &crate::input::Source,
    district: &District,
) -> Option<Record> {
    let docs = match crate::input::parse_yaml(src) {
        Ok(d) => d,
        Err(e) => {
            ctx.errors.extend(e);
            return None;
        }
    };
    let mut inner = Ctx::new(src);
    let record = match docs.as_slice() {
        [doc] => Obj::open(&mut inner, &doc.root, "").and_then(|mut o| {
            let kind = o.get("文种").and_then(|n| match &n.value {
                Value::Str(s) => Some(s.trim()),
                _ => None,
            });
            let implied = match kind {
                Some("阶段记录-1") => Some("1"),
                Some("阶段记录-2") => Some("2"),
                _ => None,
            };
            let rec = if kind != Some(super::KIND) && implied.is_none() {
                inner.error(
                    o.key_pos("文种"),
                    "文种",
                    "上阶段记录应为阶段记录（文种: 阶段记录）",
                );
                o.accept_rest();
                None
            } else {
                if let (Some(n), Some(k)) = (implied, kind) {
                    let by = if k.ends_with('1') {
                        "阶段记录-1"
                    } else {
                        "阶段记录-2"
                    };
                    o.imply("阶段", n, by);
                }
                record_at(&mut inner, &mut o, district, false)
            };
            o.finish(&mut inner);
            rec
        }),
        _ => {
            inner.errors.push(crate::diag::Diagnostic::whole_file(
                &src.name,
                Code::Inconsistent,
                "上阶段记录应是一份阶段记录（文件中只有一份文书）",
            ));
            None
        }
    };
    let ok = inner.errors.is_empty();
    ctx.errors.extend(inner.errors);
    record.filter(|_| ok)
}

/// The previous phase's record as this one uses it.
#[derive(Clone, Debug)]
pub struct Previous {
    pub file: String,
    /// Its date: the day the unit applied for the transfer.
    pub date: Date,
}

/// The phase's first day, and what it was taken from: `开始日期`, else
/// (phases 2, 3) the consent's date, else the previous phase's record's
/// date (the day the transfer was applied for). A stated start may not lie
/// before what the consent or the previous record allow; the consent may
/// not precede the application. `known_failed`: the consent or the previous
/// record is in error (reported), so a missing 开始日期 is not reported too.
/// `Some(None)` after an error.
fn start(
    ctx: &mut Ctx,
    obj: &mut Obj,
    phase: Option<Phase>,
    consent: Option<&At<Consent>>,
    previous: Option<&At<Previous>>,
    known_failed: bool,
    date: Option<Date>,
) -> Option<Option<(Date, String)>> {
    let stated = obj.opt_date(ctx, "开始日期");
    if let (Some(c), Some(p)) = (consent, previous) {
        if c.value.date < p.value.date {
            ctx.report(
                Code::DateOrder,
                c.pos,
                "转段同意",
                format!(
                    "转段同意的日期（{}）早于上阶段记录 {} 的日期（{}）：先申请转段，经同意后才能转入本阶段（L72）",
                    c.value.date, p.value.file, p.value.date
                ),
            );
            return Some(None);
        }
    }
    let derived = match (consent, previous) {
        (Some(c), _) => Some((c.value.date, "转段同意的日期".to_string())),
        (None, Some(p)) => Some((p.value.date, format!("上阶段记录 {} 的日期", p.value.file))),
        (None, None) => None,
    };
    let start = match (stated, derived) {
        (Some(s), Some((d, from))) if s < d => {
            ctx.report(
                Code::DateOrder,
                obj.key_pos("开始日期"),
                "开始日期",
                format!("开始日期（{s}）早于{from}（{d}）：经同意后才能转入本阶段（L72）"),
            );
            None
        }
        (Some(s), _) => Some((s, "记录所写的开始日期".to_string())),
        (None, Some(d)) => Some(d),
        (None, None) if obj.has("开始日期") => None,
        (None, None) => {
            // A consent or previous record in error may have been meant to
            // give the start: that error is the one to read.
            if phase.is_some() && !known_failed {
                let why = if phase.is_some_and(|p| p.0 > 1) {
                    "（本阶段开始的日期；也可由「转段同意」的日期或「上阶段记录」得出）"
                } else {
                    "（本阶段开始的日期，如区委动员大会的日期）"
                };
                obj.require(ctx, "开始日期", why);
            }
            None
        }
    };
    if let (Some((s, _)), Some(d)) = (&start, date) {
        if *s > d {
            ctx.report(
                Code::DateOrder,
                obj.key_pos("日期"),
                "日期",
                format!("记录的日期（{d}）早于本阶段的开始日期（{s}）"),
            );
            return Some(None);
        }
    }
    Some(start)
}

/// Reports keys that belong to another phase's record, by name, and lets
/// them pass the unknown-key check (one clear message instead of two).
fn other_phase_keys(ctx: &mut Ctx, obj: &mut Obj, phase: u8, table: &[&'static [&'static str]; 3]) {
    for (i, keys) in table.iter().enumerate() {
        let p = i as u8 + 1;
        if p == phase {
            continue;
        }
        for key in *keys {
            if obj.has(key) && !table[usize::from(phase) - 1].contains(key) {
                let pos = obj.key_pos(key);
                ctx.error(
                    pos,
                    &obj.field(key),
                    format!(
                        "「{key}」属于{}阶段（阶段: {p}）的记录，本记录是{}阶段",
                        Phase(p).name(),
                        Phase(phase).name()
                    ),
                );
            }
        }
        obj.allow(keys);
    }
}

fn opt_count(ctx: &mut Ctx, obj: &mut Obj, key: &'static str) -> Option<At<u32>> {
    let node = obj.get(key)?;
    tally::count(ctx, node, &obj.field(key)).map(|value| At {
        value,
        pos: node.pos,
    })
}

fn opt_choice(
    ctx: &mut Ctx,
    obj: &mut Obj,
    key: &'static str,
    choices: &[&'static str],
) -> Option<Option<At<&'static str>>> {
    let Some(node) = obj.get(key) else {
        return Some(None);
    };
    let value = obj.choice(ctx, key, choices, None)?;
    Some(Some(At {
        value,
        pos: node.pos,
    }))
}

/// Class hours: a positive number with at most one decimal, at most 24.
fn hours(ctx: &mut Ctx, node: &Node, field: &str) -> Option<u32> {
    let s = fields::scalar(ctx, node, field)?.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |t: &str, max: usize| {
        !t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit())
    };
    let tenths = (digits(int, 2) && digits(frac, 1))
        .then(|| Some(int.parse::<u32>().ok()? * 10 + frac.parse::<u32>().ok()?))
        .flatten()
        .filter(|t| (1..=240).contains(t));
    if tenths.is_none() {
        ctx.error(
            node.pos,
            field,
            format!("「{s}」不是有效的学时：应为大于0、不超过24的数，最多一位小数（如 2 或 2.5）"),
        );
    }
    tenths
}

fn member(ctx: &mut Ctx, node: &Node, path: &str, phase: Option<u8>) -> Option<Member> {
    let mut o = Obj::open(ctx, node, path)?;
    let name = o.text(ctx, "姓名", limits::NAME);
    let branch = o.opt_text(ctx, "支部", limits::UNIT);
    let retired = o.yes_no(ctx, "离退休", false);
    let unable = o.yes_no(ctx, "不能书写", false);
    let absent = o.opt_text(ctx, "缺席", limits::LINE);
    let mut m = Member {
        name: String::new(),
        pos: node.pos,
        branch,
        retired: retired.unwrap_or(false),
        unable_to_write: unable.unwrap_or(false),
        absent,
        reflections: None,
        analysis: None,
        rewrote: false,
        rating: None,
        verdict: None,
        handling: None,
        plan: None,
    };
    match phase {
        Some(p) => other_phase_keys(ctx, &mut o, p, &MEMBER_KEYS),
        None => MEMBER_KEYS.iter().for_each(|k| o.allow(k)),
    }
    // A wrong fact records its error and reads as absent: the member still
    // counts for the checks across members (duplicates, names in lists), and
    // the record is refused as a whole for the error.
    match phase {
        Some(1) => m.reflections = opt_count(ctx, &mut o, "心得"),
        Some(2) => evaluation_facts(ctx, &mut o, &mut m),
        Some(3) => rectification_facts(ctx, &mut o, &mut m),
        _ => {}
    }
    o.finish(ctx);
    m.name = name?;
    Some(m)
}

/// A member's phase-2 facts. A retired member may leave out the analysis
/// and the rating (L56 "可以不作"); one who wrote or was rated is accepted.
fn evaluation_facts(ctx: &mut Ctx, o: &mut Obj, m: &mut Member) {
    m.analysis = opt_choice(ctx, o, "党性分析", &ANALYSIS_STATES).flatten();
    m.rewrote = o.yes_no(ctx, "重写", false).unwrap_or(false);
    if let Some(node) = o.get("测评") {
        m.rating = tally::read_inline_tally(ctx, node, &o.field("测评"), tally::SATISFACTION);
    }
    m.verdict = opt_choice(ctx, o, "评定", &VERDICTS).flatten();
    m.handling = o.opt_text(ctx, "处理意见", limits::LINE);
    if m.handling.is_some() && m.verdict.as_ref().is_some_and(|v| v.value != "不合格") {
        let pos = o.key_pos("处理意见");
        ctx.error(
            pos,
            &o.field("处理意见"),
            "只有评定为不合格的党员才有组织处理意见",
        );
    }
}

/// A member's phase-3 facts: the personal plan, and for a member judged
/// 不合格 (carried over from phase 2) the 组织处理 carried out (L64).
fn rectification_facts(ctx: &mut Ctx, o: &mut Obj, m: &mut Member) {
    m.plan = opt_choice(ctx, o, "整改方案", &PLAN_STATES).flatten();
    m.verdict = opt_choice(ctx, o, "评定", &VERDICTS).flatten();
    m.handling = opt_choice(ctx, o, "组织处理", &HANDLINGS)
        .flatten()
        .map(|h| h.value.to_string());
    let oath_handling = m.handling.as_deref().is_some_and(|h| h.starts_with("办理"));
    if m.handling.is_some() && !oath_handling && !m.judged("不合格") {
        ctx.error(
            o.key_pos("组织处理"),
            &o.field("组织处理"),
            "限期改正、劝其退党、党内除名只用于评定为不合格的党员（请同时写「评定: 不合格」，L64）",
        );
    }
}

/// A plan is passed or approved (`key` of `o`) `days` whole days or more
/// after it was publicised: an error at `key` otherwise.
fn publicised_first(
    ctx: &mut Ctx,
    o: &Obj,
    publicised: Option<Date>,
    key: &str,
    later: Option<Date>,
    days: u32,
) {
    if let (Some(a), Some(b)) = (publicised, later) {
        if let Some(why) = publicity_problem(key, a, b, days) {
            ctx.report(Code::DateOrder, o.key_pos(key), &o.field(key), why);
        }
    }
}

/// The items whose key repeats an earlier item's: (1-based index, item,
/// the earlier item).
fn repeats<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<(usize, &T, &T)> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| {
            let first = items[..i].iter().find(|y| key(y) == key(x))?;
            Some((i + 1, x, first))
        })
        .collect()
}

/// Names must be unique: every rule counts members by name.
fn unique_names(ctx: &mut Ctx, members: &[Member]) {
    for (i, m, first) in repeats(members, |m| &m.name) {
        ctx.error(
            m.pos,
            &format!("党员[{i}].姓名"),
            format!(
                "党员「{}」重复列出（第 {} 行已列出）；同名党员请在姓名后加以区分，如「{}（预算科）」",
                m.name, first.pos.line, m.name
            ),
        );
    }
}

fn facts(
    ctx: &mut Ctx,
    obj: &mut Obj,
    phase: Phase,
    members: &mut [Member],
    w: Window,
    publicity_days: u32,
) -> Option<Facts> {
    other_phase_keys(ctx, obj, phase.0, &PHASE_KEYS);
    match phase.0 {
        1 => study(ctx, obj, members, w).map(Facts::Study),
        2 => evaluation(ctx, obj, members, w).map(Facts::Evaluation),
        _ => rectification(ctx, obj, members, w, publicity_days).map(Facts::Rectification),
    }
}

/// Reads an optional mapping section with `inner`; `Some(None)` if absent.
fn section<'n, T>(
    ctx: &mut Ctx,
    obj: &mut Obj<'n>,
    key: &'static str,
    inner: impl FnOnce(&mut Ctx, &mut Obj<'n>) -> Option<T>,
) -> Option<Option<At<T>>> {
    if obj.get(key).is_none() {
        return Some(None);
    }
    let pos = obj.key_pos(key);
    obj.object(ctx, key, "", inner)
        .map(|value| Some(At { value, pos }))
}

/// Reads an optional list section; `Some(None)` if absent.
fn list_section<'n, T>(
    ctx: &mut Ctx,
    obj: &mut Obj<'n>,
    key: &'static str,
    item: impl FnMut(&mut Ctx, &'n Node, &str) -> Option<T>,
) -> Option<Option<At<Vec<T>>>> {
    if obj.get(key).is_none() {
        return Some(None);
    }
    let pos = obj.key_pos(key);
    obj.list(ctx, key, 10_000, item)
        .map(|value| Some(At { value, pos }))
}

fn study(ctx: &mut Ctx, obj: &mut Obj, members: &[Member], w: Window) -> Option<Study> {
    let sessions = list_section(ctx, obj, "学习", |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let date = o.date(c, "日期");
        w.check(c, &o, "日期", date);
        let tenths = o
            .require(c, "学时", "")
            .and_then(|h| hours(c, h, &join(p, "学时")));
        let training = o.yes_no(c, "集中培训", false);
        let topic = o.opt_text(c, "内容", limits::LINE);
        o.finish(c);
        Some(Session {
            date: date?,
            tenths: tenths?,
            training: training?,
            topic,
            pos: n.pos,
        })
    });
    let coverage_pos = obj.get("五个覆盖").map(|_| obj.key_pos("五个覆盖"));
    let coverage = match coverage_pos {
        Some(_) => obj.object(ctx, "五个覆盖", "", |ctx, o| {
            let mut out = Vec::new();
            let mut ok = true;
            for activity in ACTIVITIES {
                if o.get(activity).is_none() {
                    continue;
                }
                match o.object(ctx, activity, "", |c, a| {
                    coverage(c, a, activity, members, w)
                }) {
                    Some(cov) => out.push(cov),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }),
        None => Some(Vec::new()),
    };
    let two_specifics = section(ctx, obj, "两个具体", |c, o| {
        let published = o.date(c, "公布日期");
        w.check(c, o, "公布日期", published);
        let discussions = opt_count(c, o, "讨论场次").map(|a| a.value);
        Some(TwoSpecifics {
            published: published?,
            discussions,
        })
    });
    let banners_given = obj.has("布标");
    let banners = opt_count(ctx, obj, "布标");
    Some(Study {
        sessions: sessions?,
        coverage: coverage?,
        coverage_pos,
        two_specifics: two_specifics?,
        banners: if banners_given { Some(banners?) } else { None },
    })
}

fn join(path: &str, key: &str) -> String {
    fields::join(path, key)
}

/// One of the five activities: `覆盖人数` or `未覆盖`, exactly one.
fn coverage(
    ctx: &mut Ctx,
    o: &mut Obj,
    activity: &'static str,
    members: &[Member],
    w: Window,
) -> Option<Coverage> {
    let date = o.opt_date(ctx, "日期");
    w.check(ctx, o, "日期", date);
    let sessions = opt_count(ctx, o, "场次").map(|a| a.value);
    let note = o.opt_text(ctx, "说明", limits::LINE);
    let total = members.len() as u32;
    let (reached, missing, pos) = match (o.get("覆盖人数"), o.get("未覆盖")) {
        (Some(n), None) => {
            let field = o.field("覆盖人数");
            let c = tally::count(ctx, n, &field)?;
            if c > total {
                ctx.error(
                    n.pos,
                    &field,
                    format!("覆盖人数 {c} 多于党员名单中的 {total} 人"),
                );
                return None;
            }
            (c, Vec::new(), n.pos)
        }
        (None, Some(n)) => {
            let names = name_list(ctx, n, &o.field("未覆盖"), members, true)?;
            (total - names.len() as u32, names, n.pos)
        }
        (both, _) => {
            let message = if both.is_some() {
                "「覆盖人数」和「未覆盖」只能写一个"
            } else {
                "缺少覆盖情况：写「覆盖人数」（人数），或「未覆盖」（未覆盖党员的姓名列表，全部覆盖写 []）"
            };
            let path = o.path.clone();
            ctx.error(o.pos, &path, message);
            return None;
        }
    };
    Some(Coverage {
        activity,
        date,
        sessions,
        reached,
        missing,
        note,
        pos,
    })
}

/// A list of member names (may be empty if `may_be_empty`); each must be on
/// the member list, once.
fn name_list(
    ctx: &mut Ctx,
    node: &Node,
    field: &str,
    members: &[Member],
    may_be_empty: bool,
) -> Option<Vec<String>> {
    let Value::Seq(items) = &node.value else {
        ctx.error(
            node.pos,
            field,
            format!("应为姓名列表（如 [张三, 李四]），实为{}", node.type_name()),
        );
        return None;
    };
    if items.is_empty() && !may_be_empty {
        ctx.error(node.pos, field, "列表不能为空");
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let f = format!("{field}[{}]", i + 1);
        let Some(name) = fields::line_text(ctx, item, &f, limits::NAME) else {
            ok = false;
            continue;
        };
        if !members.iter().any(|m| m.name == name) {
            ctx.error(item.pos, &f, format!("「{name}」不在党员名单中"));
            ok = false;
        } else if out.contains(&name) {
            ctx.error(item.pos, &f, format!("「{name}」重复列出"));
            ok = false;
        }
        out.push(name);
    }
    ok.then_some(out)
}

fn survey(
    ctx: &mut Ctx,
    obj: &mut Obj,
    key: &'static str,
    grades: &'static [&'static str],
    w: Window,
    members: u32,
) -> Option<Option<Survey>> {
    if obj.get(key).is_none() {
        return Some(None);
    }
    obj.object(ctx, key, "", |c, o| {
        let date = o.date(c, "日期");
        w.check(c, o, "日期", date);
        let handed_out = opt_count(c, o, "发放");
        let respondents = respondents(c, o, members);
        let tally = tally::read_section_tally(c, o, grades);
        let (respondents, tally) = (respondents?, tally?);
        if let (Some(h), Some(r)) = (&handed_out, &respondents) {
            if h.value != r.value.total() {
                c.report(
                    Code::Inconsistent,
                    r.pos,
                    &o.field("对象"),
                    format!(
                        "发给党员 {} 份、群众代表 {} 份，合计 {} 份，与「发放」的 {} 份不符",
                        r.value.members,
                        r.value.public,
                        r.value.total(),
                        h.value
                    ),
                );
                return None;
            }
        }
        // The copies handed out: as stated, else the respondents' sum.
        let handed_out = match (handed_out, &respondents) {
            (Some(h), _) => Some((h, "发放")),
            (None, Some(r)) => Some((
                At {
                    value: r.value.total(),
                    pos: r.pos,
                },
                "对象",
            )),
            (None, None) => None,
        };
        if let Some((h, key)) = &handed_out {
            if h.value < tally.total() {
                c.error(
                    h.pos,
                    &o.field(key),
                    format!("发放 {} 份，少于收回的 {} 票", h.value, tally.total()),
                );
                return None;
            }
        }
        let handed_out = handed_out.map(|(h, _)| h);
        Some(Survey {
            date: date?,
            handed_out: handed_out.map(|h| h.value),
            tally,
            respondents,
        })
    })
    .map(Some)
}

/// A survey's `对象: {党员: N, 群众代表: M}`: how many questionnaires went
/// to members and to the public's representatives. More members than the
/// record lists is an error; `Some(None)` if absent.
fn respondents(ctx: &mut Ctx, o: &mut Obj, members: u32) -> Option<Option<At<Respondents>>> {
    if !o.has("对象") {
        o.allow(&["对象"]);
        return Some(None);
    }
    let pos = o.key_pos("对象");
    o.object(
        ctx,
        "对象",
        "（发给党员和群众代表的份数）",
        |c, r| {
            let count = |c: &mut Ctx, r: &mut Obj, key: &'static str| {
                let node = r.require(c, key, "（份数）")?;
                tally::count(c, node, &r.field(key)).map(|n| (n, node.pos))
            };
            let m = count(c, r, "党员");
            let p = count(c, r, "群众代表");
            let ((m, m_pos), (p, _)) = (m?, p?);
            if m > members {
                c.report(
                    Code::Inconsistent,
                    m_pos,
                    &r.field("党员"),
                    format!("发给党员 {m} 份，多于党员名单中的 {members} 人"),
                );
                return None;
            }
            Some(Respondents {
                members: m,
                public: p,
            })
        },
    )
    .map(|value| Some(At { value, pos }))
}

fn evaluation(
    ctx: &mut Ctx,
    obj: &mut Obj,
    members: &mut [Member],
    w: Window,
) -> Option<Evaluation> {
    let representatives = list_section(ctx, obj, "万人评风", |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let name = o.text(c, "姓名", limits::NAME);
        let people = o
            .require(c, "征求人数", "（该代表征求意见的人数）")
            .and_then(|x| tally::count(c, x, &join(p, "征求人数")));
        o.finish(c);
        Some(Representative {
            name: name?,
            people: people?,
            pos: n.pos,
        })
    });
    let unit_analysis = section(ctx, obj, "单位党性分析", |c, o| {
        let scope = o.opt_text(c, "公示范围", limits::UNIT);
        let date = o.opt_date(c, "公示日期");
        w.check(c, o, "公示日期", date);
        Some(Publicity { scope, date })
    });
    let retired = members.iter().filter(|m| m.retired).count() as u32;
    let retired_meeting = section(ctx, obj, "离退休组织生活会", |c, o| {
        let date = o.date(c, "日期");
        w.check(c, o, "日期", date);
        let attended = o
            .require(c, "参加人数", "")
            .and_then(|n| tally::count(c, n, &o.field("参加人数")));
        if let Some(a) = attended.filter(|&a| a > retired) {
            let pos = o.key_pos("参加人数");
            c.error(
                pos,
                &o.field("参加人数"),
                format!("参加人数 {a} 多于党员名单中的离退休党员 {retired} 人"),
            );
            return None;
        }
        Some(RetiredMeeting {
            date: date?,
            attended: attended?,
        })
    });
    let leadership_meeting = section(ctx, obj, "专题民主生活会", |c, o| {
        let date = o.date(c, "日期");
        w.check(c, o, "日期", date);
        date
    });
    let listed = members.len() as u32;
    let survey = survey(ctx, obj, "满意度测评", tally::PHASE_SURVEY, w, listed);
    let ballots = ballots_file(ctx, obj, members);
    ballots?;
    Some(Evaluation {
        representatives: representatives?,
        unit_analysis: unit_analysis?,
        retired_meeting: retired_meeting?,
        leadership_meeting: leadership_meeting?,
        survey: survey?,
    })
}

/// `民主测评票`: a CSV file of the democratic evaluation, one ballot a line
/// with the columns 姓名 and 评价. Counts each member's ballots.
fn ballots_file(ctx: &mut Ctx, obj: &mut Obj, members: &mut [Member]) -> Option<()> {
    let Some(node) = obj.get("民主测评票") else {
        return Some(());
    };
    let field = obj.field("民主测评票");
    if matches!(node.value, Value::Map(_)) {
        // Counted back by serial from the ballots wenshu printed.
        let (counts, loc, unreturned) = super::returned::ballots(ctx, node, &field, members)?;
        return apply_ballot_counts(ctx, members, counts, loc, Some(unreturned), true);
    }
    let csv = tally::open_csv(ctx, node, &field, &["姓名", "评价"])?;
    let grades = tally::SATISFACTION;
    let mut counts: Vec<Option<(Vec<u32>, usize)>> = vec![None; members.len()];
    let mut ok = true;
    for row in &csv.rows {
        let name = &row.cells[0].0;
        let Some(i) = members.iter().position(|m| &m.name == name) else {
            csv.error(ctx, row, 0, format!("「{name}」不在阶段记录的党员名单中"));
            ok = false;
            continue;
        };
        let Some(g) = csv.grade(ctx, row, 1, grades) else {
            ok = false;
            continue;
        };
        let slot = counts[i].get_or_insert_with(|| (vec![0; grades.len()], row.line));
        slot.0[g] += 1;
    }
    apply_ballot_counts(ctx, members, counts, csv.loc(), None, ok)
}

/// Gives each member the ballots counted from a file, with the line of the
/// first; a member rated inline as well is an error.
fn apply_ballot_counts(
    ctx: &mut Ctx,
    members: &mut [Member],
    counts: super::returned::MemberCounts,
    file: super::Loc,
    unreturned: Option<super::returned::Unreturned>,
    mut ok: bool,
) -> Option<()> {
    let grades = tally::SATISFACTION;
    for (i, (m, c)) in members.iter_mut().zip(counts).enumerate() {
        let Some((counts, first_line)) = c else {
            continue;
        };
        if let Some(inline) = &m.rating {
            ctx.error(
                inline.loc.pos,
                &format!("党员[{}].测评", i + 1),
                format!(
                    "「{}」的测评票已在「民主测评票」文件中统计，不能再写「测评」",
                    m.name
                ),
            );
            ok = false;
            continue;
        }
        let mut loc = file.clone();
        loc.pos.line = first_line;
        loc.end_line = None;
        m.rating = Some(Tally {
            grades,
            counts,
            loc,
            unreturned: unreturned.clone(),
        });
    }
    ok.then_some(())
}

fn rectification(
    ctx: &mut Ctx,
    obj: &mut Obj,
    members: &[Member],
    w: Window,
    days: u32,
) -> Option<Rectification> {
    let meetings = list_section(ctx, obj, "支部党员大会", |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let branch = o.text(c, "支部", limits::UNIT);
        let publicised = o.date(c, "公示日期");
        let passed = o.date(c, "通过日期");
        w.check(c, &o, "公示日期", publicised);
        w.check(c, &o, "通过日期", passed);
        publicised_first(c, &o, publicised, "通过日期", passed, days);
        o.finish(c);
        Some(BranchMeeting {
            branch: branch?,
            publicised: publicised?,
            passed: passed?,
            pos: n.pos,
        })
    });
    let meetings = meetings.map(|m| m.map_or_else(Vec::new, |a| a.value));
    for (i, x, _) in repeats(meetings.as_deref().unwrap_or_default(), |x| &x.branch) {
        ctx.error(
            x.pos,
            &format!("支部党员大会[{i}].支部"),
            format!("支部「{}」重复列出", x.branch),
        );
    }
    let unit_plan = section(ctx, obj, "单位整改方案", |c, o| {
        let scope = o.opt_text(c, "公示范围", limits::UNIT);
        let publicised = o.opt_date(c, "公示日期");
        let approver = o.opt_text(c, "批准机关", limits::UNIT);
        let approved = o.opt_date(c, "批准日期");
        let published = o.opt_date(c, "向社会公开日期");
        let commitment = o.yes_no(c, "公开承诺", false);
        for (key, d) in [
            ("公示日期", publicised),
            ("批准日期", approved),
            ("向社会公开日期", published),
        ] {
            w.check(c, o, key, d);
        }
        publicised_first(c, o, publicised, "批准日期", approved, days);
        let why = match (published, approved) {
            (Some(p), Some(a)) if p < a => Some(format!(
                "向社会公开日期（{p}）早于批准日期（{a}）：整改意见经上级党组织同意后才向社会公布（L61）"
            )),
            (Some(p), None) => Some(format!(
                "{p}向社会公开，但没有写批准日期：整改意见经上级党组织同意后才向社会公布（L61）"
            )),
            _ => None,
        };
        if let Some(why) = why {
            let key = "向社会公开日期";
            c.report(Code::DateOrder, o.key_pos(key), &o.field(key), why);
        }
        Some(UnitPlan {
            publicity: Publicity {
                scope,
                date: publicised,
            },
            approver,
            approved,
            published,
            commitment: commitment?,
        })
    });
    let department_pos = obj.key_pos("部门");
    let department = if obj.has("部门") {
        obj.yes_no(ctx, "部门", false)
    } else {
        obj.require(
            ctx,
            "部门",
            "（本单位是否为政府部门：是/否；部门的整改方案须向社会公开并作出公开承诺）",
        );
        None
    };
    let regulations = if obj.has("建章立制") {
        let pos = obj.key_pos("建章立制");
        obj.list(ctx, "建章立制", 200, |c, n, p| {
            fields::line_text(c, n, p, limits::LINE)
        })
        .map(|value| Some(At { value, pos }))
    } else {
        obj.allow(&["建章立制"]);
        Some(None)
    };
    let oath = section(ctx, obj, "承诺宣誓", |c, o| {
        let date = o.date(c, "日期");
        w.check(c, o, "日期", date);
        let absent = match o.get("未参加") {
            Some(n) => name_list(c, n, &o.field("未参加"), members, true),
            None => Some(Vec::new()),
        };
        Some(Oath {
            date: date?,
            absent: absent?,
        })
    });
    let listed = members.len() as u32;
    let questionnaire = survey(ctx, obj, "问卷测评", tally::SATISFACTION, w, listed);
    let commended = section(ctx, obj, "表彰", |c, o| {
        let members = match o.get("优秀党员") {
            Some(n) => name_list(c, n, &o.field("优秀党员"), members, false),
            None => Some(Vec::new()),
        };
        let organisations = if o.has("先进党组织") {
            o.list(c, "先进党组织", limits::ITEMS, |c, n, p| {
                fields::line_text(c, n, p, limits::UNIT)
            })
        } else {
            o.allow(&["先进党组织"]);
            Some(Vec::new())
        };
        Some(Commendation {
            members: members?,
            organisations: organisations?,
        })
    });
    Some(Rectification {
        meetings: meetings?,
        unit_plan: unit_plan?,
        department: department?,
        department_pos,
        questionnaire: questionnaire?,
        commended: commended?,
        regulations: regulations?,
        oath: oath?,
    })
}

/// `例外`: each names a rule of this phase that the source does not make
/// compulsory, a reason, an approver above the unit (the district's list)
/// and a date inside the phase, on or before the paper's.
fn exceptions(
    ctx: &mut Ctx,
    obj: &mut Obj,
    phase: Phase,
    w: Window,
    district: &District,
    unit: &str,
) -> Option<Vec<Exception>> {
    if !obj.has("例外") {
        obj.allow(&["例外"]);
        return Some(Vec::new());
    }
    let ids = super::rules::ids(phase);
    let list = obj.list(ctx, "例外", limits::ITEMS, |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let rule = o.choice(c, "规则", &ids, None);
        let reason = o.text(c, "理由", limits::LINE);
        let approver = o.text(c, "批准", limits::UNIT);
        let approved = o.date(c, "批准日期");
        let mut ok = true;
        if let Some(r) = rule.map(super::rules::named).filter(|r| r.compulsory) {
            c.report(
                Code::Exception,
                o.key_pos("规则"),
                &o.field("规则"),
                format!(
                    "规则「{}」不能按例外处理：活动文件规定“{}”（{}），未达到的必须补课",
                    r.id,
                    if r.id == "问卷测评" {
                        "要重新进行‘补课’"
                    } else {
                        "必须重新补课"
                    },
                    r.source
                ),
            );
            ok = false;
        }
        if let Some(a) = &approver {
            let before = c.errors.len();
            approved_by_district(c, &o, "批准", a, district, unit, "例外");
            ok &= c.errors.len() == before;
        }
        let before = c.errors.len();
        w.check(c, &o, "批准日期", approved);
        ok &= c.errors.len() == before;
        o.finish(c);
        if !ok {
            return None;
        }
        Some(Exception {
            rule: rule?,
            reason: reason?,
            approver: approver?,
            approved: approved?,
            pos: n.pos,
        })
    })?;
    for (i, e, _) in repeats(&list, |e| e.rule) {
        ctx.report(
            Code::Exception,
            e.pos,
            &format!("例外[{i}].规则"),
            format!("规则「{}」的例外重复列出", e.rule),
        );
    }
    Some(list)
}
