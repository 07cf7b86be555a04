//! What a template asks of its data: the field paths its tags use.
//!
//! Owns reading each tag's expression (through minijinja's own parser) and
//! resolving loop variables to the list they walk, so that `{{ 项.期限 }}`
//! inside `{%tr for 项 in 整改事项 %}` is known to need 期限 in every item
//! of 整改事项. These paths drive the error that names a missing field,
//! `--strict`'s unused fields, `--inspect` and the starter YAML. It never
//! renders: [`super::render`] does.

use minijinja::Environment;

use super::tags::{Kind, Tag};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    Key(String),
    /// Every item of a list (a loop).
    Each,
}

/// A field path a tag uses.
#[derive(Clone, Debug)]
pub struct Use {
    pub path: Vec<Seg>,
    /// Printed or looped over (a missing value is an error), not only tested
    /// by `if` or guarded by `default`.
    pub required: bool,
    /// (part, tag) index of the tag that uses it.
    pub part: usize,
    pub tag: usize,
}

/// Names minijinja provides itself.
const GLOBALS: [&str; 8] = [
    "loop",
    "range",
    "dict",
    "namespace",
    "debug",
    "cycler",
    "joiner",
    "super",
];

/// The variable paths an expression reads, e.g. `["单位.名称", "姓名"]`.
fn expression_paths(env: &Environment<'_>, expr: &str) -> Vec<Vec<String>> {
    let source = format!("{{{{ {expr} }}}}");
    let Ok(t) = env.template_from_str(&source) else {
        return Vec::new();
    };
    let mut v: Vec<Vec<String>> = t
        .undeclared_variables(true)
        .into_iter()
        .map(|p| p.split('.').map(str::to_string).collect::<Vec<_>>())
        .filter(|p| !GLOBALS.contains(&p[0].as_str()))
        .collect();
    v.sort();
    // `a` and `a.b` both come back for `a.b`; keep the longest.
    let all = v.clone();
    v.retain(|p| !all.iter().any(|q| q.len() > p.len() && q.starts_with(p)));
    v
}

/// Splits `for a, b in expr if cond recursive` into its targets and list.
fn for_parts(code: &str) -> Option<(Vec<String>, String)> {
    let rest = code.trim().strip_prefix("for")?;
    let i = rest.find(" in ")?;
    let targets = rest[..i]
        .split(',')
        .map(|s| s.trim().trim_matches(['(', ')']).trim().to_string())
        .collect();
    let mut expr = rest[i + 4..].trim().trim_end_matches('-').trim();
    expr = expr.strip_suffix("recursive").unwrap_or(expr).trim();
    // `for x in xs if cond`: the loop's own filter, not an `if` inside
    // brackets (`([a] if a is string else a)`).
    if let Some(j) = top_level(expr, " if ") {
        expr = &expr[..j];
    }
    Some((targets, expr.to_string()))
}

/// Where `needle` first stands outside brackets and quotes in `expr`.
fn top_level(expr: &str, needle: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote = None;
    for (i, c) in expr.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, _) if depth == 0 && expr[i..].starts_with(needle) => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether an expression says what to do when its value is missing.
fn guarded(expr: &str) -> bool {
    expr.contains("default")
        || expr.contains("|d(")
        || expr.contains("| d(")
        || expr.contains(" is defined")
        || expr.contains(" is undefined")
        || expr.contains(" if ")
}

/// Every field path of a part's tags, in document order.
pub fn collect(env: &Environment<'_>, part: usize, tags: &[Tag]) -> Vec<Use> {
    let mut uses = Vec::new();
    // Loop variables in scope: name → the path it stands for (with Each).
    let mut loops: Vec<Vec<(String, Vec<Seg>)>> = Vec::new();
    // Paths tested by the enclosing ifs.
    let mut tests: Vec<Vec<Vec<Seg>>> = Vec::new();
    let mut set_names: Vec<String> = Vec::new();
    let resolve = |loops: &[Vec<(String, Vec<Seg>)>],
                   set_names: &[String],
                   p: &[String]|
     -> Option<Vec<Seg>> {
        if set_names.contains(&p[0]) {
            return None;
        }
        let bound = loops
            .iter()
            .rev()
            .flatten()
            .find(|(n, _)| *n == p[0])
            .map(|(_, path)| path.clone());
        let mut path = match bound {
            Some(b) => b,
            None => vec![Seg::Key(p[0].clone())],
        };
        path.extend(p[1..].iter().map(|s| Seg::Key(s.clone())));
        Some(path)
    };
    for (i, t) in tags.iter().enumerate() {
        let kw = t.keyword();
        let (expr, required, opens_loop) = match t.kind {
            Kind::Comment => continue,
            Kind::Expr => (t.code.trim().trim_end_matches('-').to_string(), true, None),
            Kind::Stmt => match kw {
                "for" => match for_parts(&t.code) {
                    Some((targets, expr)) => (expr, true, Some(targets)),
                    None => continue,
                },
                "if" | "elif" => {
                    let cond = t.code.trim()[kw.len()..].trim().trim_end_matches('-');
                    (cond.to_string(), false, None)
                }
                "set" => {
                    let code = t.code.trim()[3..].trim();
                    if let Some((name, expr)) = code.split_once('=') {
                        set_names.push(name.trim().to_string());
                        (expr.trim().trim_end_matches('-').to_string(), true, None)
                    } else {
                        continue;
                    }
                }
                "endfor" => {
                    loops.pop();
                    continue;
                }
                "endif" => {
                    tests.pop();
                    continue;
                }
                _ => continue,
            },
        };
        let guard = guarded(&expr);
        let mut found = Vec::new();
        for p in expression_paths(env, &expr) {
            if let Some(path) = resolve(&loops, &set_names, &p) {
                found.push(path);
            }
        }
        for path in &found {
            let tested = tests.iter().flatten().any(|g| path.starts_with(g));
            uses.push(Use {
                path: path.clone(),
                required: required && !guard && !tested,
                part,
                tag: i,
            });
        }
        let list = found.first().cloned();
        match kw {
            "if" if t.kind == Kind::Stmt => tests.push(found),
            "elif" if t.kind == Kind::Stmt => {
                if let Some(top) = tests.last_mut() {
                    top.extend(found);
                }
            }
            _ => {}
        }
        if let Some(targets) = opens_loop {
            // `for 项 in 整改事项`: 项 is each item; `for k, v in x|items`:
            // the pair is not a field.
            let bound = match (targets.as_slice(), list) {
                ([one], Some(mut l)) => {
                    l.push(Seg::Each);
                    vec![(one.clone(), l)]
                }
                _ => Vec::new(),
            };
            loops.push(bound);
            if targets.len() != 1 {
                set_names.extend(targets);
            }
        }
    }
    uses
}

/// A path as the user writes it: `整改事项[].期限`.
pub fn show(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Each => s.push_str("[]"),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::scan::Level;

    fn tag(kind: Kind, code: &str) -> Tag {
        Tag {
            typed: code.into(),
            kind,
            level: None::<Level>,
            code: code.into(),
            control: "",
            para: 0,
            anchor: 0,
            path: String::new(),
        }
    }

    #[test]
    fn a_loop_filter_is_cut_but_an_if_in_brackets_is_not() {
        let (t, e) = for_parts("for x in xs if x.a ").unwrap();
        assert_eq!((t, e.as_str()), (vec!["x".to_string()], "xs"));
        let (_, e) = for_parts("for 条 in ([项.措施] if 项.措施 is string else 项.措施) ").unwrap();
        assert_eq!(e, "([项.措施] if 项.措施 is string else 项.措施)");
    }

    #[test]
    fn loop_items_resolve_to_their_list() {
        let env = Environment::new();
        let tags = [
            tag(Kind::Expr, "单位.名称 "),
            tag(Kind::Stmt, "for 项 in 整改事项 "),
            tag(Kind::Expr, "项.期限 "),
            tag(Kind::Stmt, "if 项.备注 "),
            tag(Kind::Expr, "项.备注 "),
            tag(Kind::Stmt, "endif "),
            tag(Kind::Expr, "loop.index "),
            tag(Kind::Stmt, "endfor "),
            tag(Kind::Expr, "签字 | default('') "),
        ];
        let uses = collect(&env, 0, &tags);
        let shown: Vec<(String, bool)> = uses.iter().map(|u| (show(&u.path), u.required)).collect();
        assert_eq!(
            shown,
            vec![
                ("单位.名称".to_string(), true),
                ("整改事项".into(), true),
                ("整改事项[].期限".into(), true),
                ("整改事项[].备注".into(), false),
                ("整改事项[].备注".into(), false),
                ("签字".into(), false),
            ]
        );
    }
}
