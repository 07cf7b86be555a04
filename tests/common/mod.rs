//! Helpers shared by the integration tests: run the real binary, make
//! scratch directories, call the real clients (python-docx, LibreOffice,
//! poppler). A missing client is a failure, never a skip: `scripts/test.sh`
//! installs them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `wenshu` binary, run from the repository root.
pub fn wenshu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args(args)
        .current_dir(root())
        // No user's config (fonts.yaml, district.yaml) decides a test.
        .env_remove("WENSHU_DISTRICT")
        .env("XDG_CONFIG_HOME", root().join("target/no-user-config"))
        .output()
        .expect("run wenshu")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `wenshu render --format FORMAT INPUT -o OUT`.
pub fn render_to(format: &str, input: &str, out: &Path) -> Output {
    wenshu(&[
        "render",
        "--format",
        format,
        input,
        "-o",
        out.to_str().unwrap(),
    ])
}

/// A fresh, empty scratch directory under target/.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = root().join("target/test-scratch").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The YAML files directly in `dir` (relative to the root), sorted.
pub fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// The good fixtures (fixtures/*.yaml), sorted.
pub fn fixtures() -> Vec<PathBuf> {
    yaml_files("fixtures")
}

/// The records that miss a rule (fixtures/refused/*.yaml), sorted: each
/// yields only its 补课清单.
pub fn refused_fixtures() -> Vec<PathBuf> {
    yaml_files("fixtures/refused")
}

/// How many papers a good fixture yields: a 阶段记录 of phase 1 or 2 yields
/// its 小结 and its 转段申请, every other fixture one paper.
pub fn papers_of(fixture: &Path) -> usize {
    let name = fixture.file_name().unwrap().to_string_lossy();
    if name.starts_with("阶段记录-1") || name.starts_with("阶段记录-2") {
        2
    } else {
        1
    }
}

/// wenshu's record of what it wrote into a directory: bookkeeping, not an
/// output (its lines follow the order writes finish in).
pub const RECORD: &str = ".wenshu-written";

/// Files in `dir`, sorted by name, without wenshu's record of them (a
/// temporary file left behind is listed).
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_none_or(|n| n != RECORD))
        .collect();
    v.sort();
    v
}

/// Renders every good fixture (DOCX only) into a new scratch directory.
pub fn render_fixtures(name: &str) -> (PathBuf, Vec<PathBuf>) {
    render_fixtures_as(name, "docx")
}

/// Renders every good fixture in `format` (docx, pdf, docx,pdf).
pub fn render_fixtures_as(name: &str, format: &str) -> (PathBuf, Vec<PathBuf>) {
    let out = scratch(name);
    let mut args: Vec<String> = vec!["render".into(), "--format".into(), format.into()];
    args.extend(
        fixtures()
            .iter()
            .map(|p| p.strip_prefix(root()).unwrap().display().to_string()),
    );
    args.push("-o".into());
    args.push(out.display().to_string());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = wenshu(&argv);
    assert!(o.status.success(), "render failed: {}", stderr(&o));
    let files = files_in(&out);
    (out, files)
}

/// The DOCX files in `dir`, sorted by name (a run may also write other
/// formats beside them).
pub fn docx_in(dir: &Path) -> Vec<PathBuf> {
    files_in(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect()
}

/// Renders every good fixture and, beside them, the 补课清单 of every
/// refused record, so that one batch of each client sees every kind of paper.
pub fn render_all_papers(name: &str) -> (PathBuf, Vec<PathBuf>) {
    let (out, _) = render_fixtures(name);
    for f in refused_fixtures() {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        let o = wenshu(&["render", &rel, "-o", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(3), "{rel}: {}", stderr(&o));
    }
    let files = docx_in(&out);
    let expected: usize =
        fixtures().iter().map(|f| papers_of(f)).sum::<usize>() + refused_fixtures().len();
    assert_eq!(files.len(), expected, "{files:?}");
    (out, files)
}

/// Runs a command that must exist and succeed; returns stdout.
pub fn run_tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is missing ({e}); run scripts/setup.sh"));
    assert!(
        o.status.success(),
        "{cmd} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `tests/support/<script>` with `args` (files) under python3; it must
/// succeed (the checkers exit 1 listing what failed). Returns stdout.
pub fn support_script(script: &str, args: &[PathBuf]) -> String {
    let mut argv = vec![root()
        .join("tests/support")
        .join(script)
        .display()
        .to_string()];
    argv.extend(args.iter().map(|a| a.display().to_string()));
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    run_tool("python3", &argv)
}

/// Converts DOCX files to PDF with LibreOffice headless, in one call and with
/// a private profile (parallel tests must not share one).
pub fn libreoffice_to_pdf(files: &[PathBuf], out: &Path) {
    let profile = format!("file://{}", out.join("lo-profile").display());
    let mut args = vec![
        format!("-env:UserInstallation={profile}"),
        "--headless".into(),
        "--convert-to".into(),
        "pdf".into(),
        "--outdir".into(),
        out.display().to_string(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    run_tool("soffice", &argv);
}

/// Reads a part of a DOCX package as text.
pub fn docx_part(path: &Path, part: &str) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut entry = zip.by_name(part).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut entry, &mut s).unwrap();
    s
}

/// The text of a DOCX's body with the markup taken out (runs split Latin
/// from CJK, so searching the XML itself would miss "2026年").
pub fn docx_text(path: &Path) -> String {
    let xml = docx_part(path, "word/document.xml");
    let mut plain = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// Replaces each 【请填写：…】 placeholder as a user would: the example date
/// it gives, a phone number, or some text.
pub fn fill_placeholders(starter: &str) -> String {
    let mut out = String::new();
    for line in starter.lines() {
        let mut rest = line;
        if !line.trim_start().starts_with('#') {
            while let Some(i) = rest.find("【请填写") {
                out.push_str(&rest[..i]);
                let end = rest[i..]
                    .find('】')
                    .map(|e| i + e + '】'.len_utf8())
                    .unwrap();
                let hint = &rest[i..end];
                let example = hint.rfind('如').map(|d| {
                    hint[d + '如'.len_utf8()..]
                        .trim_end_matches('】')
                        .replace('×', "示")
                });
                let value = if let Some(e) = example.filter(|e| !e.is_empty()) {
                    if e.starts_with("20") {
                        e.chars().take(10).collect()
                    } else {
                        e
                    }
                } else if hint.contains("电话") {
                    "0577-86521039".to_string()
                } else if hint.contains("日期") || hint.contains("时间") {
                    "2026-03-20".to_string()
                } else {
                    "示例内容".to_string()
                };
                out.push_str(&value);
                rest = &rest[end..];
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}
