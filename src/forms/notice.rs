//! 公示: the notice that puts members' 党性分析材料 or the unit's analysis
//! (L48), or the personal or unit 整改方案 (L61), before a stated scope for
//! a stated period, saying where to send opinions. An official notice: a
//! title, the body, the list, the contact, the signature and date.

use serde::Serialize;

use super::members::{self, Member};
use crate::input::typed::{Ctx, Date, Obj};
use crate::paper::{context, limits, transfer_phone, Decoded};

pub const SUBJECTS: [&str; 2] = ["党性分析材料", "整改方案"];
pub const WHOSE: [&str; 2] = ["个人", "单位"];

#[derive(Serialize)]
struct Notice {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "公示内容")]
    subject: &'static str,
    #[serde(rename = "类型")]
    whose: &'static str,
    #[serde(rename = "名单")]
    members: Vec<Member>,
    #[serde(rename = "有职务")]
    has_posts: bool,
    #[serde(rename = "有支部")]
    has_branches: bool,
    #[serde(rename = "公示范围")]
    scope: String,
    #[serde(rename = "开始日期")]
    from: Date,
    #[serde(rename = "结束日期")]
    to: Date,
    #[serde(rename = "天数")]
    days: i64,
    #[serde(rename = "公示地点")]
    place: Option<String>,
    #[serde(rename = "反馈方式")]
    returned_by: String,
    #[serde(rename = "联系人")]
    contact: String,
    #[serde(rename = "联系电话")]
    phone: String,
    #[serde(rename = "落款")]
    signature: String,
    #[serde(rename = "日期")]
    date: Date,
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let subject = obj.choice(ctx, "公示内容", &SUBJECTS, None);
    let whose = obj.choice(ctx, "类型", &WHOSE, None);
    let members = match whose {
        Some("个人") => members::read(ctx, obj, "名单", false),
        _ => {
            obj.allow(&["名单"]);
            Some(Vec::new())
        }
    };
    let scope = obj.text(ctx, "公示范围", limits::UNIT);
    let from = obj.date(ctx, "开始日期");
    let to = obj.date(ctx, "结束日期");
    let place = obj.opt_text(ctx, "公示地点", limits::LINE);
    let returned_by = obj.text(ctx, "反馈方式", limits::LINE);
    let contact = obj.text(ctx, "联系人", limits::NAME);
    let phone = transfer_phone(ctx, obj, true);
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    let date = obj.date(ctx, "日期");
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            let pos = obj.key_pos("结束日期");
            ctx.error(
                pos,
                &obj.field("结束日期"),
                format!("公示结束日期（{t}）早于开始日期（{f}）"),
            );
            return None;
        }
    }
    if let (Some(f), Some(d)) = (from, date) {
        if d > f {
            let pos = obj.key_pos("日期");
            ctx.error(
                pos,
                &obj.field("日期"),
                format!("成文日期（{d}）晚于公示开始日期（{f}）：公示应在开始前或当天发出"),
            );
            return None;
        }
    }
    let (unit, from, to) = (unit?, from?, to?);
    let members = members?;
    let paper = Notice {
        signature: signature.unwrap_or_else(|| unit.clone()),
        has_posts: members.iter().any(|m| m.post.is_some()),
        has_branches: members.iter().any(|m| m.branch.is_some()),
        unit,
        subject: subject?,
        whose: whose?,
        members,
        scope: scope?,
        days: to.days() - from.days() + 1,
        from,
        to,
        place,
        returned_by: returned_by?.trim_end_matches('。').to_string(),
        contact: contact?,
        phone: phone?,
        date: date?,
    };
    let stem = format!("公示-{}-{}", paper.subject, paper.unit);
    Some(("公示", stem, context(&paper)))
}
