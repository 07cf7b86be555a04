//! The print file of PDFs wenshu did not lay out (LibreOffice's PDFs of
//! filled office templates), made with qpdf.
//!
//! Owns the rules of a print file: every paper starts on a right-hand (odd)
//! page, with a blank page before it where the previous paper ended on an
//! odd page; one bookmark per paper, pointing at its first page; the file
//! written beside its target and renamed when complete. Papers laid out by
//! wenshu itself are merged while they are typeset (`batch`'s `MergeFile`,
//! fonts embedded once); this module never reads a YAML or a DOCX.
//!
//! Why qpdf and not a PDF crate: measured on this project, `lopdf` 0.47 with
//! default features off still pulls 60 crates (AES, MD5, RC4 for encrypted
//! files, brotli, nom) into a binary that otherwise only writes PDFs, while
//! this path already needs an external program (LibreOffice). qpdf is one
//! small, widely packaged program (`apt install qpdf`, a Windows zip), it
//! copies pages with their resources exactly, and its JSON interface
//! (`--json`, `--update-from-json`, qpdf ≥ 11) adds the outline. The blank
//! page is written here with `pdf-writer`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A4 in points (GB/T 9704 5.2.1), the size of the blank pages.
const A4: (f32, f32) = (595.276, 841.89);

const MISSING: &str = "没有找到 qpdf，无法合并 LibreOffice 生成的 PDF：请安装 qpdf 11 或更高版本（https://qpdf.sourceforge.io/，Debian/Ubuntu：apt install qpdf）后重试，或去掉 --merge";

/// Runs qpdf with `args`; its stdout, or a Chinese reason.
fn qpdf(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("qpdf")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|_| MISSING.to_string())?;
    // 3 is "succeeded with warnings" (e.g. a damaged input it repaired).
    if out.status.success() || out.status.code() == Some(3) {
        Ok(out.stdout)
    } else {
        Err(format!(
            "qpdf 合并失败：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// One blank A4 page.
fn blank_page() -> Vec<u8> {
    let mut pdf = pdf_writer::Pdf::new();
    let (catalog, pages, page) = (
        pdf_writer::Ref::new(1),
        pdf_writer::Ref::new(2),
        pdf_writer::Ref::new(3),
    );
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    pdf.page(page)
        .parent(pages)
        .media_box(pdf_writer::Rect::new(0.0, 0.0, A4.0, A4.1));
    pdf.finish()
}

/// Pages of one PDF.
fn page_count(pdf: &Path) -> Result<usize, String> {
    let out = qpdf(&["--show-npages", &pdf.to_string_lossy()])?;
    String::from_utf8_lossy(&out)
        .trim()
        .parse()
        .map_err(|_| format!("无法读取 {} 的页数", pdf.display()))
}

/// Merges `papers` (bookmark title, PDF) into `out`: each from an odd page,
/// a bookmark each. Returns the page count.
pub fn merge(papers: &[(String, PathBuf)], out: &Path) -> Result<usize, String> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
    let work = dir.join(format!(".{name}.{}.merge", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("无法创建临时目录：{e}"))?;
    let result = merge_in(papers, out, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn merge_in(papers: &[(String, PathBuf)], out: &Path, work: &Path) -> Result<usize, String> {
    let blank = work.join("blank.pdf");
    std::fs::write(&blank, blank_page()).map_err(|e| format!("无法写入临时文件：{e}"))?;
    // The page list goes through an argument file: a long roster would
    // pass Windows' command-line limit.
    let mut args = String::from("--empty\n--pages\n");
    let mut pages = 0;
    let mut starts = Vec::with_capacity(papers.len());
    for (_, pdf) in papers {
        if pages % 2 == 1 {
            let _ = writeln!(args, "{}", blank.display());
            pages += 1;
        }
        starts.push(pages);
        let _ = writeln!(args, "{}", pdf.display());
        pages += page_count(pdf)?;
    }
    let joined = work.join("joined.pdf");
    let _ = writeln!(args, "--\n{}", joined.display());
    let argfile = work.join("args.txt");
    std::fs::write(&argfile, args).map_err(|e| format!("无法写入临时文件：{e}"))?;
    qpdf(&[&format!("@{}", argfile.display())])?;

    let update = outline_update(&joined, papers, &starts)?;
    let update_file = work.join("outline.json");
    std::fs::write(&update_file, update).map_err(|e| format!("无法写入临时文件：{e}"))?;
    let done = work.join("done.pdf");
    qpdf(&[
        &joined.to_string_lossy(),
        &format!("--update-from-json={}", update_file.display()),
        &done.to_string_lossy(),
    ])?;
    std::fs::rename(&done, out).map_err(|e| format!("无法写入 {}：{e}", out.display()))?;
    Ok(pages)
}

/// The qpdf JSON that adds one bookmark per paper to `joined`.
fn outline_update(
    joined: &Path,
    papers: &[(String, PathBuf)],
    starts: &[usize],
) -> Result<String, String> {
    let path = joined.to_string_lossy();
    let json = qpdf(&[&path, "--json=2", "--json-key=pages", "--json-key=qpdf"])?;
    let v: serde_json::Value =
        serde_json::from_slice(&json).map_err(|e| format!("无法读取 qpdf 的输出：{e}"))?;
    let bad = || "无法读取 qpdf 的输出：缺少页面或文档目录".to_string();
    let page_refs: Vec<&str> = v["pages"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .filter_map(|p| p["object"].as_str())
        .collect();
    let max_id = v["qpdf"][0]["maxobjectid"].as_u64().ok_or_else(bad)?;
    let objects = &v["qpdf"][1];
    let root = objects["trailer"]["value"]["/Root"]
        .as_str()
        .ok_or_else(bad)?;
    let mut catalog = objects[format!("obj:{root}")]["value"]
        .as_object()
        .ok_or_else(bad)?
        .clone();
    let outlines = max_id + 1;
    let item = |i: usize| format!("{} 0 R", outlines + 1 + i as u64);
    catalog.insert("/Outlines".into(), format!("{outlines} 0 R").into());
    catalog.insert("/PageMode".into(), "/UseOutlines".into());
    let mut out = serde_json::Map::new();
    out.insert(
        format!("obj:{root}"),
        serde_json::json!({ "value": catalog }),
    );
    let n = papers.len();
    out.insert(
        format!("obj:{outlines} 0 R"),
        serde_json::json!({ "value": {
            "/Type": "/Outlines",
            "/First": item(0),
            "/Last": item(n.saturating_sub(1)),
            "/Count": n,
        }}),
    );
    for (i, ((title, _), &start)) in papers.iter().zip(starts).enumerate() {
        let page = page_refs.get(start).ok_or_else(bad)?;
        let mut entry = serde_json::json!({
            "/Title": format!("u:{title}"),
            "/Parent": format!("{outlines} 0 R"),
            "/Dest": [page, "/Fit"],
        });
        if i > 0 {
            entry["/Prev"] = item(i - 1).into();
        }
        if i + 1 < n {
            entry["/Next"] = item(i + 1).into();
        }
        out.insert(
            format!("obj:{}", item(i)),
            serde_json::json!({ "value": entry }),
        );
    }
    let update = serde_json::json!({
        "qpdf": [
            { "jsonversion": 2, "pushedinheritedpageresources": false,
              "calledgetallpages": false, "maxobjectid": outlines + n as u64 },
            out,
        ]
    });
    Ok(update.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blank_page_is_one_a4_page() {
        let pdf = String::from_utf8_lossy(&blank_page()).into_owned();
        assert!(pdf.starts_with("%PDF-"));
        assert!(
            pdf.contains("/Count 1") && pdf.contains("/MediaBox [0 0 595.276 841.89]"),
            "{pdf}"
        );
    }
}
