//! PDF through LibreOffice headless, for documents whose layout is Word's.
//!
//! A filled office template is laid out by its own styles and sections, not
//! by wenshu's grid, so its PDF is LibreOffice's rendering of the DOCX. Owns
//! finding `soffice`, running it once for a whole batch (starting it costs
//! seconds; converting a page costs milliseconds) with a private profile so
//! that a running LibreOffice or a parallel run cannot interfere, a time
//! limit so that a stuck conversion cannot hang the run, and moving each PDF
//! into place whole. It never reads a document.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Time for LibreOffice to start (a first start builds its profile).
const START_SECS: u64 = 120;
/// Time per document on top of that: a two-page form takes well under a
/// second; this leaves room for long documents on a slow machine.
const PER_FILE_SECS: u64 = 10;
/// Characters of file names per soffice call: Windows limits a command line
/// to 32,767 characters, so a large batch is split into a few calls.
const MAX_ARG_CHARS: usize = 24_000;

/// Where `soffice` may be when it is not on the PATH.
const CANDIDATES: [&str; 4] = [
    "soffice",
    "libreoffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
];

const MISSING: &str = "没有找到 LibreOffice（soffice），无法把 DOCX 转为 PDF：请安装 LibreOffice（https://zh-cn.libreoffice.org/）后重试，或只生成 DOCX（--format docx），再用 Word 或 WPS 另存为 PDF";

fn soffice() -> Result<&'static str, String> {
    for c in CANDIDATES {
        let found = Command::new(c)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if found {
            return Ok(c);
        }
    }
    Err(MISSING.into())
}

/// A file URL for LibreOffice's `-env:UserInstallation`: absolute, with
/// forward slashes and every byte outside the unreserved set escaped.
pub fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = abs.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Converts DOCX files to PDF into `out_dir` (each `stem.pdf` beside the
/// names given). Returns the PDFs written, in the order of `files`.
pub fn to_pdf(files: &[PathBuf], out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let exe = soffice()?;
    let work = out_dir.join(format!(".wenshu-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&work)
        .map_err(|e| format!("无法创建临时目录 {}：{e}", work.display()))?;
    let result = convert_in(exe, files, out_dir, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn convert_in(
    exe: &str,
    files: &[PathBuf],
    out_dir: &Path,
    work: &Path,
) -> Result<Vec<PathBuf>, String> {
    let profile = work.join("profile");
    let pdfs = work.join("pdf");
    let mut chunk: Vec<&PathBuf> = Vec::new();
    let mut chars = 0;
    for (i, f) in files.iter().enumerate() {
        chunk.push(f);
        chars += f.as_os_str().len() + 1;
        if chars >= MAX_ARG_CHARS || i + 1 == files.len() {
            run_soffice(exe, &chunk, &profile, &pdfs)?;
            chunk.clear();
            chars = 0;
        }
    }
    let mut written = Vec::new();
    let mut missing = Vec::new();
    for f in files {
        let stem = f.file_stem().unwrap_or_default();
        let name = Path::new(stem).with_extension("pdf");
        let from = pdfs.join(&name);
        let to = out_dir.join(&name);
        if from.is_file() && std::fs::rename(&from, &to).is_ok() {
            written.push(to);
        } else {
            missing.push(f.display().to_string());
        }
    }
    if missing.is_empty() {
        Ok(written)
    } else {
        Err(format!(
            "LibreOffice 没能转换这些文件：{}",
            missing.join("、")
        ))
    }
}

fn run_soffice(exe: &str, files: &[&PathBuf], profile: &Path, pdfs: &Path) -> Result<(), String> {
    // Its messages go to a file: a pipe nobody reads could fill and stop it.
    let log = pdfs.with_file_name("soffice.log");
    let mut cmd = Command::new(exe);
    cmd.arg(format!("-env:UserInstallation={}", file_url(profile)))
        .args(["--headless", "--norestore", "--nolockcheck"])
        .args(["--convert-to", "pdf", "--outdir"])
        .arg(pdfs)
        .args(files)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(match std::fs::File::create(&log) {
            Ok(f) => Stdio::from(f),
            Err(_) => Stdio::null(),
        });
    let mut child = cmd.spawn().map_err(|_| MISSING.to_string())?;
    let limit = Duration::from_secs(START_SECS + PER_FILE_SECS * files.len() as u64);
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let err = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(format!("LibreOffice 转换失败（{status}）：{}", err.trim()));
            }
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "LibreOffice 在 {} 秒内没有完成转换，已停止",
                    limit.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("无法等待 LibreOffice：{e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_urls_are_absolute_and_escaped() {
        let u = file_url(Path::new("/tmp/输出 目录/profile"));
        assert!(u.starts_with("file:///tmp/"), "{u}");
        assert!(!u.contains(' ') && u.contains("%20"), "{u}");
        assert!(u.ends_with("/profile"));
        assert!(file_url(Path::new("rel")).starts_with("file:///"));
    }
}
