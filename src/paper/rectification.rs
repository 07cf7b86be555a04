//! 整改方案: a member's or a unit's rectification plan.
//!
//! Rules that concern the paper alone: each item's category is one of the
//! four ways of handling a problem; 限期整改 needs a deadline, 协调解决 the
//! units to coordinate with; a unit's items name a responsible leader and
//! department; the approval trail is the one the domain mandates (personal:
//! publicised in the branch, passed by the branch general meeting; unit:
//! publicised in the unit, approved by the higher organisation), and it
//! cannot be passed or approved before it was publicised.

use serde::Serialize;

use super::analysis::{read_member, Member};
use super::{context, limits, Decoded};
use crate::input::typed::{self as fields, Ctx, Date, Obj, Paragraphs};
use crate::input::Node;

pub const CATEGORIES: [&str; 4] = ["立说立改", "限期整改", "协调解决", "说明解释"];

/// A plan is publicised at least one full day before it is passed or
/// approved (L61 "要在支部范围内公示，并经支部党员大会通过"): the day it is
/// posted counts, the day of the meeting does not. A district may set more
/// (a 阶段记录's `本区规定.公示天数`).
pub const MIN_PUBLICITY_DAYS: u32 = 1;

/// What is wrong with passing or approving (`key`, on `later`) a plan
/// publicised on `publicised`, if anything: it must come `days` whole days
/// or more after the 公示 began.
pub fn publicity_problem(key: &str, publicised: Date, later: Date, days: u32) -> Option<String> {
    if later < publicised {
        return Some(format!(
            "{key}（{later}）早于公示日期（{publicised}）：方案应先公示、后通过或批准（L61）"
        ));
    }
    let gap = later.days() - publicised.days();
    (gap < i64::from(days)).then(|| {
        format!(
            "{key}（{later}）距公示日期（{publicised}）只有{gap}天：公示期不少于{days}天，满{days}天后才能通过或批准（L61）"
        )
    })
}

/// A plan says it was publicised and passed (or approved): its 成文日期
/// cannot come before those days, or it would state as done what had not
/// happened on the day it bears.
fn dated_before_approval(date: Date, a: &Approval, personal: bool) -> Option<String> {
    let (key, done, what) = if personal {
        ("通过日期", a.passed?, "通过")
    } else {
        ("批准日期", a.approved?, "批准")
    };
    (date < done).then(|| {
        format!(
            "成文日期（{date}）早于{key}（{done}）：方案中写明于{done}{what}，成文日期应在这一天或之后"
        )
    })
}

#[derive(Serialize)]
struct Item {
    #[serde(rename = "序号")]
    number: usize,
    #[serde(rename = "问题")]
    problem: String,
    #[serde(rename = "目标")]
    goal: String,
    #[serde(rename = "措施")]
    measures: Vec<String>,
    #[serde(rename = "类别")]
    category: &'static str,
    #[serde(rename = "完成时限")]
    deadline: Option<Date>,
    #[serde(rename = "责任人")]
    responsible: Option<String>,
    #[serde(rename = "责任领导")]
    leader: Option<String>,
    #[serde(rename = "责任部门")]
    department: Option<String>,
    #[serde(rename = "协调单位")]
    coordinate_with: Vec<String>,
    #[serde(rename = "挂牌")]
    listed: bool,
}

#[derive(Serialize)]
struct Approval {
    #[serde(rename = "公示范围")]
    scope: String,
    #[serde(rename = "公示日期")]
    publicised: Date,
    #[serde(rename = "通过会议")]
    meeting: Option<String>,
    #[serde(rename = "通过日期")]
    passed: Option<Date>,
    #[serde(rename = "批准机关")]
    approver: Option<String>,
    #[serde(rename = "批准日期")]
    approved: Option<Date>,
}

#[derive(Serialize)]
struct Plan {
    #[serde(rename = "类型")]
    variant: &'static str,
    #[serde(rename = "党员")]
    member: Option<Member>,
    #[serde(rename = "单位")]
    unit: Option<String>,
    #[serde(rename = "日期")]
    date: Date,
    #[serde(rename = "总体要求")]
    general: Option<Paragraphs>,
    #[serde(rename = "整改事项")]
    items: Vec<Item>,
    #[serde(rename = "挂牌事项")]
    listed: Vec<usize>,
    #[serde(rename = "保障措施")]
    safeguards: Option<Paragraphs>,
    #[serde(rename = "审批")]
    approval: Approval,
    #[serde(rename = "落款")]
    signature: String,
}

fn read_item(
    ctx: &mut Ctx,
    node: &Node,
    path: &str,
    personal: bool,
    number: usize,
) -> Option<Item> {
    let mut o = Obj::open(ctx, node, path)?;
    let problem = o.text(ctx, "问题", limits::PARAGRAPH);
    let goal = o.text(ctx, "目标", limits::PARAGRAPH);
    let measures = read_lines(ctx, &mut o, "措施");
    let category = o.choice(ctx, "类别", &CATEGORIES, None);
    let deadline = match category {
        Some("限期整改") => {
            let n = o.require(ctx, "完成时限", "（类别为限期整改时必填）");
            n.and_then(|n| fields::date(ctx, n, &o.field("完成时限")))
                .map(Some)
        }
        _ => Some(o.opt_date(ctx, "完成时限")),
    };
    let coordinate_with = if category == Some("协调解决") {
        if o.has("协调单位") {
            read_lines(ctx, &mut o, "协调单位")
        } else {
            o.require(
                ctx,
                "协调单位",
                "（类别为协调解决时必填，写明需协调的单位）",
            );
            None
        }
    } else if o.has("协调单位") {
        read_lines(ctx, &mut o, "协调单位")
    } else {
        o.allow(&["协调单位"]);
        Some(Vec::new())
    };
    let (responsible, leader, department) = if personal {
        o.allow(&["责任领导", "责任部门"]);
        (
            Some(o.opt_text(ctx, "责任人", limits::NAME)),
            Some(None),
            Some(None),
        )
    } else {
        o.allow(&["责任人"]);
        let l = o.text(ctx, "责任领导", limits::NAME);
        let d = o.text(ctx, "责任部门", limits::UNIT);
        (Some(None), l.map(Some), d.map(Some))
    };
    let listed = o.yes_no(ctx, "挂牌", false);
    o.finish(ctx);
    Some(Item {
        number,
        problem: problem?,
        goal: goal?,
        measures: measures?,
        category: category?,
        deadline: deadline?,
        responsible: responsible?,
        leader: leader?,
        department: department?,
        coordinate_with: coordinate_with?,
        listed: listed?,
    })
}

/// A list of one-line entries, also accepted as a single string.
fn read_lines(ctx: &mut Ctx, o: &mut Obj, key: &'static str) -> Option<Vec<String>> {
    let node = o.require(ctx, key, "")?;
    let field = o.field(key);
    match &node.value {
        crate::input::Value::Str(_) => {
            fields::line_text(ctx, node, &field, limits::PARAGRAPH).map(|s| vec![s])
        }
        _ => o.list(ctx, key, limits::ITEMS, |c, n, p| {
            fields::line_text(c, n, p, limits::PARAGRAPH)
        }),
    }
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let Some(variant) = obj.choice(ctx, "类型", &["个人", "单位"], Some("个人")) else {
        // The other keys depend on the 类型: do not call them unknown.
        obj.accept_rest();
        return None;
    };
    let personal = variant == "个人";
    let member = if personal {
        Some(read_member(ctx, obj, false))
    } else {
        None
    };
    let unit = if personal {
        Some(obj.opt_text(ctx, "单位", limits::UNIT))
    } else {
        obj.text(ctx, "单位", limits::UNIT).map(Some)
    };
    let date = obj.date(ctx, "日期");
    let general = obj.opt_paragraphs(ctx, "总体要求", limits::PARAGRAPH);
    let mut number = 0;
    let items = obj.list(ctx, "整改事项", limits::ITEMS, |c, n, p| {
        number += 1;
        read_item(c, n, p, personal, number)
    });
    let safeguards = obj.opt_paragraphs(ctx, "保障措施", limits::PARAGRAPH);
    let approval = obj.object(
        ctx,
        "审批",
        "（须写明公示与审批经过）",
        |ctx, a| {
            let scope = a.text(ctx, "公示范围", limits::UNIT);
            let publicised = a.date(ctx, "公示日期");
            let (meeting, passed, approver, approved) = if personal {
                a.allow(&["批准机关", "批准日期"]);
                let m = a.text(ctx, "通过会议", limits::UNIT);
                let d = a.date(ctx, "通过日期");
                if let (Some(m), Some(_)) = (&m, &d) {
                    if !m.contains("党员大会") {
                        let pos = a.key_pos("通过会议");
                        ctx.error(
                            pos,
                            &a.field("通过会议"),
                            format!("个人整改方案须经支部党员大会通过，「{m}」不是党员大会"),
                        );
                    }
                }
                (m.map(Some), d.map(Some), Some(None), Some(None))
            } else {
                a.allow(&["通过会议", "通过日期"]);
                let who = a.text(ctx, "批准机关", limits::UNIT);
                let d = a.date(ctx, "批准日期");
                (Some(None), Some(None), who.map(Some), d.map(Some))
            };
            let publicised = publicised?;
            let later = passed.flatten().or(approved.flatten());
            if let Some(later) = later {
                let key = if personal {
                    "通过日期"
                } else {
                    "批准日期"
                };
                if let Some(why) = publicity_problem(key, publicised, later, MIN_PUBLICITY_DAYS) {
                    let pos = a.key_pos(key);
                    ctx.report(crate::diag::Code::DateOrder, pos, &a.field(key), why);
                    return None;
                }
            }
            Some(Approval {
                scope: scope?,
                publicised,
                meeting: meeting?,
                passed: passed?,
                approver: approver?,
                approved: approved?,
            })
        },
    );
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    if let (Some(date), Some(a)) = (date, &approval) {
        if let Some(why) = dated_before_approval(date, a, personal) {
            ctx.report(
                crate::diag::Code::DateOrder,
                obj.key_pos("日期"),
                &obj.field("日期"),
                why,
            );
        }
    }

    let member = match member {
        Some(m) => Some(m?),
        None => None,
    };
    let unit = unit?;
    let items = items?;
    let who = member
        .as_ref()
        .map_or_else(|| unit.clone().unwrap_or_default(), |m| m.name.clone());
    let paper = Plan {
        variant,
        signature: signature.unwrap_or_else(|| who.clone()),
        listed: items
            .iter()
            .filter(|i| i.listed)
            .map(|i| i.number)
            .collect(),
        member,
        unit,
        date: date?,
        general,
        items,
        safeguards,
        approval: approval?,
    };
    let template = if personal {
        "整改方案-个人"
    } else {
        "整改方案-单位"
    };
    Some((template, format!("整改方案-{who}"), context(&paper)))
}
