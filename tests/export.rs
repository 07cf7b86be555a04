//! `wenshu export`: a built-in paper as a Word template for `wenshu fill`.
//! The test that matters: the exported template filled with a paper's YAML
//! reads (python-docx) exactly as `wenshu render` of the same YAML; and the
//! template is a valid package LibreOffice opens, with wenshu's own page,
//! styles and grid.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The kinds `export` supports, with the fixtures that exercise them.
const CASES: &[(&str, &str)] = &[
    ("整改方案-个人", "fixtures/整改方案-个人.yaml"),
    ("整改方案-单位", "fixtures/整改方案-单位.yaml"),
    ("党性分析材料-个人", "fixtures/党性分析材料-个人.yaml"),
    ("党性分析材料-个人", "fixtures/党性分析材料-领导干部.yaml"),
    ("党性分析材料-单位", "fixtures/党性分析材料-单位.yaml"),
    ("两个具体", "fixtures/两个具体.yaml"),
];

fn export_to(kind: &str, dir: &Path) -> PathBuf {
    let path = dir.join(format!("{kind}.docx"));
    let o = wenshu(&["export", kind, "-o", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    path
}

fn body_text(docx: &Path) -> Vec<String> {
    let script = root().join("tests/support/body_text.py");
    let json = run_tool(
        "python3",
        &[script.to_str().unwrap(), docx.to_str().unwrap()],
    );
    serde_json::from_str(&json).unwrap()
}

/// The one DOCX `dir` holds.
fn only_docx(dir: &Path) -> PathBuf {
    let d = docx_in(dir);
    assert_eq!(d.len(), 1, "{d:?}");
    d[0].clone()
}

/// Fills the export of `kind` with `data` and renders `data`; both texts.
fn filled_and_rendered(kind: &str, data: &Path, name: &str) -> (Vec<String>, Vec<String>) {
    let dir = scratch(name);
    let template = export_to(kind, &dir);
    let (filled, rendered) = (dir.join("filled"), dir.join("rendered"));
    let o = wenshu(&[
        "fill",
        template.to_str().unwrap(),
        data.to_str().unwrap(),
        "-o",
        filled.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{kind}: {}", stderr(&o));
    let o = render_to("docx", data.to_str().unwrap(), &rendered);
    assert!(o.status.success(), "{}", stderr(&o));
    (
        body_text(&only_docx(&filled)),
        body_text(&only_docx(&rendered)),
    )
}

#[test]
fn an_exported_template_filled_reads_as_render_prints() {
    for (i, (kind, fixture)) in CASES.iter().enumerate() {
        let (filled, rendered) =
            filled_and_rendered(kind, &root().join(fixture), &format!("export-eq-{i}"));
        assert!(rendered.len() > 10, "{rendered:?}");
        assert_eq!(filled, rendered, "{kind} with {fixture}");
    }
}

#[test]
fn optional_fields_and_single_strings_print_as_render_prints() {
    // No 总体要求 (the default sentence), a 保障措施 (the next heading is
    // numbered on), a measure and a unit given as one string, an own 落款.
    let yaml = std::fs::read_to_string(root().join("fixtures/整改方案-个人.yaml")).unwrap();
    let start = yaml.find("总体要求:").unwrap();
    let end = yaml.find("整改事项:").unwrap();
    let yaml = format!(
        "{}保障措施: |\n  一是加强学习，\n  坚持不懈。\n\n  二是接受监督。\n落款: 林晓雯同志\n{}",
        &yaml[..start],
        &yaml[end..]
    )
    .replace(
        "    协调单位:\n      - 中国工商银行江滨支行\n      - 中国农业银行江滨支行\n",
        "    协调单位: 中国工商银行江滨支行\n",
    )
    .replace(
        "    措施:\n      - 按时参加支部各项组织生活，确因公务缺席的一周内补学。\n      - 每季度向支部书记书面汇报一次思想和工作情况。\n      - 主动承担支部学习简报编辑工作，每季度至少编发1期。\n",
        "    措施: 按时参加支部各项组织生活，确因公务缺席的一周内补学。\n",
    );
    assert_eq!(yaml.matches("协调单位: 中国工商银行江滨支行").count(), 1);
    assert_eq!(yaml.matches("    措施: 按时参加").count(), 1);
    let dir = scratch("export-variant");
    let data = dir.join("变体.yaml");
    std::fs::write(&data, &yaml).unwrap();
    let (filled, rendered) = filled_and_rendered("整改方案-个人", &data, "export-variant-out");
    assert_eq!(filled, rendered);
    assert!(
        rendered.iter().any(|p| p == "四、公示和通过情况"),
        "{rendered:?}"
    );
    assert!(rendered
        .iter()
        .any(|p| p.starts_with("根据党性分析和民主评议")));
}

#[test]
fn the_template_is_valid_opens_in_libreoffice_and_keeps_wenshus_page() {
    let dir = scratch("export-valid");
    let mut templates = Vec::new();
    for kind in ["整改方案-个人", "党性分析材料-个人", "两个具体"] {
        let t = export_to(kind, &dir);
        let report = run_tool(
            "openxml-audit",
            &["-o", "json", "-m", "0", t.to_str().unwrap()],
        );
        assert!(report.contains("\"error_count\": 0"), "{kind}: {report}");
        templates.push(t);
    }
    // The same page, styles and grid as wenshu's own paper of that kind.
    let rendered = dir.join("rendered");
    let o = render_to("docx", "fixtures/整改方案-个人.yaml", &rendered);
    assert!(o.status.success(), "{}", stderr(&o));
    let paper = only_docx(&rendered);
    for part in [
        "word/styles.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/footer1.xml",
    ] {
        assert_eq!(
            docx_part(&templates[0], part),
            docx_part(&paper, part),
            "{part}"
        );
    }
    let section = |p: &Path| {
        let xml = docx_part(p, "word/document.xml");
        xml[xml.rfind("<w:sectPr").unwrap()..].to_string()
    };
    assert_eq!(section(&templates[0]), section(&paper));
    // LibreOffice opens every template (tags and all).
    let pdfs = dir.join("pdf");
    std::fs::create_dir_all(&pdfs).unwrap();
    libreoffice_to_pdf(&templates, &pdfs);
    let text = run_tool(
        "pdftotext",
        &[pdfs.join("整改方案-个人.pdf").to_str().unwrap(), "-"],
    );
    assert!(
        text.contains("个人整改方案") && text.contains("{{"),
        "{text}"
    );
}

#[test]
fn inspect_lists_the_fields_and_the_starter_fills_cleanly() {
    let dir = scratch("export-starter");
    let template = export_to("整改方案-个人", &dir);
    let t = template.to_str().unwrap();
    let o = wenshu(&["fill", "--inspect", t]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = stdout(&o);
    for field in [
        "  党员.姓名\n",
        "  整改事项[].问题\n",
        "  整改事项[].完成时限（可不填）\n",
        "  审批.公示日期\n",
        "  落款（可不填）\n",
        "  日期\n",
    ] {
        assert!(listed.contains(field), "{field} missing from:\n{listed}");
    }
    let o = wenshu(&["new", "--from", t]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Every blank of the starter filled with a date (text to fill, a date
    // to the 日期 filter).
    let filled: String = stdout(&o)
        .lines()
        .map(|l| {
            // `键: # 用处` is a value to give, `- ` an item; `键:  # …` and
            // `键:` open a mapping or a list.
            let leaf = l.contains(": #") && !l.contains(":  #");
            if leaf {
                format!("{}: 2026-01-05\n", l.split(": #").next().unwrap())
            } else if l.trim() == "-" {
                format!("{} 2026-01-05\n", l.trim_end())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let data = dir.join("数据.yaml");
    std::fs::write(&data, &filled).unwrap();
    let out = dir.join("out");
    let o = wenshu(&[
        "fill",
        t,
        data.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{filled}\n{}", stderr(&o));
    let text = body_text(&only_docx(&out)).join("\n");
    assert!(
        text.contains("2026年1月5日") && !text.contains("{{") && !text.contains("{%"),
        "{text}"
    );
}

#[test]
fn unsupported_kinds_and_existing_files_are_refused() {
    let dir = scratch("export-refuse");
    let o = wenshu(&[
        "export",
        "阶段记录-1",
        "-o",
        dir.join("x.docx").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("还不能导出")
            && err.contains(
                "两个具体、党性分析材料-个人、党性分析材料-单位、整改方案-个人、整改方案-单位"
            ),
        "{err}"
    );
    assert!(!dir.join("x.docx").exists());
    let path = dir.join("已有.docx");
    std::fs::write(&path, b"mine").unwrap();
    let o = wenshu(&["export", "两个具体", "-o", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不会覆盖"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), b"mine");
}
