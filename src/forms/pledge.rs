//! 承诺书: each member's public commitment (公开承诺, L65), one page per
//! member, its items the goals of the member's own 整改方案 (L61) — typed
//! in, or read from the member's 整改方案 file so they are typed once.

use std::path::Path;

use serde::Serialize;

use crate::input::typed::{self as fields, Ctx, Date, Obj};
use crate::input::{Node, Value};
use crate::paper::{context, limits, Decoded};

#[derive(Serialize)]
struct Pledger {
    #[serde(rename = "姓名")]
    name: String,
    #[serde(rename = "职务")]
    post: Option<String>,
    #[serde(rename = "承诺")]
    items: Vec<String>,
}

#[derive(Serialize)]
struct Pledge {
    #[serde(rename = "单位")]
    unit: String,
    #[serde(rename = "日期")]
    date: Date,
    #[serde(rename = "党员")]
    members: Vec<Pledger>,
}

pub fn decode(ctx: &mut Ctx, obj: &mut Obj) -> Option<Decoded> {
    let unit = obj.text(ctx, "单位", limits::UNIT);
    let date = obj.date(ctx, "日期");
    let members = obj.list(ctx, "党员", 2000, |c, n, p| {
        let mut o = Obj::open(c, n, p)?;
        let m = if o.has("整改方案") {
            o.allow(&["姓名", "职务", "承诺"]);
            let node = o.get("整改方案")?;
            let field = o.field("整改方案");
            from_plan(c, node, &field)
        } else {
            o.allow(&["整改方案"]);
            let name = o.text(c, "姓名", limits::NAME);
            let post = o.opt_text(c, "职务", limits::POST);
            let items = o.list(c, "承诺", limits::ITEMS, |c, n, p| {
                fields::line_text(c, n, p, limits::PARAGRAPH)
            });
            Some(Pledger {
                name: name?,
                post,
                items: items?,
            })
        };
        o.finish(c);
        m
    });
    let paper = Pledge {
        unit: unit?,
        date: date?,
        members: members?,
    };
    Some(("承诺书", format!("承诺书-{}", paper.unit), context(&paper)))
}

/// A member's commitments from their 整改方案 file: its 党员.姓名 and 职务,
/// and each 整改事项's 目标, with its 完成时限 if it has one.
fn from_plan(ctx: &mut Ctx, node: &Node, field: &str) -> Option<Pledger> {
    let rel = fields::line_text(ctx, node, field, limits::LINE)?;
    let base = Path::new(&ctx.src.name).parent().unwrap_or(Path::new(""));
    let path = base.join(&rel);
    let mut fail = |why: &str| {
        ctx.error(
            node.pos,
            field,
            format!("无法从 {} 读取承诺：{why}", path.display()),
        );
        None
    };
    let Ok(src) = crate::input::read_source(&path) else {
        return fail("文件不存在或无法读取");
    };
    let Ok(docs) = crate::input::parse_yaml(&src) else {
        return fail("不是有效的 YAML（请先用 wenshu check 检查该整改方案）");
    };
    let Some(root) = docs.first().map(|d| &d.root) else {
        return fail("文件是空的");
    };
    let text = |n: Option<&Node>| match n.map(|n| &n.value) {
        Some(Value::Str(s)) => Some(s.trim().to_string()),
        _ => None,
    };
    let member = get(root, "党员");
    let Some(name) = text(member.and_then(|m| get(m, "姓名"))) else {
        return fail("没有「党员.姓名」（应为个人整改方案）");
    };
    let post = text(member.and_then(|m| get(m, "职务")));
    let Some(Value::Seq(items)) = get(root, "整改事项").map(|n| &n.value) else {
        return fail("没有「整改事项」列表");
    };
    let mut out = Vec::new();
    for item in items {
        let Some(goal) = text(get(item, "目标")) else {
            return fail("有整改事项缺少「目标」");
        };
        let goal = goal.trim_end_matches(['。', '；']).to_string();
        match text(get(item, "完成时限")).and_then(|d| Date::parse(&d)) {
            Some(d) => out.push(format!("{goal}，于{d}前完成。")),
            None => out.push(format!("{goal}。")),
        }
    }
    Some(Pledger {
        name,
        post,
        items: out,
    })
}

fn get<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
    let Value::Map(entries) = &n.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
        .map(|(_, v)| v)
}
