//! `wenshu fill`: an office's own Word template filled from YAML, checked
//! with the real clients (python-docx, openxml-audit, LibreOffice, poppler).
//!
//! The template fixtures/fill/评议表.docx is made by
//! tests/support/make_fill_template.py the way Word stores typed tags: split
//! over runs of different formatting with spell-check marks between.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;

const TEMPLATE: &str = "fixtures/fill/评议表.docx";
const DATA: &str = "fixtures/fill/张三.yaml";

fn fill(args: &[&str]) -> std::process::Output {
    let mut argv = vec!["fill"];
    argv.extend_from_slice(args);
    wenshu(&argv)
}

/// Fills the fixture with `data` (a path) into a fresh directory.
fn fill_into(
    name: &str,
    template: &str,
    data: &str,
    extra: &[&str],
) -> (PathBuf, std::process::Output) {
    let out = scratch(name);
    let mut args = vec![template, data, "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = fill(&args);
    (out, o)
}

/// Writes a data file with `text` into `dir`.
fn data_file(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A copy of the fixture template whose document.xml has `from` replaced.
fn template_variant(dir: &Path, from: &str, to: &str) -> String {
    let bytes = std::fs::read(root().join(TEMPLATE)).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            let xml = String::from_utf8(data).unwrap();
            assert!(xml.contains(from), "{from} not in the template");
            data = xml.replace(from, to).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zout, &data).unwrap();
    }
    let p = dir.join("变体.docx");
    std::fs::write(&p, zout.finish().unwrap().into_inner()).unwrap();
    p.display().to_string()
}

fn read_filled(docx: &Path) -> serde_json::Value {
    let script = root().join("tests/support/read_filled.py");
    let json = run_tool(
        "python3",
        &[script.to_str().unwrap(), docx.to_str().unwrap()],
    );
    serde_json::from_str(&json).unwrap()
}

#[test]
fn python_docx_reads_every_tag_filled() {
    let (out, o) = fill_into("fill-read", TEMPLATE, DATA, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_filled(&out.join("张三.docx"));
    let paras: Vec<&str> = v["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(paras[1], "姓名：张三（签字）");
    assert_eq!(paras[2], "党龄：12 年，老党员");
    assert_eq!(paras[3], "评议等次：优秀");
    // {%p if %} and {%p endif %} leave no paragraph of their own; the value's
    // line break is a line break, its < & ]]> print as typed.
    assert_eq!(paras[4], "备注：经支部大会评议 <通过> & 公示 ]]>\n第二行");
    assert_eq!(paras[5], "参加的学习：党章、党的二十大报告");
    assert!(!paras.iter().any(|p| p.contains("{%") || p.contains("{{")));
    // The row loop: the header row, then one row per item.
    assert_eq!(
        v["tables"][0],
        serde_json::json!([
            ["序号", "整改事项", "完成时限"],
            ["1", "理论学习不够系统", "2026年3月"],
            ["2", "联系群众不够紧密", "2026年4月"]
        ])
    );
    // A header tag split over two runs.
    assert_eq!(v["header"][0], "某某县财政局机关党支部  民主评议表");
    assert_eq!(v["footer"][0], "本表一式两份");
    // The text box's tag (python-docx does not read text boxes: look at the XML).
    let xml = docx_part(&out.join("张三.docx"), "word/document.xml");
    assert!(xml.contains("<w:t xml:space=\"preserve\">编号：PY-2026-001</w:t>"));
}

#[test]
fn a_tag_split_over_runs_takes_its_first_runs_formatting() {
    let (out, o) = fill_into("fill-runs", TEMPLATE, DATA, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_filled(&out.join("张三.docx"));
    let runs = v["paragraphs"][1]["runs"].as_array().unwrap();
    // 姓名：{ | { 姓 (bold) | 名 }}（签字） (italic): the value goes where
    // the tag began (the plain run), the text after it keeps its italic run.
    assert_eq!(runs[0], serde_json::json!(["姓名：张三", false, false]));
    assert_eq!(runs[1][0], "");
    assert_eq!(runs[2], serde_json::json!(["（签字）", false, true]));
}

#[test]
fn untouched_parts_are_copied_byte_for_byte() {
    let (out, o) = fill_into("fill-bytes", TEMPLATE, DATA, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |p: &Path| zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    let mut a = read(&root().join(TEMPLATE));
    let mut b = read(&out.join("张三.docx"));
    assert_eq!(a.len(), b.len());
    let mut untouched = 0;
    for i in 0..a.len() {
        let (mut ea, mut eb) = (a.by_index_raw(i).unwrap(), b.by_index_raw(i).unwrap());
        let name = ea.name().unwrap().to_string();
        assert_eq!(name, eb.name().unwrap(), "entry order");
        if name == "word/document.xml" || name == "word/header1.xml" {
            continue;
        }
        let (mut ra, mut rb) = (Vec::new(), Vec::new());
        ea.read_to_end(&mut ra).unwrap();
        eb.read_to_end(&mut rb).unwrap();
        assert!(ra == rb, "{name}: compressed bytes differ");
        assert_eq!(ea.crc32(), eb.crc32(), "{name}");
        assert_eq!(ea.last_modified(), eb.last_modified(), "{name}");
        untouched += 1;
    }
    // styles, settings, numbering-free python-docx parts, the image, the footer, …
    assert!(untouched >= 10, "{untouched}");
    // In the filled parts, markup away from the tags is unchanged too.
    let before = docx_part(&root().join(TEMPLATE), "word/document.xml");
    let after = docx_part(&out.join("张三.docx"), "word/document.xml");
    let sect = |x: &str| x[x.find("<w:sectPr").unwrap()..].to_string();
    assert_eq!(sect(&before), sect(&after));
}

#[test]
fn identical_input_gives_identical_bytes_and_a_valid_package() {
    let (a, o) = fill_into("fill-det-a", TEMPLATE, DATA, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (b, o) = fill_into("fill-det-b", TEMPLATE, DATA, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (fa, fb) = (a.join("张三.docx"), b.join("张三.docx"));
    assert!(std::fs::read(&fa).unwrap() == std::fs::read(&fb).unwrap());
    let report = run_tool(
        "openxml-audit",
        &["-o", "json", "-m", "0", fa.to_str().unwrap()],
    );
    assert!(report.contains("\"error_count\": 0"), "{report}");
}

#[test]
fn an_undefined_field_is_located_in_both_files() {
    let dir = scratch("fill-undef");
    let yaml = std::fs::read_to_string(root().join(DATA))
        .unwrap()
        .replace("姓名: 张三\n", "")
        .replace("    期限: 2026年4月\n", "");
    let data = data_file(&dir, "缺字段.yaml", &yaml);
    let (out, o) = fill_into("fill-undef-out", TEMPLATE, &data, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    // Every missing field at once, each with the tag, its place and text,
    // and the YAML line.
    assert!(
        err.contains("正文第 2 段「姓名：{{ 姓名 }}（签字）」中的标签「{{ 姓名 }}」要用「姓名」"),
        "{err}"
    );
    assert!(err.contains(&format!("{data}:2:")), "document start: {err}");
    assert!(
        err.contains("第 1 个表格第 3 行第 3 列「{{ 项.期限 }}」中的标签「{{ 项.期限 }}」要用「整改事项[2].期限」"),
        "{err}"
    );
    // The second item starts on line 13 of the data (姓名 was taken out).
    assert!(err.contains(&format!("{data}:13:")), "{err}");
    assert!(docx_in(&out).is_empty(), "no partial output");
}

#[test]
fn a_list_where_text_belongs_is_an_error() {
    let dir = scratch("fill-list");
    let yaml = std::fs::read_to_string(root().join(DATA))
        .unwrap()
        .replace("评议等次: 优秀", "评议等次: [优秀, 良好]");
    let data = data_file(&dir, "列表.yaml", &yaml);
    let (out, o) = fill_into("fill-list-out", TEMPLATE, &data, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("「{{ 评议等次 }}」的值是列表或键值表"),
        "{err}"
    );
    assert!(err.contains("正文第 4 段"), "{err}");
    assert!(docx_in(&out).is_empty());
}

#[test]
fn malformed_and_unpaired_tags_name_their_place() {
    let dir = scratch("fill-bad-tags");
    let cases = [
        (
            "{{ 评议等次 }}",
            "{{ 评议等次 }",
            "正文第 4 段",
            "没有结束的「}}」",
        ),
        (
            "{%tr endfor %}",
            "{% endfor %}",
            "第 1 个表格第 4 行第 1 列",
            "不在同一层",
        ),
        (
            "{%p endif %}",
            "{%p endfi %}",
            "正文第 5 段",
            "没有对应的「{% endif %}」",
        ),
        (
            "{{ 评议等次 }}",
            "｛｛ 评议等次 }}",
            "正文第 4 段",
            "全角括号",
        ),
        (
            "{{ 评议等次 }}",
            "{{ 评议等次 | 无此过滤器 }}",
            "正文第 4 段",
            "过滤器",
        ),
    ];
    for (from, to, place, what) in cases {
        let t = template_variant(&dir, from, to);
        let (out, o) = fill_into("fill-bad-tag-out", &t, DATA, &[]);
        assert_eq!(o.status.code(), Some(1), "{to}");
        let err = stderr(&o);
        assert!(err.contains(place) && err.contains(what), "{to}: {err}");
        assert!(err.contains("变体.docx"), "{err}");
        assert!(docx_in(&out).is_empty());
    }
}

#[test]
fn strict_reports_fields_the_template_does_not_use() {
    let dir = scratch("fill-strict");
    let yaml = std::fs::read_to_string(root().join(DATA))
        .unwrap()
        .replace("姓名: 张三\n", "姓名: 张三\n姓命: 李四\n");
    let data = data_file(&dir, "多字段.yaml", &yaml);
    let (_, o) = fill_into("fill-strict-ok", TEMPLATE, &data, &[]);
    assert!(
        o.status.success(),
        "without --strict it fills: {}",
        stderr(&o)
    );
    let (out, o) = fill_into("fill-strict-out", TEMPLATE, &data, &["--strict"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{data}:5:1")), "{err}");
    assert!(
        err.contains("没有用到这个字段") && err.contains("姓命"),
        "{err}"
    );
    assert!(docx_in(&out).is_empty());
    let (_, o) = fill_into("fill-strict-clean", TEMPLATE, DATA, &["--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_file_that_is_not_a_docx_is_refused_in_chinese() {
    let (_, o) = fill_into("fill-not-docx", DATA, DATA, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不是 Word 文档"), "{}", stderr(&o));
}

#[test]
fn inspect_lists_tags_and_new_from_writes_data_that_fills() {
    let o = fill(&["--inspect", TEMPLATE]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("循环（整个表格行）\t{%tr for 项 in 整改事项 %}"),
        "{text}"
    );
    assert!(text.contains("页眉（header1.xml）第 1 段"), "{text}");
    assert!(text.contains("  整改事项[].期限\n"), "{text}");
    let o = wenshu(&["new", "--from", TEMPLATE]);
    assert!(o.status.success(), "{}", stderr(&o));
    let starter = stdout(&o);
    assert!(starter.contains("整改事项:"), "{starter}");
    assert!(starter.contains("  - 内容:"), "{starter}");
    // The starter is complete: filled as it is, no field is missing or unused.
    let dir = scratch("fill-starter");
    let data = data_file(&dir, "样板.yaml", &starter);
    let (out, o) = fill_into("fill-starter-out", TEMPLATE, &data, &["--strict"]);
    assert!(o.status.success(), "{starter}\n{}", stderr(&o));
    assert_eq!(docx_in(&out).len(), 1);
}

#[test]
fn several_documents_in_one_file_fill_one_docx_each() {
    let dir = scratch("fill-multi");
    let one = std::fs::read_to_string(root().join(DATA)).unwrap();
    let data = data_file(
        &dir,
        "两人.yaml",
        &format!("{one}---\n{}", one.replace("张三", "李四")),
    );
    let (out, o) = fill_into("fill-multi-out", TEMPLATE, &data, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = docx_in(&out);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(docx_text(&files[1]).contains("李四"));
}

#[test]
fn libreoffice_converts_the_filled_document_to_pdf() {
    let (out, o) = fill_into("fill-pdf", TEMPLATE, DATA, &["--format", "docx,pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = out.join("张三.pdf");
    let text = run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("姓名：张三（签字）"), "{flat}");
    assert!(flat.contains("某某县财政局机关党支部"), "header: {flat}");
    assert!(flat.contains("联系群众不够紧密"), "{flat}");
    // No scratch files are left beside the outputs.
    let left: Vec<_> = files_in(&out)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_missing_libreoffice_is_a_clear_error() {
    let out = scratch("fill-no-lo");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_wenshu"))
        .args([
            "fill",
            TEMPLATE,
            DATA,
            "--format",
            "pdf",
            "-o",
            out.to_str().unwrap(),
        ])
        .current_dir(root())
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("没有找到 LibreOffice"),
        "{}",
        stderr(&o)
    );
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
}

#[test]
fn a_roster_fills_the_template_once_per_row_through_batch() {
    let out = scratch("fill-roster");
    let roster = "fixtures/fill/评议花名册.yaml";
    let o = wenshu(&[
        "batch",
        roster,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "docx,pdf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = docx_in(&out);
    let names: Vec<String> = docx
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["评议表-张三.docx", "评议表-李四.docx", "评议表-王五.docx"]
    );
    let v = read_filled(&out.join("评议表-李四.docx"));
    assert_eq!(v["paragraphs"][2]["text"], "党龄：3 年，新党员");
    assert_eq!(v["header"][0], "某某县财政局机关党支部  民主评议表");
    // One PDF per row, listed in the manifest with the DOCX.
    let pdf = out.join("评议表-王五.pdf");
    let text = run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("王五"), "{text}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let entries = m["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for e in entries {
        assert_eq!(e["status"], "成功", "{e}");
        assert_eq!(e["outputs"].as_array().unwrap().len(), 2, "{e}");
    }
    // A resume redoes nothing.
    let o = wenshu(&[
        "batch",
        roster,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "docx,pdf",
        "--resume",
    ]);
    assert!(
        stderr(&o).contains("其中 3 项沿用上次的输出"),
        "{}",
        stderr(&o)
    );
}

/// The outline (title, first page) and the page count of a PDF, from qpdf.
fn outline_and_pages(pdf: &Path) -> (Vec<(String, u64)>, usize) {
    let json = run_tool(
        "qpdf",
        &[
            pdf.to_str().unwrap(),
            "--json=2",
            "--json-key=outlines",
            "--json-key=pages",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let outline = v["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["title"].as_str().unwrap().to_string(),
                o["destpageposfrom1"].as_u64().unwrap(),
            )
        })
        .collect();
    (outline, v["pages"].as_array().unwrap().len())
}

#[test]
fn a_filled_roster_merges_into_one_print_file_each_paper_on_an_odd_page() {
    let dir = scratch("fill-merge");
    let (out, merged) = (dir.join("输出"), dir.join("合订本.pdf"));
    // A font that does not exist: a roster that only fills Word templates
    // needs none of wenshu's fonts, even for PDF.
    let o = wenshu(&[
        "batch",
        "fixtures/fill/评议花名册.yaml",
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--merge",
        merged.to_str().unwrap(),
        "--font",
        "正文=/没有/这个字体.ttf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let check = run_tool("qpdf", &["--check", merged.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let mut expected = Vec::new();
    let mut pages = 0;
    for name in ["评议表-张三", "评议表-李四", "评议表-王五"] {
        if pages % 2 == 1 {
            pages += 1; // the blank page before a paper
        }
        expected.push((name.to_string(), pages as u64 + 1));
        let one = out.join(format!("{name}.pdf"));
        pages += run_tool("qpdf", &["--show-npages", one.to_str().unwrap()])
            .trim()
            .parse::<usize>()
            .unwrap();
    }
    let (outline, count) = outline_and_pages(&merged);
    assert_eq!(outline, expected);
    assert_eq!(count, pages);
    assert!(outline.iter().all(|(_, p)| p % 2 == 1));
    assert!(
        stderr(&o).contains(&format!("（{pages} 页）")),
        "{}",
        stderr(&o)
    );
    // The papers' text is in it, in order; the blank pages are empty.
    let text = run_tool("pdftotext", &[merged.to_str().unwrap(), "-"]);
    let (a, b) = (text.find("张三").unwrap(), text.find("王五").unwrap());
    assert!(a < b, "{text}");
    let blank = run_tool(
        "pdftotext",
        &["-f", "2", "-l", "2", merged.to_str().unwrap(), "-"],
    );
    assert!(blank.trim().is_empty(), "{blank}");
    // Nothing of the work is left beside the file.
    let left: Vec<_> = files_in(&dir)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_filled_merge_without_pdf_is_refused_before_any_work() {
    let dir = scratch("fill-merge-docx");
    let out = dir.join("输出");
    let o = wenshu(&[
        "batch",
        "fixtures/fill/评议花名册.yaml",
        "-o",
        out.to_str().unwrap(),
        "--format",
        "docx",
        "--merge",
        dir.join("合订本.pdf").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--format pdf"), "{}", stderr(&o));
    assert!(docx_in(&out).is_empty() && !dir.join("合订本.pdf").exists());
}
