//! Reading a 阶段记录: YAML keys → a typed, located [`Record`].
//!
//! Owns the keys of the record and which phase each belongs to, and the
//! checks that make a record self-consistent (a name is listed once, a
//! retired member carries no rating, a plan is passed after it was
//! publicised, an exception names a rule of this phase). Whether the facts
//! meet the campaign's rules is not decided here: a fact the unit has not
//! done is read as "not done", for `rules` to judge.

use crate::diag::Pos;
use crate::input::{Node, Value};
use crate::input::typed::{self as fields, Ctx, Date, Obj};
use crate::paper::{limits, single_addressee, transfer_phone, Phase, Section};

use super::tally::{self, Tally};
use super::{At, Exception, Facts, Member, Record};

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
        "满意度测评",
        "民主测评票",
    ],
    &["支部党员大会", "单位整改方案", "部门", "问卷测评", "表彰"],
];
/// Keys of a member that only one phase has, by phase.
const MEMBER_KEYS: [&[&str]; 3] = [
    &["心得"],
    &["党性分析", "重写", "测评", "评定", "处理意见"],
    &["整改方案"],
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
    /// Distinct days of concentrated training, in order.
    pub training_days: Vec<Date>,
    pub training_tenths: u32,
    pub others: Vec<&'a Session>,
    pub other_tenths: u32,
}

impl<'a> StudySums<'a> {
    pub fn of(sessions: &'a [Session]) -> Self {
        let (training, others): (Vec<&Session>, Vec<&Session>) =
            sessions.iter().partition(|x| x.training);
        let mut training_days: Vec<Date> = training.iter().map(|x| x.date).collect();
        training_days.sort();
        training_days.dedup();
        let sum = |v: &[&Session]| v.iter().map(|x| x.tenths).sum();
        StudySums {
            total_tenths: sessions.iter().map(|x| x.tenths).sum(),
            training_tenths: sum(&training),
            other_tenths: sum(&others),
            training,
            training_days,
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
    pub date: Option<Date>,
    pub handed_out: Option<u32>,
    pub tally: Tally,
    pub pos: Pos,
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

/// Reads the whole record; `None` after recording every input error.
pub fn record(ctx: &mut Ctx, obj: &mut Obj) -> Option<Record> {
    let phase = Phase::read(ctx, obj, &[1, 2, 3]);
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let date = obj.date(ctx, "日期");
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
    let facts = match (phase, members.as_mut()) {
        (Some(p), Some(m)) => facts(ctx, obj, p, m),
        _ => {
            // Without a phase or a member list the facts cannot be judged;
            // accept their keys so that only the real problem is reported.
            for keys in PHASE_KEYS {
                obj.allow(keys);
            }
            None
        }
    };
    let exceptions = match phase {
        Some(p) => exceptions(ctx, obj, p, date),
        None => {
            obj.allow(&["例外"]);
            None
        }
    };
    let phase = phase?;
    let members = members?;
    let facts = facts?;
    let unit = unit?;
    Some(Record {
        file: ctx.src.name.clone(),
        pos: obj.pos,
        phase,
        signature: signature.unwrap_or_else(|| unit.clone()),
        unit,
        date: date?,
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
    })
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
            if obj.has(key) {
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
    let absent = o.opt_text(ctx, "缺席", limits::LINE);
    let mut m = Member {
        name: String::new(),
        pos: node.pos,
        branch,
        retired: retired.unwrap_or(false),
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
        Some(3) => m.plan = opt_choice(ctx, &mut o, "整改方案", &PLAN_STATES).flatten(),
        _ => {}
    }
    o.finish(ctx);
    m.name = name?;
    Some(m)
}

/// A member's phase-2 facts; a retired member may carry none of them but a
/// verdict.
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
    if m.retired {
        let wrote = m.analysis.as_ref().is_some_and(|a| a.value != "未撰写");
        for (key, given, message) in [
            (
                "党性分析",
                wrote,
                "离退休职工党员不写党性分析材料；请删除此项",
            ),
            (
                "重写",
                m.rewrote,
                "离退休职工党员不写党性分析材料，也就没有重写；请删除此项",
            ),
            (
                "测评",
                o.has("测评"),
                "离退休职工党员不参加满意度测评，不能有测评票；请删除此项",
            ),
        ] {
            if given {
                let pos = o.key_pos(key);
                ctx.error(pos, &o.field(key), message);
            }
        }
    }
}

/// A plan is passed or approved after it was publicised: an error at `key`
/// of `o` otherwise.
fn publicised_first(
    ctx: &mut Ctx,
    o: &Obj,
    publicised: Option<Date>,
    key: &str,
    later: Option<Date>,
    why: &str,
) {
    if let (Some(a), Some(b)) = (publicised, later) {
        if b < a {
            ctx.error(
                o.key_pos(key),
                &o.field(key),
                format!("{key}（{b}）早于公示日期（{a}）：{why}"),
            );
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

fn facts(ctx: &mut Ctx, obj: &mut Obj, phase: Phase, members: &mut [Member]) -> Option<Facts> {
    other_phase_keys(ctx, obj, phase.0, &PHASE_KEYS);
    match phase.0 {
        1 => study(ctx, obj, members).map(Facts::Study),
        2 => evaluation(ctx, obj, members).map(Facts::Evaluation),
        _ => rectification(ctx, obj, members).map(Facts::Rectification),
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

fn study(ctx: &mut Ctx, obj: &mut Obj, members: &[Member]) -> Option<Study> {
    let sessions = list_section(ctx, obj, "学习", |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let date = o.date(c, "日期");
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
                match o.object(ctx, activity, "", |c, a| coverage(c, a, activity, members)) {
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
) -> Option<Coverage> {
    let date = o.opt_date(ctx, "日期");
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
) -> Option<Option<Survey>> {
    if obj.get(key).is_none() {
        return Some(None);
    }
    let pos = obj.key_pos(key);
    obj.object(ctx, key, "", |c, o| {
        let date = o.opt_date(c, "日期");
        let handed_out = opt_count(c, o, "发放");
        let tally = tally::read_section_tally(c, o, grades)?;
        if let Some(h) = &handed_out {
            if h.value < tally.total() {
                c.error(
                    h.pos,
                    &o.field("发放"),
                    format!("发放 {} 份，少于收回的 {} 票", h.value, tally.total()),
                );
                return None;
            }
        }
        Some(Survey {
            date,
            handed_out: handed_out.map(|h| h.value),
            tally,
            pos,
        })
    })
    .map(Some)
}

fn evaluation(ctx: &mut Ctx, obj: &mut Obj, members: &mut [Member]) -> Option<Evaluation> {
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
        Some(Publicity { scope, date })
    });
    let retired = members.iter().filter(|m| m.retired).count() as u32;
    let retired_meeting = section(ctx, obj, "离退休组织生活会", |c, o| {
        let date = o.date(c, "日期");
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
    let survey = survey(ctx, obj, "满意度测评", tally::PHASE_SURVEY);
    let ballots = ballots_file(ctx, obj, members);
    ballots?;
    Some(Evaluation {
        representatives: representatives?,
        unit_analysis: unit_analysis?,
        retired_meeting: retired_meeting?,
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
        if members[i].retired {
            csv.error(
                ctx,
                row,
                0,
                format!("「{name}」是离退休职工党员：离退休党员不参加满意度测评，不能有测评票"),
            );
            ok = false;
            continue;
        }
        let Some(g) = csv.grade(ctx, row, 1, grades) else {
            ok = false;
            continue;
        };
        let slot = counts[i].get_or_insert_with(|| (vec![0; grades.len()], row.line));
        slot.0[g] += 1;
    }
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
        let mut loc = csv.loc();
        loc.pos.line = first_line;
        loc.end_line = None;
        m.rating = Some(Tally {
            grades,
            counts,
            loc,
        });
    }
    ok.then_some(())
}

fn rectification(ctx: &mut Ctx, obj: &mut Obj, members: &[Member]) -> Option<Rectification> {
    let meetings = list_section(ctx, obj, "支部党员大会", |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let branch = o.text(c, "支部", limits::UNIT);
        let publicised = o.date(c, "公示日期");
        let passed = o.date(c, "通过日期");
        publicised_first(
            c,
            &o,
            publicised,
            "通过日期",
            passed,
            "个人整改方案应先在支部内公示、后经支部党员大会通过",
        );
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
        publicised_first(
            c,
            o,
            publicised,
            "批准日期",
            approved,
            "方案应先在本单位公示、后报上级党组织批准",
        );
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
    let questionnaire = survey(ctx, obj, "问卷测评", tally::SATISFACTION);
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
    })
}

fn exceptions(
    ctx: &mut Ctx,
    obj: &mut Obj,
    phase: Phase,
    date: Option<Date>,
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
        if let (Some(a), Some(d)) = (approved, date) {
            if a > d {
                let pos = o.key_pos("批准日期");
                c.error(
                    pos,
                    &o.field("批准日期"),
                    format!("批准日期（{a}）晚于记录的日期（{d}）：文书不能引用成文后才作出的批准"),
                );
                o.finish(c);
                return None;
            }
        }
        o.finish(c);
        Some(Exception {
            rule: rule?,
            reason: reason?,
            approver: approver?,
            approved: approved?,
            pos: n.pos,
        })
    })?;
    for (i, e, _) in repeats(&list, |e| e.rule) {
        ctx.error(
            e.pos,
            &format!("例外[{i}].规则"),
            format!("规则「{}」的例外重复列出", e.rule),
        );
    }
    Some(list)
}
