//! 转段申请: the 请示 asking to move to the next phase.
//!
//! A 请示 has exactly one addressee (主送) and copies the supervision group;
//! its ending sentence and 附注 are fixed by custom. Whether the phase met its
//! rules is decided from the phase record (`crate::record`), not from this
//! paper; the record builds its own 转段申请 with the same template.

use serde::Serialize;

use super::{context, limits, Decoded, Phase, Section};
use crate::input::typed::{Ctx, Date, Obj, Paragraphs};

/// The 请示's context; `W` is a work section (the record's carry tables).
#[derive(Serialize)]
pub struct Transfer<W> {
    #[serde(rename = "单位")]
    pub unit: String,
    #[serde(rename = "阶段")]
    pub phase: u8,
    #[serde(rename = "阶段名称")]
    pub phase_name: &'static str,
    #[serde(rename = "下一阶段名称")]
    pub next_name: &'static str,
    #[serde(rename = "主送")]
    pub addressee: String,
    #[serde(rename = "抄送")]
    pub copy_to: String,
    #[serde(rename = "日期")]
    pub date: Date,
    #[serde(rename = "工作情况")]
    pub work: Vec<W>,
    #[serde(rename = "主要成效")]
    pub results: Paragraphs,
    #[serde(rename = "存在不足")]
    pub shortcomings: Paragraphs,
    #[serde(rename = "联系人")]
    pub contact: String,
    #[serde(rename = "联系电话")]
    pub phone: String,
    #[serde(rename = "落款")]
    pub signature: String,
}

impl<W> Transfer<W> {
    /// The output file stem: 转段申请-单位-第N阶段.
    pub fn stem(&self) -> String {
        format!("转段申请-{}-第{}阶段", self.unit, self.phase)
    }
}

/// Endings of an organ's name: what the part before a 和 must end with for
/// the 和 to join two organs ("区委先教办和督导组") rather than two words of
/// one organ's name ("人力资源和社会保障局").
const ORGAN_ENDINGS: [&str; 16] = [
    "办",
    "组",
    "局",
    "委",
    "部",
    "厅",
    "会",
    "院",
    "室",
    "处",
    "科",
    "所",
    "站",
    "中心",
    "支部",
    "办公室",
];

/// The organs `a` names: split at list separators, and at a 和 whose left
/// part is itself an organ's name.
pub fn organs(a: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in a.split(['、', '，', ',', '；', ';']) {
        let mut rest = part;
        while let Some((left, right)) = rest
            .match_indices('和')
            .map(|(i, _)| (&rest[..i], &rest[i + '和'.len_utf8()..]))
            .find(|(left, right)| {
                !right.is_empty() && ORGAN_ENDINGS.iter().any(|e| left.ends_with(e))
            })
        {
            out.push(left);
            rest = right;
        }
        out.push(rest);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// 主送 of a 请示 must name one organ: separators, or a 和 between two
/// organs' names, betray several.
pub fn single_addressee(ctx: &mut Ctx, obj: &mut Obj, default: &str) -> Option<String> {
    let Some(a) = obj.opt_text(ctx, "主送", limits::UNIT) else {
        return (!obj.has("主送")).then(|| default.to_string());
    };
    if organs(&a).len() > 1 {
        let pos = obj.key_pos("主送");
        ctx.error(
            pos,
            &obj.field("主送"),
            format!("请示只能主送一个机关，「{a}」像是多个；其他机关请写入「抄送」"),
        );
        return None;
    }
    Some(a.trim_end_matches(['：', ':']).to_string())
}

/// 联系电话 of the 附注 (required or optional): digits, hyphens, brackets.
pub fn phone(ctx: &mut Ctx, obj: &mut Obj, required: bool) -> Option<String> {
    let phone = if required {
        obj.text(ctx, "联系电话", limits::PHONE)
    } else {
        obj.opt_text(ctx, "联系电话", limits::PHONE)
    };
    if let Some(p) = &phone {
        if !p
            .chars()
            .all(|c| c.is_ascii_digit() || "-—－ （）()、,，转".contains(c))
        {
            let pos = obj.key_pos("联系电话");
            ctx.error(
                pos,
                &obj.field("联系电话"),
                format!("「{p}」不像电话号码：只能含数字、连字符和括号"),
            );
        }
    }
    phone
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    super::frame::require_signer(ctx, obj, "请示是上行文");
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let phase = Phase::read(ctx, obj, &[1, 2]);
    let addressee = single_addressee(ctx, obj, "区委先教办");
    let copy_to = obj.text(ctx, "抄送", limits::LINE);
    let date = obj.date(ctx, "日期");
    let work = obj.list(ctx, "工作情况", limits::ITEMS, |c, n, p| {
        Section::read(c, n, p, true)
    });
    let results = obj.paragraphs(ctx, "主要成效", limits::PARAGRAPH);
    let shortcomings = obj.paragraphs(ctx, "存在不足", limits::PARAGRAPH);
    let contact = obj.text(ctx, "联系人", limits::NAME);
    let phone = phone(ctx, obj, true);
    let signature = obj.opt_text(ctx, "落款", limits::UNIT);
    let (unit, phase) = (unit?, phase?);
    let paper = Transfer {
        signature: signature.unwrap_or_else(|| unit.clone()),
        phase: phase.0,
        phase_name: phase.name(),
        next_name: Phase(phase.0 + 1).name(),
        addressee: addressee?,
        copy_to: copy_to?,
        date: date?,
        work: work?,
        results: results?,
        shortcomings: shortcomings?,
        contact: contact?,
        phone: phone?,
        unit,
    };
    Some(("转段申请", paper.stem(), context(&paper)))
}

#[cfg(test)]
mod tests {
    use super::organs;

    #[test]
    fn an_organ_whose_name_holds_he_is_one_addressee() {
        assert_eq!(
            organs("中共江滨区人力资源和社会保障局党组"),
            ["中共江滨区人力资源和社会保障局党组"]
        );
        assert_eq!(organs("和平区委先教办"), ["和平区委先教办"]);
        assert_eq!(organs("区委先教办和督导组"), ["区委先教办", "督导组"]);
        assert_eq!(
            organs("区委先教办、第三督导组"),
            ["区委先教办", "第三督导组"]
        );
        assert_eq!(
            organs("区人力资源和社会保障局和区财政局"),
            ["区人力资源和社会保障局", "区财政局"]
        );
    }
}
