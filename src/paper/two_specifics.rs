//! 两个具体: the unit's written result of the phase-1 big discussion.

use serde::Serialize;

use super::{context, limits, Decoded, Section};
use crate::input::typed::{Ctx, Date, Obj, Paragraphs};

#[derive(Serialize)]
struct TwoSpecifics {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "日期")]
    date: Date,
    #[serde(rename = "制定经过")]
    drafting: Paragraphs,
    #[serde(rename = "具体要求")]
    requirements: Vec<Section>,
    #[serde(rename = "不合格表现")]
    manifestations: Vec<Section>,
    #[serde(rename = "落款")]
    signature: String,
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let date = obj.date(ctx, "日期");
    let drafting = obj.paragraphs(ctx, "制定经过", limits::PARAGRAPH);
    let requirements = obj.list(ctx, "具体要求", limits::ITEMS, |c, n, p| {
        Section::read(c, n, p, false)
    });
    let manifestations = obj.list(ctx, "不合格表现", limits::ITEMS, |c, n, p| {
        Section::read(c, n, p, false)
    });
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    let unit = unit?;
    let paper = TwoSpecifics {
        signature: signature.unwrap_or_else(|| unit.clone()),
        unit,
        date: date?,
        drafting: drafting?,
        requirements: requirements?,
        manifestations: manifestations?,
    };
    Some((
        "两个具体",
        format!("两个具体-{}", paper.unit),
        context(&paper),
    ))
}
