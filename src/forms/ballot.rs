//! 民主测评票: the members' satisfaction ballots of the democratic
//! evaluation, in three grades 满意 / 基本满意 / 不满意 (L56). Printed either
//! one ballot per member (`形式: 每人一票`, `份数` ballots for each member) or
//! one sheet listing every member (`形式: 一表多人`, `份数` sheets, one per
//! voter). Retired members take no rating (L56): a list read from a 阶段记录
//! leaves them out.

use serde::Serialize;

use super::members::{self, Member};
use super::{check_total, copies, Copy, Printed, Serials, SATISFACTION};
use crate::input::typed::{Ctx, Date, Obj};
use crate::paper::{context, limits, Decoded};

pub const FORMS: [&str; 2] = ["一表多人", "每人一票"];

#[derive(Serialize)]
struct Ballot {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "标题")]
    title: Option<String>,
    #[serde(rename = "日期")]
    date: Option<Date>,
    #[serde(rename = "形式")]
    form: &'static str,
    #[serde(rename = "等次")]
    grades: &'static [&'static str],
    #[serde(rename = "党员")]
    members: Vec<Member>,
    #[serde(rename = "票")]
    copies: Vec<Copy>,
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<(Decoded, Printed)> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let title = obj.opt_text(ctx, "标题", limits::LINE);
    let date = obj.opt_date(ctx, "日期");
    let form = obj.choice(ctx, "形式", &FORMS, Some("一表多人"));
    let members = members::read(ctx, obj, "名单", true);
    let n = copies(
        ctx,
        obj,
        "（一表多人：每名测评人一张；每人一票：每名党员印几张）",
    );
    let serials = Serials::read(ctx, obj, "CP");
    let (unit, form, members, n, mut serials) = (unit?, form?, members?, n?, serials?);
    let per_member = form == "每人一票";
    let total = if per_member {
        members.len() * n as usize
    } else {
        n as usize
    };
    check_total(ctx, obj, total)?;
    let copies: Vec<Copy> = if per_member {
        members
            .iter()
            .flat_map(|m| (0..n).map(move |_| m.name.clone()))
            .map(|name| Copy {
                serial: serials.take(),
                member: Some(name),
            })
            .collect()
    } else {
        (0..n)
            .map(|_| Copy {
                serial: serials.take(),
                member: None,
            })
            .collect()
    };
    let printed = Printed {
        file: String::new(),
        kind: "民主测评票",
        copies: copies.clone(),
        grades: SATISFACTION,
        sheet: if per_member {
            Vec::new()
        } else {
            members.iter().map(|m| m.name.clone()).collect()
        },
    };
    let paper = Ballot {
        title,
        unit,
        date,
        form,
        grades: SATISFACTION,
        members,
        copies,
    };
    let stem = format!("民主测评票-{}", paper.unit);
    Some((("民主测评票", stem, context(&paper)), printed))
}
