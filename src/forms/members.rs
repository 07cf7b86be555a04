//! The member list a form is printed for: typed in the form's file, or read
//! from a roster table (CSV/XLSX with a column 姓名) or from the unit's
//! 阶段记录 (its 党员 list), so a unit types its members once.

use std::path::Path;

use serde::Serialize;

use crate::input::typed::{self as fields, Ctx, Obj};
use crate::input::{Node, Value};
use crate::paper::limits;

/// One member as a form prints them.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    #[serde(rename = "姓名")]
    pub name: String,
    #[serde(rename = "职务")]
    pub post: Option<String>,
    #[serde(rename = "所在支部")]
    pub branch: Option<String>,
}

/// Reads `key` (e.g. `名单`): a list (names, or `{姓名, 职务, 所在支部}`), or
/// the path of a table or a 阶段记录 beside the form's file. With
/// `serving_only`, a 阶段记录's retired members (离退休: 是) are left out:
/// they take no rating (L56).
pub fn read(
    ctx: &mut Ctx,
    obj: &mut Obj,
    key: &'static str,
    serving_only: bool,
) -> Option<Vec<Member>> {
    let node = obj.require(
        ctx,
        key,
        "（党员名单：逐人列出，或写花名册表格、阶段记录文件的路径）",
    )?;
    let field = obj.field(key);
    let list = match &node.value {
        Value::Seq(items) => typed_list(ctx, items, &field),
        Value::Str(_) => from_file(ctx, node, &field, serving_only),
        _ => {
            ctx.error(
                node.pos,
                &field,
                format!("应为名单列表或文件路径，实为{}", node.type_name()),
            );
            None
        }
    }?;
    if list.is_empty() {
        ctx.error(node.pos, &field, "名单中没有党员");
        return None;
    }
    let mut seen: Vec<&str> = Vec::new();
    for m in &list {
        if seen.contains(&m.name.as_str()) {
            ctx.error(node.pos, &field, format!("「{}」在名单中重复出现", m.name));
            return None;
        }
        seen.push(&m.name);
    }
    Some(list)
}

fn typed_list(ctx: &mut Ctx, items: &[Node], field: &str) -> Option<Vec<Member>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let f = format!("{field}[{}]", i + 1);
        let m = match &item.value {
            Value::Str(_) => fields::line_text(ctx, item, &f, limits::NAME).map(|name| Member {
                name,
                post: None,
                branch: None,
            }),
            _ => (|| {
                let mut o = Obj::open(ctx, item, &f)?;
                let name = o.text(ctx, "姓名", limits::NAME);
                let post = o.opt_text(ctx, "职务", limits::POST);
                let branch = o.opt_text(ctx, "所在支部", limits::UNIT);
                o.finish(ctx);
                Some(Member {
                    name: name?,
                    post,
                    branch,
                })
            })(),
        };
        match m {
            Some(m) => out.push(m),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A table (its 姓名 column, and 职务 and 所在支部 if present) or a
/// 阶段记录 (its 党员 list).
fn from_file(ctx: &mut Ctx, node: &Node, field: &str, serving_only: bool) -> Option<Vec<Member>> {
    let rel = fields::line_text(ctx, node, field, limits::LINE)?;
    let base = Path::new(&ctx.src.name).parent().unwrap_or(Path::new(""));
    let path = base.join(&rel);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let fail = |ctx: &mut Ctx, why: String| {
        ctx.error(
            node.pos,
            field,
            format!("无法从 {} 读取名单：{why}", path.display()),
        );
        None
    };
    match ext.as_str() {
        "csv" | "xlsx" => {
            let table = if ext == "csv" {
                crate::table::read_csv(&path)
            } else {
                crate::table::read_xlsx(&path, None)
            };
            let (header, rows, _) = match table {
                Ok(t) => t,
                Err(why) => return fail(ctx, why),
            };
            let col = |name: &str| header.iter().position(|h| h.trim() == name);
            let Some(name_col) = col("姓名") else {
                return fail(
                    ctx,
                    format!("表头没有「姓名」列（现有：{}）", header.join("、")),
                );
            };
            let (post_col, branch_col) = (col("职务"), col("所在支部"));
            let cell = |cells: &[(String, usize)], c: Option<usize>| {
                c.and_then(|c| cells.get(c))
                    .map(|(t, _)| t.trim().to_string())
                    .filter(|t| !t.is_empty())
            };
            Some(
                rows.iter()
                    .filter_map(|(_, cells)| {
                        Some(Member {
                            name: cell(cells, Some(name_col))?,
                            post: cell(cells, post_col),
                            branch: cell(cells, branch_col),
                        })
                    })
                    .collect(),
            )
        }
        "yaml" | "yml" => {
            let src = match crate::input::read_source(&path) {
                Ok(s) => s,
                Err(d) => return fail(ctx, d.message),
            };
            let docs = match crate::input::parse_yaml(&src) {
                Ok(d) => d,
                Err(d) => {
                    ctx.errors.extend(d);
                    return None;
                }
            };
            let members = docs
                .first()
                .and_then(|d| record_members(&d.root, serving_only));
            match members {
                Some(m) => Some(m),
                None => fail(ctx, "文件中没有「党员」名单（应为阶段记录）".into()),
            }
        }
        _ => fail(ctx, "名单文件应为 .csv、.xlsx 或阶段记录 .yaml".into()),
    }
}

/// The 党员 of a 阶段记录's YAML tree: each item's 姓名 (and 职务), the
/// retired left out if asked.
fn record_members(root: &Node, serving_only: bool) -> Option<Vec<Member>> {
    let get = |n: &'_ Node, key: &str| -> Option<Node> {
        let Value::Map(entries) = &n.value else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k.value == Value::Str(key.into()))
            .map(|(_, v)| v.clone())
    };
    let text = |n: Option<Node>| match n.map(|n| n.value) {
        Some(Value::Str(s)) => Some(s.trim().to_string()),
        _ => None,
    };
    let Value::Seq(items) = get(root, "党员")?.value else {
        return None;
    };
    let mut out = Vec::new();
    for item in &items {
        let retired = text(get(item, "离退休")).is_some_and(|v| v == "是");
        if serving_only && retired {
            continue;
        }
        out.push(Member {
            name: text(get(item, "姓名"))?,
            post: text(get(item, "职务")),
            branch: text(get(item, "所在支部")),
        });
    }
    Some(out)
}
