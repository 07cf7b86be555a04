//! The command line's conventions: JSON Schemas checked by a real validator
//! (check-jsonschema), the `$schema` line of starters, shell completions
//! checked by bash, `check --format json` read by Python's json module,
//! exit codes, clap's messages in Chinese, and no output folder for a failed
//! render.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The kind whose schema a good or refused fixture must satisfy, from its
/// file name (fixtures are named after their kind).
fn kind_of(fixture: &Path) -> &'static str {
    let name = fixture.file_name().unwrap().to_string_lossy();
    let kinds: &[(&str, &str)] = &[
        ("党性分析材料-领导干部", "党性分析材料-个人"),
        ("总结", "阶段小结"),
        ("花名册", "花名册"),
        ("两个具体", "两个具体"),
        ("党性分析材料-个人", "党性分析材料-个人"),
        ("党性分析材料-单位", "党性分析材料-单位"),
        ("整改方案-个人", "整改方案-个人"),
        ("整改方案-单位", "整改方案-单位"),
        ("转段申请", "转段申请"),
        ("阶段小结", "阶段小结"),
        ("阶段记录-1", "阶段记录-1"),
        ("阶段记录-2", "阶段记录-2"),
        ("阶段记录-3", "阶段记录-3"),
    ];
    kinds
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no kind for {name}"))
        .1
}

/// Every kind `wenshu kinds` lists (the roster included).
fn all_kinds() -> Vec<String> {
    let kinds: Vec<String> = stdout(&wenshu(&["kinds"]))
        .lines()
        .map(|l| l.split('\t').next().unwrap().trim().to_string())
        .collect();
    assert!(kinds.iter().any(|k| k == "花名册"), "{kinds:?}");
    kinds
}

/// `wenshu schema -o DIR`: every kind's schema in a new directory.
fn schemas() -> PathBuf {
    let dir = scratch("schema").join("schema");
    let o = wenshu(&["schema", "-o", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

/// check-jsonschema on `files` against `schema`: (passed, what it said).
fn validate(schema: &Path, files: &[PathBuf]) -> (bool, String) {
    let o = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .args(files)
        .output()
        .expect("check-jsonschema is missing; run scripts/setup.sh");
    let said = format!("{}{}", stdout(&o), stderr(&o));
    (o.status.success(), said)
}

fn schema_file(dir: &Path, kind: &str) -> PathBuf {
    dir.join(format!("{kind}.schema.json"))
}

#[test]
fn every_good_fixture_validates_against_its_kinds_schema() {
    let dir = schemas();
    let mut files: Vec<PathBuf> = fixtures();
    files.extend(refused_fixtures());
    files.push(root().join("fixtures/batch/花名册-整改方案.yaml"));
    let mut by_kind: std::collections::BTreeMap<&str, Vec<PathBuf>> = Default::default();
    for f in files {
        by_kind.entry(kind_of(&f)).or_default().push(f);
    }
    for kind in all_kinds() {
        assert!(schema_file(&dir, &kind).exists(), "no schema for {kind}");
    }
    assert_eq!(
        by_kind.len(),
        11,
        "a fixture of every kind: {:?}",
        by_kind.keys()
    );
    for (kind, files) in by_kind {
        let (ok, said) = validate(&schema_file(&dir, kind), &files);
        assert!(
            ok,
            "{kind}: a valid fixture is refused by its schema:\n{said}"
        );
    }
}

#[test]
fn every_filled_starter_validates_and_an_unfilled_one_does_not() {
    let dir = schemas();
    for kind in all_kinds() {
        let o = wenshu(&["new", &kind]);
        assert!(o.status.success(), "new {kind}");
        let starter = stdout(&o);
        let f = dir.parent().unwrap().join(format!("{kind}.yaml"));
        std::fs::write(&f, fill_placeholders(&starter)).unwrap();
        let (ok, said) = validate(&schema_file(&dir, &kind), std::slice::from_ref(&f));
        assert!(ok, "{kind}: the filled starter is refused:\n{said}");
        std::fs::write(&f, &starter).unwrap();
        let (ok, said) = validate(&schema_file(&dir, &kind), &[f]);
        assert!(
            !ok && said.contains("【请填写"),
            "{kind}: placeholders pass:\n{said}"
        );
    }
}

/// The bad fixtures whose mistake is one of shape (a key, a type, a value
/// out of a list, a pattern), which a schema can see: each is refused, for
/// that mistake. The others (YAML syntax, alias bombs, several documents,
/// CSV ballots, facts across fields) only wenshu can judge.
#[test]
fn schema_level_bad_fixtures_are_refused_by_the_validator() {
    let dir = schemas();
    let cases = [
        ("未知字段", "党性分析材料-个人", "'整该措施' was unexpected"),
        ("类型错误", "两个具体", "is not of type"),
        ("文种写错", "党性分析材料-个人", "'党性分析' is not one of"),
        ("版头格式错误", "两个具体", "'内部' does not match"),
        ("占位符未填", "阶段小结", "【请填写"),
        (
            "领导干部缺三观",
            "党性分析材料-个人",
            "'地位观' is a required property",
        ),
        (
            "整改事项多处错误",
            "整改方案-个人",
            "'马上整改' is not one of",
        ),
        ("请示多个主送", "转段申请", "['阶段']: 3 is not one of"),
        (
            "阶段记录-多处错误",
            "阶段记录-1",
            "'学习时间' is not one of",
        ),
    ];
    for (stem, kind, expected) in cases {
        let f = root().join(format!("fixtures/bad/{stem}.yaml"));
        let (ok, said) = validate(&schema_file(&dir, kind), &[f]);
        assert!(!ok, "{stem}: the schema accepts it");
        assert!(
            said.contains(expected),
            "{stem}: expected {expected:?} in:\n{said}"
        );
    }
}

#[test]
fn schema_prints_one_kind_with_chinese_descriptions() {
    let o = wenshu(&["schema", "整改方案-单位"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""));
    assert!(text.contains("\"additionalProperties\": false"));
    assert!(text.contains("责任领导（必填）"), "{text}");
    assert!(text.contains("\"立说立改\""));
    let alias = wenshu(&["schema", "总结"]);
    assert_eq!(
        stdout(&alias).lines().nth(3),
        stdout(&wenshu(&["schema", "阶段小结"])).lines().nth(3)
    );
    let bad = wenshu(&["schema", "党性分析"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("没有文种「党性分析」"));
}

#[test]
fn a_starter_points_the_editor_at_its_schema() {
    let o = wenshu(&["new", "党性分析材料-个人"]);
    assert_eq!(
        stdout(&o).lines().next(),
        Some("# yaml-language-server: $schema=schema/党性分析材料-个人.schema.json")
    );
    let o = wenshu(&[
        "new",
        "党性分析材料",
        "--schema",
        "https://example.org/a.json",
    ]);
    assert_eq!(
        stdout(&o).lines().next(),
        Some("# yaml-language-server: $schema=https://example.org/a.json")
    );
    // The default path is where `wenshu schema -o schema` writes.
    let dir = scratch("modeline");
    let o = Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args(["schema", "党性分析材料-个人", "-o", "schema"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(dir.join("schema/党性分析材料-个人.schema.json").is_file());
}

#[test]
fn bash_completion_defines_its_function_and_parses() {
    let o = wenshu(&["completions", "bash"]);
    assert!(o.status.success());
    let script = stdout(&o);
    assert!(script.contains("_wenshu()"), "{script}");
    assert!(script.contains("complete -F _wenshu"));
    for sub in ["render", "check", "schema", "completions"] {
        assert!(script.contains(sub), "no {sub}");
    }
    let f = scratch("completions").join("wenshu.bash");
    std::fs::write(&f, &script).unwrap();
    run_tool("bash", &["-n", f.to_str().unwrap()]);
    // Sourced, it registers the function for `wenshu`.
    let registered = run_tool(
        "bash",
        &[
            "-c",
            &format!("source {} && complete -p wenshu", f.display()),
        ],
    );
    assert!(registered.contains("_wenshu"), "{registered}");
    for shell in ["zsh", "fish", "powershell"] {
        let o = wenshu(&["completions", shell]);
        assert!(
            o.status.success() && stdout(&o).contains("render"),
            "{shell}"
        );
    }
    let bad = wenshu(&["completions", "cmd"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("可选值：bash"), "{}", stderr(&bad));
}

/// Runs `wenshu check --format json` on `files` and reads its output with
/// Python's json module: returns the exit code and what `script` prints
/// about the parsed document `d`.
fn check_json(files: &[&str], script: &str) -> (Option<i32>, String) {
    let mut args = vec!["check", "--format", "json"];
    args.extend(files);
    let o = wenshu(&args);
    let f = scratch("json").join("check.json");
    std::fs::write(&f, &o.stdout).unwrap();
    let read = format!(
        "import json\nd = json.load(open({:?}, encoding='utf-8'))\n{script}",
        f.display()
    );
    (o.status.code(), run_tool("python3", &["-c", &read]))
}

#[test]
fn check_json_gives_diagnostics_and_rule_tables_as_data() {
    let (code, said) = check_json(
        &["fixtures/bad/未知字段.yaml"],
        "f = d['files'][0]\n\
         x = f['diagnostics'][0]\n\
         print(d['exit_code'], f['status'], x['severity'], x['code'], x['line'], x['column'], x['field'])\n\
         text = open(x['file'], encoding='utf-8').read().encode()\n\
         print(text[x['start']:x['end']].decode())\n\
         print(x['message'])",
    );
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[0], "1 error error unknown-field 20 3 三明确.整该措施",
        "{said}"
    );
    assert_eq!(lines[1], "整该措施", "the byte range covers the key");
    assert!(lines[2].contains("是否应为「整改措施」"));

    let (code, said) = check_json(
        &["fixtures/refused/阶段记录-1-学时不足.yaml", "fixtures/两个具体.yaml"],
        "r = d['files'][0]['rules'][0]\n\
         print(d['exit_code'], d['files'][0]['status'], d['files'][1]['status'], d['files'][1]['papers'])\n\
         print(r['phase'], r['passed'], r['remedy_deadline'])\n\
         row = [x for x in r['rows'] if x['rule'] == '学时'][0]\n\
         print(row['status'], row['met'], row['actual'], row['line'], row['field'])\n\
         print(sorted({x['severity'] for x in d['files'][0]['diagnostics']}))",
    );
    assert_eq!(code, Some(3), "{said}");
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines[0], "3 refused ok 1");
    assert!(lines[1].starts_with("1 False 2026年"), "{said}");
    assert!(lines[2].starts_with("未达标 False 44.5学时"), "{said}");
    assert_eq!(lines[3], "['refusal']");

    let (code, said) = check_json(&["fixtures/阶段记录-2.yaml"], "print(d['exit_code'], d['files'][0]['rules'][0]['passed'], len(d['files'][0]['rules'][0]['rows']) > 5)");
    assert_eq!((code, said.trim()), (Some(0), "0 True True"));
}

#[test]
fn exit_codes_say_what_happened() {
    assert_eq!(
        wenshu(&["check", "fixtures/两个具体.yaml"]).status.code(),
        Some(0)
    );
    assert_eq!(
        wenshu(&["check", "fixtures/bad/未知字段.yaml"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        wenshu(&["check", "--nope", "a.yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(wenshu(&["new", "没有这种"]).status.code(), Some(2));
    let refused = "fixtures/refused/阶段记录-1-学时不足.yaml";
    assert_eq!(wenshu(&["check", refused]).status.code(), Some(3));
    // An input error outweighs a refusal.
    let both = wenshu(&["check", refused, "fixtures/bad/未知字段.yaml"]);
    assert_eq!(both.status.code(), Some(1));
    let help = stdout(&wenshu(&["--help"]));
    for line in [
        "退出码：",
        "  1  输入有错",
        "  2  命令行用法有误",
        "  3  输入无误，但阶段记录有规则未达标",
    ] {
        assert!(help.contains(line), "{line}: {help}");
    }
}

/// No English from clap reaches the user.
fn assert_no_english(text: &str) {
    for english in [
        "error:",
        "Usage:",
        "For more information",
        "tip:",
        "[OPTIONS]",
        "[default",
    ] {
        assert!(!text.contains(english), "{english:?} in:\n{text}");
    }
}

#[test]
fn clap_speaks_chinese() {
    let o = wenshu(&["batch", "fixtures/两个具体.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let said = stderr(&o);
    assert!(
        said.starts_with("错误：缺少必需的参数：--out <目录>"),
        "{said}"
    );
    assert!(
        said.contains("用法：wenshu batch [选项] --out <目录> <输入>..."),
        "{said}"
    );
    assert!(
        said.contains("更多信息请运行 `wenshu help batch`"),
        "{said}"
    );
    assert_no_english(&said);

    let o = wenshu(&["render", "a.yaml", "--fromat", "pdf"]);
    let said = stderr(&o);
    assert!(
        said.contains("不认识的参数「--fromat」。是否应为「--format」？"),
        "{said}"
    );
    assert_no_english(&said);

    let o = wenshu(&["rendr", "a.yaml"]);
    let said = stderr(&o);
    assert!(
        said.contains("没有命令「rendr」。是否应为「render」？"),
        "{said}"
    );
    assert_no_english(&said);

    let o = wenshu(&["render", "--format", "doc", "a.yaml"]);
    let said = stderr(&o);
    assert!(
        said.contains("参数 --format <格式> 的值「doc」有误：不认识的格式「doc」"),
        "{said}"
    );
    assert!(said.contains("用法：wenshu render"), "{said}");
    assert_no_english(&said);

    let o = wenshu(&["batch", "-j", "0", "a", "-o", "x"]);
    assert_no_english(&stderr(&o));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_works_as_a_command_and_says_what_each_command_writes() {
    let o = wenshu(&["help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(
        text.contains("用法：wenshu <命令>") && text.contains("命令："),
        "{text}"
    );
    assert_no_english(&text);
    let o = wenshu(&["help", "render"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("每份文书写一个 DOCX 和一个 PDF"), "{text}");
    assert!(
        text.contains("用法：wenshu render [选项] <文件>..."),
        "{text}"
    );
    assert!(text.contains("[默认：docx,pdf]"), "{text}");
    assert_no_english(&text);
    assert_eq!(stdout(&wenshu(&["render", "--help"])), text);
    let check = stdout(&wenshu(&["help", "check"]));
    assert!(check.contains("不写任何文件"), "{check}");
    let bad = wenshu(&["help", "nothing"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("没有命令「nothing」"));
}

#[test]
fn a_render_with_errors_creates_no_output_folder() {
    let out = scratch("nodir").join("输出");
    let o = wenshu(&[
        "render",
        "fixtures/bad/未知字段.yaml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "a failed render made {}", out.display());
    let o = wenshu(&[
        "render",
        "--format",
        "docx",
        "fixtures/两个具体.yaml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(docx_in(&out).len(), 1);
}

/// `wenshu check … 2>&1 | head -1`: when the reader has had enough, wenshu
/// ends as a Unix filter does (SIGPIPE), never with a panic (exit 101).
#[test]
fn a_closed_pipe_ends_the_run_quietly_not_with_a_panic() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    let dir = scratch("closed-pipe");
    let bad = dir.join("坏.yaml");
    std::fs::write(&bad, "文种: 两个具体\n单位： 某单位\n").unwrap();
    // Far more than a pipe's 64 KiB of diagnostics.
    let args: Vec<&str> = std::iter::once("check")
        .chain(std::iter::repeat_n(bad.to_str().unwrap(), 2000))
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("全角冒号"), "{first}");
    // The reader is dropped: the pipe is closed.
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        None,
        "{status:?}: ended by itself, not by the closed pipe"
    );
    assert_eq!(status.signal(), Some(libc_sigpipe()), "{status:?}");
}

/// SIGPIPE's number on Linux and the BSDs.
fn libc_sigpipe() -> i32 {
    13
}
