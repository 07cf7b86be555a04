//! The data side: a located YAML tree as minijinja values, and where a field
//! a tag needs is missing from it.
//!
//! Owns turning a [`Node`] into a [`Value`] (text stays text; a whole number
//! typed plainly becomes a number so that `{% if 得分 >= 60 %}` compares
//! numbers, and prints exactly as typed), and walking a field path through
//! the tree to say, with the YAML position, which item lacks what. It never
//! reads the template: [`super::uses`] says which paths it needs.

use minijinja::Value;

use super::uses::Seg;
use crate::diag::Pos;
use crate::input::{Node, Value as Yaml};

/// The tree as a minijinja value.
pub fn to_value(node: &Node) -> Value {
    match &node.value {
        Yaml::Null => Value::from(()),
        Yaml::Str(s) => scalar(s),
        Yaml::Seq(items) => Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        Yaml::Map(entries) => {
            Value::from_pairs(entries.iter().map(|(k, v)| (key_text(k), to_value(v))))
        }
    }
}

/// A number when the text is a whole number that prints back the same
/// (no sign, no leading zero, no more than 15 digits); text otherwise.
fn scalar(s: &str) -> Value {
    let digits = s.len() <= 15
        && !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    match s.parse::<i64>() {
        Ok(n) if digits => Value::from(n),
        _ => Value::from(s),
    }
}

pub fn key_text(k: &Node) -> String {
    match &k.value {
        Yaml::Str(s) => s.clone(),
        Yaml::Null => String::new(),
        _ => "?".into(),
    }
}

/// A field a tag needs that the data does not give.
pub struct Missing {
    /// The node that should have held it.
    pub at: Pos,
    /// The path with item numbers, e.g. `整改事项[2].期限`.
    pub field: String,
    /// What is wrong, in Chinese, e.g. `第 2 项没有「期限」`.
    pub what: String,
    /// The keys that are there, for a suggestion.
    pub keys: Vec<String>,
}

/// Every place where `path` cannot be followed through `root`.
pub fn missing(root: &Node, path: &[Seg]) -> Vec<Missing> {
    let mut out = Vec::new();
    walk(root, path, String::new(), &mut out);
    out
}

fn walk(node: &Node, path: &[Seg], shown: String, out: &mut Vec<Missing>) {
    let Some((seg, rest)) = path.split_first() else {
        return;
    };
    let name = if shown.is_empty() {
        "数据".to_string()
    } else {
        format!("「{shown}」")
    };
    match (seg, &node.value) {
        (Seg::Key(k), Yaml::Map(entries)) => {
            let field = if shown.is_empty() {
                k.clone()
            } else {
                format!("{shown}.{k}")
            };
            match entries.iter().find(|(key, _)| key_text(key) == *k) {
                Some((_, v)) => walk(v, rest, field, out),
                None => out.push(Missing {
                    // The mapping's first key: where a new field would go.
                    at: entries.first().map_or(node.pos, |(k, _)| k.pos),
                    what: format!("{name}中没有「{k}」"),
                    field,
                    keys: entries.iter().map(|(k, _)| key_text(k)).collect(),
                }),
            }
        }
        (Seg::Key(k), _) => out.push(Missing {
            at: node.pos,
            field: format!("{shown}.{k}"),
            what: format!("{name}是{}，不是键值表，没有「{k}」", node.type_name()),
            keys: Vec::new(),
        }),
        (Seg::Each, Yaml::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, rest, format!("{shown}[{}]", i + 1), out);
            }
        }
        (Seg::Each, _) => out.push(Missing {
            at: node.pos,
            field: shown.clone(),
            what: format!("{name}是{}，应为列表（每项以「- 」开头）", node.type_name()),
            keys: Vec::new(),
        }),
    }
}

/// Fields of the data that no path uses: (key position, field path).
pub fn unused(root: &Node, uses: &[&[Seg]]) -> Vec<(Pos, String)> {
    let mut out = Vec::new();
    unused_in(root, &mut Vec::new(), String::new(), uses, &mut out);
    out
}

fn unused_in(
    node: &Node,
    path: &mut Vec<Seg>,
    shown: String,
    uses: &[&[Seg]],
    out: &mut Vec<(Pos, String)>,
) {
    match &node.value {
        Yaml::Map(entries) => {
            for (k, v) in entries {
                let key = key_text(k);
                let field = if shown.is_empty() {
                    key.clone()
                } else {
                    format!("{shown}.{key}")
                };
                path.push(Seg::Key(key));
                if uses.iter().any(|u| u.starts_with(path)) {
                    unused_in(v, path, field, uses, out);
                } else {
                    out.push((k.pos, field));
                }
                path.pop();
            }
        }
        Yaml::Seq(items) => {
            path.push(Seg::Each);
            for (i, item) in items.iter().enumerate() {
                unused_in(item, path, format!("{shown}[{}]", i + 1), uses, out);
            }
            path.pop();
        }
        _ => {}
    }
}

/// Keys given twice in one mapping: (position of the second, field path).
pub fn duplicates(node: &Node, shown: &str, out: &mut Vec<(Pos, String)>) {
    match &node.value {
        Yaml::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                let key = key_text(k);
                let field = if shown.is_empty() {
                    key.clone()
                } else {
                    format!("{shown}.{key}")
                };
                if entries[..i].iter().any(|(p, _)| key_text(p) == key) {
                    out.push((k.pos, field.clone()));
                }
                duplicates(v, &field, out);
            }
        }
        Yaml::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                duplicates(item, &format!("{shown}[{}]", i + 1), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{parse_yaml, Source};

    fn root(text: &str) -> Node {
        parse_yaml(&Source::new("t.yaml", text.into()))
            .unwrap()
            .remove(0)
            .root
    }

    #[test]
    fn numbers_print_as_typed() {
        assert_eq!(scalar("85").to_string(), "85");
        assert!(scalar("85").as_i64().is_some());
        for text in ["007", "1.10", "2026-01-05", "-3", "十"] {
            assert_eq!(scalar(text).as_str(), Some(text));
        }
    }

    #[test]
    fn a_missing_item_field_names_the_item() {
        let r = root("整改事项:\n  - 期限: 1月\n  - 内容: x\n");
        let path = [
            Seg::Key("整改事项".into()),
            Seg::Each,
            Seg::Key("期限".into()),
        ];
        let m = missing(&r, &path);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].field, "整改事项[2].期限");
        assert_eq!(m[0].at.line, 3);
        assert!(m[0].what.contains("没有「期限」"), "{}", m[0].what);
    }

    #[test]
    fn unused_fields_are_found_inside_items() {
        let r = root("姓名: 张三\n姓命: 李四\n事项:\n  - 内容: a\n    备注: b\n");
        let a = [Seg::Key("姓名".into())];
        let b = [Seg::Key("事项".into()), Seg::Each, Seg::Key("内容".into())];
        let u = unused(&r, &[&a, &b]);
        let fields: Vec<&str> = u.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(fields, ["姓命", "事项[1].备注"]);
    }
}
