//! `wenshu schema` and the `$schema` line of `wenshu new`.
//!
//! Owns where a kind's JSON Schema goes (stdout, or `DIR/KIND.schema.json`)
//! and the modeline that points yaml-language-server at it. The schemas
//! themselves are [`crate::schema`]'s; this never builds one.

use std::path::Path;
use std::process::ExitCode;

use super::exit;
use crate::{output, schema};

/// The folder `wenshu new` points to by default, relative to the YAML file
/// (yaml-language-server resolves a relative `$schema` from the file).
pub const DEFAULT_DIR: &str = "schema";

/// The file name of a kind's schema: `党性分析材料-个人.schema.json`.
pub fn file_name(kind: &str) -> String {
    format!("{kind}.schema.json")
}

/// The first line of a starter: where the editor finds the schema.
pub fn modeline(kind: &str, location: Option<&str>) -> String {
    let location = location.map_or_else(
        || format!("{DEFAULT_DIR}/{}", file_name(kind)),
        str::to_string,
    );
    format!("# yaml-language-server: $schema={location}\n")
}

/// `wenshu schema [KIND] [-o DIR]`: one kind to stdout, or one kind (or
/// every kind) into DIR.
pub fn run(kind: Option<&str>, out: Option<&Path>) -> ExitCode {
    let kinds: Vec<&'static str> = match kind {
        Some(k) => match schema::canonical(k) {
            Some(k) => vec![k],
            None => {
                eprintln!(
                    "错误：没有文种「{k}」的模式。可用：{}",
                    schema::names().join("、")
                );
                return exit::usage();
            }
        },
        None if out.is_some() => schema::names(),
        None => {
            eprintln!(
                "错误：请给出文种（如 wenshu schema 党性分析材料-个人），或用 -o 目录 写出全部文种的模式"
            );
            return exit::usage();
        }
    };
    let Some(dir) = out else {
        super::emit(&schema::text(kinds[0]).expect("a canonical kind"));
        return ExitCode::SUCCESS;
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("错误：无法创建目录 {}：{e}", dir.display());
        return exit::input();
    }
    for k in kinds {
        let path = dir.join(file_name(k));
        let text = schema::text(k).expect("a canonical kind");
        if let Err(e) = output::write_atomic(&path, text.as_bytes()) {
            eprintln!("错误：无法写入 {}：{e}", path.display());
            return exit::input();
        }
        super::emit(&format!("{}\n", path.display()));
    }
    ExitCode::SUCCESS
}
