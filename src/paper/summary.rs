//! 阶段小结 / 总结: the 报告 that closes a phase (总结 for phase 3).

use serde::Serialize;

use super::fields::{Ctx, Date, Obj, Paragraphs};
use super::{context, limits, Decoded, Phase, Section};

#[derive(Serialize)]
struct Summary {
    #[serde(rename = "文种")]
    kind: &'static str,
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "阶段")]
    phase: u8,
    #[serde(rename = "阶段名称")]
    phase_name: &'static str,
    #[serde(rename = "主送")]
    addressee: Option<String>,
    #[serde(rename = "日期")]
    date: Date,
    #[serde(rename = "主要工作")]
    work: Vec<Section>,
    #[serde(rename = "主要成效")]
    results: Paragraphs,
    #[serde(rename = "存在问题")]
    problems: Paragraphs,
    #[serde(rename = "下步打算")]
    plans: Paragraphs,
    #[serde(rename = "落款")]
    signature: String,
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj, kind: &'static str) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let allowed: &[u8] = if kind == "总结" { &[3] } else { &[1, 2, 3] };
    let phase = Phase::read(ctx, obj, allowed);
    let addressee = obj.opt_text(ctx, "主送", limits::UNIT);
    let date = obj.date(ctx, "日期");
    let work = obj.list(ctx, "主要工作", limits::ITEMS, |c, n, p| {
        Section::read(c, n, p, true)
    });
    let results = obj.paragraphs(ctx, "主要成效", limits::PARAGRAPH);
    let problems = obj.paragraphs(ctx, "存在问题", limits::PARAGRAPH);
    let plans = obj.paragraphs(ctx, "下步打算", limits::PARAGRAPH);
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    let (unit, phase) = (unit?, phase?);
    let kind = if phase.0 == 3 { "总结" } else { "小结" };
    let paper = Summary {
        kind,
        signature: signature.unwrap_or_else(|| unit.clone()),
        phase: phase.0,
        phase_name: phase.name(),
        addressee: addressee.map(|a| a.trim_end_matches(['：', ':']).to_string()),
        date: date?,
        work: work?,
        results: results?,
        problems: problems?,
        plans: plans?,
        unit,
    };
    let stem = format!("阶段{}-{}-第{}阶段", kind, paper.unit, phase.0);
    Some(("阶段小结", stem, context(&paper)))
}
