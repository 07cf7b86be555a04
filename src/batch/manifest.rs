//! The manifest: every input of a batch with its outputs' sizes and SHA-256,
//! or its errors, as manifest.json (read back by `--resume`) and
//! manifest.csv (for a spreadsheet).
//!
//! Owns the two files' shape, reading the JSON back, and merging the entries
//! of shards that write into one directory (under a short lock, so shards
//! running at the same time do not lose each other's entries). The CSV
//! quotes a cell that a spreadsheet would take for a formula.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use std::io::{BufWriter, Write};

use super::journal::Journal;
use super::Key;
use crate::output::{create_temp, Hashing, OutDir, WriteError};

/// The manifest's file names inside the output directory.
pub const MANIFEST_JSON: &str = "manifest.json";
pub const MANIFEST_CSV: &str = "manifest.csv";
/// Held while a sharded run reads, merges and rewrites the manifest.
const LOCK: &str = ".wenshu-manifest.lock";
/// A lock older than this was left by a killed run: merging takes
/// milliseconds.
const STALE_LOCK: Duration = Duration::from_secs(30);
/// The manifest is wenshu's own file; a batch of 100,000 rows stays well
/// under this.
const MAX_MANIFEST_BYTES: u64 = 512 * 1024 * 1024;

/// A manifest line: one input and what became of it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub input: String,
    /// The table row, for a roster's paper.
    pub row: Option<usize>,
    /// The input's digest, with the files it named (`reads`) folded in.
    pub input_sha256: String,
    /// The files the input named and that were read to make its papers (a
    /// previous phase's record, a ballot CSV): a resume redoes the input
    /// when one of them changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<String>,
    /// 成功, 失败 or 未达标 (a refused 阶段记录: only its 补课清单 was written).
    pub status: String,
    pub outputs: Vec<OutputFile>,
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The manifest as it is read back (written from a borrowed twin in
/// [`write`], so the entries are not copied for every write).
#[derive(Deserialize)]
pub struct Manifest {
    wenshu: String,
    /// What affects the bytes of the outputs.
    settings: String,
    pub entries: Vec<Entry>,
}

impl Manifest {
    /// Whether this version with these settings wrote it: only then can a
    /// resume keep its outputs.
    pub fn is_current(&self, settings: &str) -> bool {
        self.wenshu == env!("CARGO_PKG_VERSION") && self.settings == settings
    }
}

/// The manifest in `dir`, if there is a readable one.
pub fn load(dir: &Path) -> Option<Manifest> {
    let bytes = crate::input::read_limited(&dir.join(MANIFEST_JSON), MAX_MANIFEST_BYTES).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Every (file name, SHA-256) the manifest says wenshu wrote.
pub fn outputs_of(m: &Manifest) -> impl Iterator<Item = (&str, &str)> {
    m.entries
        .iter()
        .flat_map(|e| &e.outputs)
        .map(|o| (o.path.as_str(), o.sha256.as_str()))
}

/// The file stems of an entry's papers, in order (a paper's DOCX and PDF
/// share one).
pub fn stems_of(e: &Entry) -> Vec<String> {
    let mut stems: Vec<String> = Vec::new();
    for o in &e.outputs {
        let stem = Path::new(&o.path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !stems.contains(&stem) {
            stems.push(stem);
        }
    }
    stems
}

/// Writes manifest.json and manifest.csv from the run's journal, entry by
/// entry: neither file is ever held whole in memory, each is written to a
/// temporary file of its own and put in place complete.
pub(super) fn write_streamed(
    out: &OutDir,
    settings: &str,
    journal: &mut Journal,
) -> Result<(), WriteError> {
    stream_to(out, MANIFEST_JSON, |w| {
        write!(
            w,
            "{{\"wenshu\":{},\"settings\":{},\"entries\":[",
            serde_json::to_string(env!("CARGO_PKG_VERSION"))?,
            serde_json::to_string(settings)?
        )?;
        for (i, line) in journal.lines()?.enumerate() {
            w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            w.write_all(line?.as_bytes())?;
        }
        w.write_all(b"\n]}\n")
    })?;
    stream_to(out, MANIFEST_CSV, |w| {
        w.write_all(CSV_HEADER.as_bytes())?;
        for line in journal.lines()? {
            let entry: Entry = serde_json::from_str(&line?)?;
            w.write_all(csv_lines(&entry).as_bytes())?;
        }
        Ok(())
    })
}

/// Writes `name` through `fill` into a temporary file, then puts it in
/// place (checked, recorded with its SHA-256, renamed).
fn stream_to(
    out: &OutDir,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    out.check(name)?;
    let failed = |e| WriteError::Io(out.path(name), e);
    let (tmp, file) = create_temp(out.dir(), name).map_err(failed)?;
    let written = (|| {
        let mut w = Hashing::new(BufWriter::new(file));
        fill(&mut w)?;
        let (w, sha256) = w.finish();
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(sha256)
    })();
    match written {
        Ok(sha256) => out.adopt(name, &tmp, Some(sha256)).map(|_| ()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(failed(e))
        }
    }
}

/// Where each unit of a sharded batch stands in the whole batch.
pub struct Positions {
    /// This shard's units, in its order.
    pub own: Vec<usize>,
    /// The other shards' units, by key.
    pub others: HashMap<Key, usize>,
}

/// Writes the manifest of one shard: its own entries (the first ones of
/// `positions.own`) and, from the manifest on disk, those of the other
/// shards, all in batch order.
pub fn write_merged(
    out: &OutDir,
    settings: &str,
    entries: &[Entry],
    positions: &Positions,
) -> Result<(), WriteError> {
    let _lock = Lock::take(&out.path(LOCK));
    let theirs: Vec<(usize, Entry)> = load(&out.path(""))
        .filter(|m| m.is_current(settings))
        .map(|m| m.entries)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| Some((*positions.others.get(&(e.input.clone(), e.row))?, e)))
        .collect();
    let mut all: Vec<(usize, &Entry)> = positions.own.iter().copied().zip(entries).collect();
    all.extend(theirs.iter().map(|(at, e)| (*at, e)));
    all.sort_by_key(|(at, _)| *at);
    let merged: Vec<&Entry> = all.into_iter().map(|(_, e)| e).collect();
    write_refs(out, settings, &merged)
}

fn write_refs(out: &OutDir, settings: &str, entries: &[&Entry]) -> Result<(), WriteError> {
    #[derive(Serialize)]
    struct ManifestRef<'a> {
        wenshu: &'a str,
        settings: &'a str,
        entries: &'a [&'a Entry],
    }
    let m = ManifestRef {
        wenshu: env!("CARGO_PKG_VERSION"),
        settings,
        entries,
    };
    let json = serde_json::to_vec_pretty(&m)
        .map_err(|e| WriteError::Io(out.path(MANIFEST_JSON), std::io::Error::other(e)))?;
    out.write(MANIFEST_JSON, &json)?;
    out.write(MANIFEST_CSV, csv(entries).as_bytes())?;
    Ok(())
}

/// The CSV's first line (with a BOM, so that Excel reads it as UTF-8).
const CSV_HEADER: &str = "\u{FEFF}输入,行,状态,输出文件,字节,SHA-256,错误\n";

/// The CSV: one line per output file (one per entry without outputs).
fn csv(entries: &[&Entry]) -> String {
    let mut csv = String::from(CSV_HEADER);
    for e in entries {
        csv.push_str(&csv_lines(e));
    }
    csv
}

/// An entry's CSV lines: one per output file, or one if it has none.
fn csv_lines(e: &Entry) -> String {
    let row = e.row.map(|r| r.to_string()).unwrap_or_default();
    let errors = e.errors.join("；");
    if e.outputs.is_empty() {
        return csv_line(&[&e.input, &row, &e.status, "", "", "", &errors]);
    }
    e.outputs
        .iter()
        .map(|o| {
            let bytes = o.bytes.to_string();
            csv_line(&[
                &e.input, &row, &e.status, &o.path, &bytes, &o.sha256, &errors,
            ])
        })
        .collect()
}

/// One CSV line. A cell that starts like a formula (= + - @, or a tab or
/// carriage return before one) is opened with an apostrophe and quoted, as
/// OWASP advises: Excel and WPS would otherwise run a file name such as
/// `=HYPERLINK(…)` as a formula.
fn csv_line(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            let formula = c.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let c = if formula {
                format!("'{c}")
            } else {
                c.to_string()
            };
            if formula || c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// A lock file taken with create_new; removed when dropped. A stale one
/// (its run was killed) is taken over; after a minute of waiting the
/// merge goes ahead without it rather than stop a batch.
struct Lock(Option<std::path::PathBuf>);

impl Lock {
    fn take(path: &Path) -> Lock {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return Lock(Some(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = std::fs::symlink_metadata(path)
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE_LOCK));
                    if stale {
                        let _ = std::fs::remove_file(path);
                        continue;
                    }
                }
                Err(_) => return Lock(None),
            }
            if std::time::Instant::now() > deadline {
                return Lock(None);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(
            csv_line(&["=HYPERLINK(\"x\")", "+1", "-2", "@a", "\tb", "ok", "a,b"]),
            "\"'=HYPERLINK(\"\"x\"\")\",\"'+1\",\"'-2\",\"'@a\",\"'\tb\",ok,\"a,b\"\n"
        );
    }
}
