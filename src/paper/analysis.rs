//! 党性分析材料: a member's (or a unit's) party-spirit analysis.
//!
//! Rules that concern the paper alone: all four problem areas (一找); a
//! member's three subjective causes (二查, L46), and for leading cadres also
//! 权力观、地位观、利益观 (L48); a retired member may write one or not (L56
//! "可以不作"). A unit's analysis is of the organisation, not of a person
//! (L45 "机关党组织也要查找问题", L48 "各级党组织也要……认真进行剖析和总结"):
//! its 二查 looks for the causes in the leadership team's own building —
//! 思想建设、组织建设、作风建设 and 制度执行 — never in a 人生观.

use serde::Serialize;

use super::{context, limits, Decoded};
use crate::diag::{Code, Pos};
use crate::input::typed::{Ctx, Date, Obj, Paragraphs};
use crate::input::Value;

/// 一找 areas and 二查 views, in the order the paper prints them.
pub(crate) const AREAS: [&str; 4] = ["思想", "组织", "工作", "作风"];
pub(crate) const BASIC_VIEWS: [&str; 3] = ["世界观", "人生观", "价值观"];
pub(crate) const CADRE_VIEWS: [&str; 3] = ["权力观", "地位观", "利益观"];
/// A unit's 二查: where its leadership team looks for the causes.
pub(crate) const UNIT_CAUSES: [&str; 4] = ["思想建设", "组织建设", "作风建设", "制度执行"];

#[derive(Serialize)]
pub struct Member {
    #[serde(rename = "姓名")]
    pub name: String,
    /// Accepted, not printed (the byline names the branch and the member).
    #[serde(rename = "职务")]
    pub post: Option<String>,
    #[serde(rename = "所在支部")]
    pub branch: String,
    #[serde(rename = "入党时间")]
    pub joined: Option<Date>,
    #[serde(rename = "领导干部")]
    pub leading_cadre: bool,
}

/// A titled block of text: one area or one view.
#[derive(Serialize)]
struct Part {
    #[serde(rename = "名称")]
    name: &'static str,
    #[serde(rename = "内容")]
    body: Paragraphs,
}

#[derive(Serialize)]
struct Analysis {
    #[serde(rename = "类型")]
    variant: &'static str,
    #[serde(rename = "党员")]
    member: Option<Member>,
    #[serde(rename = "单位")]
    unit: Option<String>,
    #[serde(rename = "日期")]
    date: Date,
    #[serde(rename = "开头")]
    opening: Paragraphs,
    #[serde(rename = "一找")]
    problems: Vec<Part>,
    #[serde(rename = "二查")]
    causes: Vec<Part>,
    #[serde(rename = "努力方向")]
    direction: Paragraphs,
    #[serde(rename = "整改措施")]
    measures: Vec<String>,
    #[serde(rename = "落款")]
    signature: String,
}

/// Reads the `党员` block shared with the personal 整改方案.
pub fn read_member(ctx: &mut Ctx, obj: &mut Obj, with_record: bool) -> Option<Member> {
    obj.object(
        ctx,
        "党员",
        "（个人材料须写明党员信息）",
        |ctx, m| {
            let name = m.text(ctx, "姓名", limits::NAME);
            let post = m.opt_text(ctx, "职务", limits::POST);
            let branch = m.text(ctx, "所在支部", limits::UNIT);
            let (joined, cadre) = if with_record {
                let joined = m.date(ctx, "入党时间");
                let cadre = m.yes_no(ctx, "领导干部", false);
                // A retired member "可以不作" the analysis (L56): one who
                // writes it is accepted like any member.
                m.yes_no(ctx, "离退休", false)?;
                (joined.map(Some), cadre)
            } else {
                m.allow(&["入党时间", "领导干部", "离退休"]);
                (Some(None), Some(false))
            };
            Some(Member {
                name: name?,
                post,
                branch: branch?,
                joined: joined?,
                leading_cadre: cadre?,
            })
        },
    )
}

/// Reads a mapping of named parts, requiring `required` and allowing `optional`.
fn read_parts(
    ctx: &mut Ctx,
    obj: &mut Obj,
    key: &'static str,
    required: &[&'static str],
    optional: &[&'static str],
    why_required: &str,
) -> Option<Vec<Part>> {
    obj.object(ctx, key, "", |ctx, o| {
        let mut parts = Vec::new();
        let mut ok = true;
        for &name in required.iter().chain(optional) {
            let body = if required.contains(&name) {
                let node = o.require(ctx, name, why_required);
                node.and_then(|n| {
                    super::fields::paragraphs(ctx, n, &o.field(name), limits::PARAGRAPH)
                })
            } else {
                o.opt_paragraphs(ctx, name, limits::PARAGRAPH).or_else(|| {
                    ok &= !o.has(name);
                    None
                })
            };
            match body {
                Some(body) => parts.push(Part { name, body }),
                None => ok &= !required.contains(&name),
            }
        }
        ok.then_some(parts)
    })
}

/// A unit's 二查: the four parts of [`UNIT_CAUSES`]. A person's views
/// written there are refused, each where it stands, with what to write
/// instead.
fn unit_causes(ctx: &mut Ctx, obj: &mut Obj) -> Option<Vec<Part>> {
    let views: Vec<(Pos, String)> = match obj.get("二查").map(|n| &n.value) {
        Some(Value::Map(entries)) => entries
            .iter()
            .filter_map(|(k, _)| match &k.value {
                Value::Str(s)
                    if BASIC_VIEWS.contains(&s.as_str()) || CADRE_VIEWS.contains(&s.as_str()) =>
                {
                    Some((k.pos, s.clone()))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let before = ctx.errors.len();
    let parts = read_parts(
        ctx,
        obj,
        "二查",
        &UNIT_CAUSES,
        &[],
        "（单位材料从领导班子的思想建设、组织建设、作风建设、制度执行剖析原因）",
    );
    // Say why a view does not belong here, instead of "unknown field".
    let found = ctx.errors.split_off(before);
    ctx.errors.extend(found.into_iter().filter(|d| {
        !views
            .iter()
            .any(|(pos, _)| d.pos == Some(*pos) && d.code == Code::UnknownField)
    }));
    for (pos, view) in &views {
        ctx.error(
            *pos,
            &format!("二查.{view}"),
            format!(
                "单位的党性分析材料剖析的是党组织和领导班子，不是个人的{view}（L45、L48）；\
                 二查请写 思想建设、组织建设、作风建设、制度执行 四个方面"
            ),
        );
    }
    parts.filter(|_| views.is_empty())
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let Some(variant) = obj.choice(ctx, "类型", &["个人", "单位"], Some("个人")) else {
        // The other keys depend on the 类型: do not call them unknown.
        obj.accept_rest();
        return None;
    };
    let (member, unit) = if variant == "个人" {
        (Some(read_member(ctx, obj, true)), None)
    } else {
        (None, Some(obj.text(ctx, "单位", limits::UNIT)))
    };
    let cadre = member
        .as_ref()
        .and_then(|m| m.as_ref())
        .is_some_and(|m| m.leading_cadre);
    let date = obj.date(ctx, "日期");
    let opening = obj.paragraphs(ctx, "开头", limits::PARAGRAPH);
    let problems = read_parts(
        ctx,
        obj,
        "一找",
        &AREAS,
        &[],
        "（一找须从思想、组织、工作、作风四个方面查找问题）",
    );
    let causes = if variant == "单位" {
        unit_causes(ctx, obj)
    } else if cadre {
        let all: Vec<&'static str> = BASIC_VIEWS.iter().chain(&CADRE_VIEWS).copied().collect();
        let why = "（领导干部还须从权力观、地位观、利益观剖析原因）";
        read_parts(ctx, obj, "二查", &all, &[], why)
    } else {
        read_parts(
            ctx,
            obj,
            "二查",
            &BASIC_VIEWS,
            &CADRE_VIEWS,
            "（二查须从世界观、人生观、价值观剖析主观原因）",
        )
    };
    let (direction, measures) = obj
        .object(ctx, "三明确", "", |ctx, o| {
            let direction = o.paragraphs(ctx, "努力方向", limits::PARAGRAPH);
            let measures = o.list(ctx, "整改措施", limits::ITEMS, |c, n, p| {
                super::fields::line_text(c, n, p, limits::PARAGRAPH)
            });
            Some((direction, measures))
        })
        .unwrap_or((None, None));
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);

    let member = member.flatten();
    if variant == "个人" && member.is_none() {
        return None;
    }
    let unit = match unit {
        Some(u) => Some(u?),
        None => None,
    };
    let who = member
        .as_ref()
        .map_or_else(|| unit.clone().unwrap_or_default(), |m| m.name.clone());
    let paper = Analysis {
        variant,
        signature: signature.unwrap_or_else(|| who.clone()),
        member,
        unit,
        date: date?,
        opening: opening?,
        problems: problems?,
        causes: causes?,
        direction: direction?,
        measures: measures?,
    };
    let template = if variant == "个人" {
        "党性分析材料-个人"
    } else {
        "党性分析材料-单位"
    };
    Some((template, format!("党性分析材料-{who}"), context(&paper)))
}
