//! The opinion forms: the 万人评风 评议表 the 先教办 sends to the
//! representatives, each of whom gathers the opinions of 20 or more people
//! on every department's members (L41), and the unit's 征求意见表 for the
//! masses (百姓听音, L43).

use serde::Serialize;

use super::{copies, Copy, Serials};
use crate::input::typed::{self as fields, Ctx, Date, Obj, Paragraphs};
use crate::paper::{context, limits, transfer_phone, Decoded};

/// L41: each representative gathers the opinions of 20 people or more.
pub const MIN_PEOPLE: u32 = 20;

#[derive(Serialize)]
struct Representative {
    #[serde(rename = "姓名")]
    name: Option<String>,
    #[serde(rename = "类别")]
    kind: Option<String>,
    #[serde(rename = "工作单位")]
    workplace: Option<String>,
    #[serde(rename = "编号")]
    serial: String,
}

#[derive(Serialize)]
struct Review {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "标题")]
    title: String,
    #[serde(rename = "被评议单位")]
    reviewed: Vec<String>,
    #[serde(rename = "代表")]
    copies: Vec<Representative>,
    #[serde(rename = "征求人数")]
    people: u32,
    #[serde(rename = "反馈截止")]
    deadline: Date,
    #[serde(rename = "联系人")]
    contact: Option<String>,
    #[serde(rename = "联系电话")]
    phone: Option<String>,
}

/// A representative's 姓名, 类别 and 工作单位, before a serial is given.
type RepFields = (Option<String>, Option<String>, Option<String>);

/// Representative categories of L41.
pub const CATEGORIES: [&str; 5] = ["党代表", "人大代表", "政协委员", "离退休老同志", "群众代表"];

pub fn decode_review(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let title = obj.opt_text(ctx, "标题", limits::LINE);
    let reviewed = obj.list(ctx, "被评议单位", limits::ITEMS, |c, n, p| {
        fields::line_text(c, n, p, limits::UNIT)
    });
    let deadline = obj.date(ctx, "反馈截止");
    let contact = obj.opt_text(ctx, "联系人", limits::NAME);
    let phone = transfer_phone(ctx, obj, false);
    let serials = Serials::read(ctx, obj, "PY");
    let named = obj.has("代表");
    let reps: Option<Vec<RepFields>> = if named {
        obj.allow(&["份数"]);
        obj.list(ctx, "代表", 2000, |c, n, p| {
            let mut o = Obj::open(c, n, p)?;
            let name = o.text(c, "姓名", limits::NAME);
            let kind = o.choice(c, "类别", &CATEGORIES, Some(""));
            let workplace = o.opt_text(c, "工作单位", limits::UNIT);
            o.finish(c);
            Some((
                Some(name?),
                kind.filter(|k| !k.is_empty()).map(str::to_string),
                workplace,
            ))
        })
    } else {
        obj.allow(&["代表"]);
        copies(
            ctx,
            obj,
            "（空白评议表份数；或改写「代表」名单，每名代表一份）",
        )
        .map(|n| (0..n).map(|_| (None, None, None)).collect())
    };
    let (unit, reviewed, deadline, reps, mut serials) =
        (unit?, reviewed?, deadline?, reps?, serials?);
    let copies = reps
        .into_iter()
        .map(|(name, kind, workplace)| Representative {
            name,
            kind,
            workplace,
            serial: serials.take(),
        })
        .collect();
    let paper = Review {
        title: title.unwrap_or_else(|| "“万人评风”评议表".to_string()),
        unit,
        reviewed,
        copies,
        people: MIN_PEOPLE,
        deadline,
        contact,
        phone,
    };
    Some(("评议表", format!("评议表-{}", paper.unit), context(&paper)))
}

/// The default topics of a 征求意见表.
const TOPICS: [&str; 4] = [
    "对本单位党组织的意见和建议",
    "对本单位党员领导干部的意见和建议",
    "对本单位党员的意见和建议",
    "其他意见和建议",
];

#[derive(Serialize)]
struct Opinions {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "标题")]
    title: Option<String>,
    #[serde(rename = "说明")]
    intro: Option<Paragraphs>,
    #[serde(rename = "征求内容")]
    topics: Vec<String>,
    #[serde(rename = "份")]
    copies: Vec<Copy>,
    #[serde(rename = "反馈方式")]
    returned_by: String,
    #[serde(rename = "截止日期")]
    deadline: Option<Date>,
    #[serde(rename = "联系人")]
    contact: Option<String>,
    #[serde(rename = "联系电话")]
    phone: Option<String>,
}

pub fn decode_opinions(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let title = obj.opt_text(ctx, "标题", limits::LINE);
    let intro = obj.opt_paragraphs(ctx, "说明", limits::PARAGRAPH);
    let topics = if obj.has("征求内容") {
        obj.list(ctx, "征求内容", 8, |c, n, p| {
            fields::line_text(c, n, p, limits::HEADING)
        })
    } else {
        obj.allow(&["征求内容"]);
        Some(TOPICS.iter().map(|t| t.to_string()).collect())
    };
    let n = copies(ctx, obj, "（印制份数）");
    let returned_by = obj.text(ctx, "反馈方式", limits::LINE);
    let deadline = obj.opt_date(ctx, "截止日期");
    let contact = obj.opt_text(ctx, "联系人", limits::NAME);
    let phone = transfer_phone(ctx, obj, false);
    let (unit, topics, n, returned_by) = (unit?, topics?, n?, returned_by?);
    let paper = Opinions {
        title,
        unit,
        intro,
        topics,
        copies: (0..n)
            .map(|i| Copy {
                serial: (i + 1).to_string(),
                member: None,
            })
            .collect(),
        returned_by: returned_by.trim_end_matches('。').to_string(),
        deadline,
        contact,
        phone,
    };
    Some((
        "征求意见表",
        format!("征求意见表-{}", paper.unit),
        context(&paper),
    ))
}
