//! Output files: safe names, whole-or-nothing writes, and never replacing a
//! file that is not wenshu's own.
//!
//! Owns how a paper's file is named and put on disk. Names come from content
//! but are made safe for Windows (the users' platform) and for every file
//! system's 255-byte limit, and can never climb out of the output directory.
//! Every file is written to a temporary file of its own (created exclusively,
//! never through an existing path) in the same directory and renamed, so an
//! existing file is replaced whole or not at all, and an interrupted run
//! leaves no half-written paper.
//!
//! A directory wenshu writes into keeps a record, [`RECORD`], of the SHA-256
//! of every file it wrote there, appended *before* the file is renamed into
//! place (so a run killed at any point leaves nothing unrecorded). A file
//! that is not in the record, or whose bytes changed since, is the user's:
//! it is never replaced without `--force`, and the refusal names it. The
//! module never decides what a paper is called: the kinds give the stems.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use crate::input::sha256_hex;

/// Longest file stem, in characters: Windows paths are limited, and a
/// paper's name is a kind plus a person or unit.
const MAX_STEM_CHARS: usize = 80;
/// Longest file stem, in UTF-8 bytes. ext4 and most Unix file systems allow
/// 255 bytes a name; 60 characters of U+20000 are already 240. This leaves
/// room for a `-12` of a repeated name, the `.docx` and the temporary
/// file's decoration (`.` … `.wenshu-HOST-PID-N.tmp`, at most 50 bytes).
const MAX_STEM_BYTES: usize = 190;

/// The record of what wenshu wrote into a directory: one line a write,
/// `SHA-256 name`.
pub const RECORD: &str = ".wenshu-written";

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes `stem` a safe Windows file name: no reserved characters, no path
/// separators, no control characters, no trailing dot or space, not a
/// reserved device name, not empty, and short enough for any file system.
pub fn safe_stem(stem: &str) -> String {
    let mut s = String::new();
    for c in stem
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(MAX_STEM_CHARS)
    {
        if s.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        s.push(c);
    }
    while s.ends_with(['.', ' ']) {
        s.pop();
    }
    let s2 = s.trim_start_matches(['.', ' ']).to_string();
    s = s2;
    let upper = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    if s.is_empty() {
        s.push_str("文书");
    }
    s
}

/// The file stems taken in one run: each paper gets a unique one, with
/// `-2`, `-3`, … added in order of arrival (comparison ignores case, as
/// Windows does), so the same inputs always give the same names.
#[derive(Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A safe stem for `stem` that no earlier paper of this run has; the
    /// DOCX and PDF of one paper share it.
    pub fn unique(&mut self, stem: &str) -> String {
        let base = safe_stem(stem);
        let mut name = base.clone();
        let mut n = 1;
        while !self.taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{base}-{n}");
        }
        name
    }

    /// Whether `stem` is a safe stem that no paper of this run has yet.
    pub fn is_free(&self, stem: &str) -> bool {
        safe_stem(stem) == stem && !self.taken.contains(&stem.to_lowercase())
    }

    /// Marks a stem as taken (a resumed batch keeps its earlier names; the
    /// merged print file's name is no paper's).
    pub fn reserve(&mut self, stem: &str) {
        self.taken.insert(stem.to_lowercase());
    }
}

/// This machine's name as it goes into temporary file names: letters,
/// digits and `-`, at most 16. A shared folder may be written by several
/// machines, and a process id means something only on its own machine.
pub fn host_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let name = host_name();
        let tag: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(16)
            .collect();
        if tag.is_empty() {
            "host".into()
        } else {
            tag
        }
    })
}

#[cfg(unix)]
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most
    // that many bytes.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    if ok {
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    }
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}

/// Numbers the temporary files of this process.
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The marker in every temporary file name of this process.
fn temp_marker() -> String {
    format!(".wenshu-{}-{}-", host_tag(), std::process::id())
}

/// A temporary file for `name` in `dir`, created exclusively: a name that
/// exists (a planted symlink, another run's temporary) is never opened, the
/// next number is tried instead. Named `.NAME.wenshu-HOST-PID-N.tmp`, so
/// that only wenshu's own are ever cleaned up, and only a dead process's.
pub fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let marker = temp_marker();
    loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}{marker}{n}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(windows)]
        {
            // No delete sharing: while this process holds it, another run's
            // clean-up cannot remove it.
            use std::os::windows::fs::OpenOptionsExt;
            options.share_mode(1); // FILE_SHARE_READ
        }
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1_000_000 => {}
            Err(e) => return Err(e),
        }
    }
}

/// A temporary directory for `name` in `dir`, made exclusively and named
/// like [`create_temp`]'s files (a killed run's is removed the same way).
pub fn create_temp_dir(dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    let marker = temp_marker();
    loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}{marker}{n}.tmp"));
        match std::fs::create_dir(&tmp) {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1_000_000 => {}
            Err(e) => return Err(e),
        }
    }
}

/// The host and process id in a temporary file name made by
/// [`create_temp`], if it is one.
fn temp_owner(file_name: &str) -> Option<(&str, u32)> {
    let rest = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let at = rest.rfind(".wenshu-")?;
    let mut parts = rest[at + ".wenshu-".len()..].rsplitn(3, '-');
    let _n: usize = parts.next()?.parse().ok()?;
    let pid: u32 = parts.next()?.parse().ok()?;
    let host = parts.next()?;
    Some((host, pid))
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Elsewhere (Windows) a live process holds its temporary files open
/// without delete sharing, so removing one of them fails by itself.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    false
}

/// Removes the temporary files that a killed run of wenshu on this machine
/// left in `dir`: only names [`create_temp`] makes, and only those whose
/// process is gone. The user's own `.tmp` files and a live run's are kept.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((host, pid)) = temp_owner(&name) else {
            continue;
        };
        if host != host_tag() || pid == std::process::id() || process_alive(pid) {
            continue;
        }
        // The entry's own type: a symlink is never followed.
        match e.file_type() {
            Ok(t) if t.is_file() => {
                let _ = std::fs::remove_file(e.path());
            }
            Ok(t) if t.is_dir() => {
                let _ = std::fs::remove_dir_all(e.path());
            }
            _ => {}
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file of its own beside
/// it, flushed, then renamed over the target. Says nothing about whose the
/// target was: see [`OutDir`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = file_name(path);
    let (tmp, mut f) = create_temp(dir, &name)?;
    let result = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The lines of the record in `dir`: (SHA-256, name).
fn read_record(dir: &Path) -> Vec<(String, String)> {
    let Ok(bytes) = crate::input::read_limited(&dir.join(RECORD), MAX_RECORD_BYTES) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|line| {
            let (sha, name) = line.split_once(' ')?;
            (sha.len() == 64 && !name.is_empty()).then(|| (sha.to_string(), name.to_string()))
        })
        .collect()
}

/// A file that was not written: it exists and is not wenshu's to
/// replace, or the system refused.
#[derive(Debug)]
pub enum WriteError {
    /// A directory, a symlink, a FIFO…: wenshu writes only regular files.
    NotAFile(PathBuf),
    /// Not in the directory's record: the user's own file.
    NotOurs(PathBuf),
    /// In the record, but changed since wenshu wrote it.
    Changed(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl WriteError {
    pub fn path(&self) -> &Path {
        match self {
            WriteError::NotAFile(p)
            | WriteError::NotOurs(p)
            | WriteError::Changed(p)
            | WriteError::Io(p, _) => p,
        }
    }

    /// Why, without the path.
    pub fn reason(&self) -> String {
        match self {
            WriteError::NotAFile(_) => {
                "已存在，但不是普通文件（目录、链接或特殊文件），不能用作输出".into()
            }
            WriteError::NotOurs(_) => "已存在，不是文书写的文件，文书不会覆盖它".into(),
            WriteError::Changed(_) => "是文书写的，但写出后被改动过，文书不会覆盖它".into(),
            WriteError::Io(_, e) => format!("无法写入：{e}"),
        }
    }

    /// The error as a diagnostic about the file it names.
    pub fn diagnostic(&self) -> crate::diag::Diagnostic {
        let d = crate::diag::Diagnostic::whole_file(
            &self.path().display().to_string(),
            crate::diag::Code::Output,
            self.reason(),
        );
        match self {
            WriteError::NotOurs(_) | WriteError::Changed(_) => {
                d.with_help("请先把它移走或改名；如确要用文书的输出覆盖它，请加 --force")
            }
            _ => d,
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.path().display(), self.reason())
    }
}

/// A directory wenshu writes into, with its record of what wenshu wrote
/// there. Shared by the threads that write: the record only grows, by
/// whole lines appended.
pub struct OutDir {
    dir: PathBuf,
    /// name → every SHA-256 written under it.
    written: std::sync::Mutex<HashMap<String, HashSet<String>>>,
    /// `--force`: replace any regular file or link.
    force: bool,
}

/// The record is wenshu's own file: three lines of about 110 bytes for each
/// of a million files.
const MAX_RECORD_BYTES: u64 = 512 * 1024 * 1024;
/// More record lines than this many per file name, and the record is
/// rewritten with the last few of each.
const RECORD_SLACK: usize = 4;
/// Lines kept per name when the record is rewritten: the current file is
/// one of the last writes unless that many in a row were cut off between
/// recording and renaming.
const RECORD_KEEP: usize = 3;

impl OutDir {
    /// Opens `dir`, removes stale temporary files of killed runs, and reads
    /// its record. The directory is made by the first write (a render that
    /// fails makes no folder).
    pub fn open(dir: &Path, force: bool) -> OutDir {
        remove_stale_temporaries(dir);
        let lines = read_record(dir);
        let mut written: HashMap<String, HashSet<String>> = HashMap::new();
        for (sha, name) in &lines {
            written.entry(name.clone()).or_default().insert(sha.clone());
        }
        let names = written.len();
        let out = OutDir {
            dir: dir.to_path_buf(),
            written: std::sync::Mutex::new(written),
            force,
        };
        if lines.len() > RECORD_SLACK * names + 256 {
            out.compact(&lines);
        }
        out
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `name` may be written: it does not exist, or it is a file
    /// wenshu wrote and nobody changed since, or `--force` was given.
    pub fn check(&self, name: &str) -> Result<(), WriteError> {
        let path = self.path(name);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(WriteError::Io(path, e)),
        };
        if meta.is_dir() {
            return Err(WriteError::NotAFile(path));
        }
        if self.force {
            return Ok(());
        }
        if !meta.is_file() {
            return Err(WriteError::NotAFile(path));
        }
        let sha = hash_file(&path).map_err(|e| WriteError::Io(path.clone(), e))?;
        if self.knows(name, Some(&sha)) {
            return Ok(());
        }
        // Another run writing into this directory (a shard) may have
        // recorded it since this one started.
        for (sha, name) in read_record(&self.dir) {
            self.trust(&name, &sha);
        }
        if self.knows(name, Some(&sha)) {
            Ok(())
        } else if self.knows(name, None) {
            Err(WriteError::Changed(path))
        } else {
            Err(WriteError::NotOurs(path))
        }
    }

    /// Whether the record has `name` (with this hash, if given).
    fn knows(&self, name: &str, sha256: Option<&str>) -> bool {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written
            .get(name)
            .is_some_and(|k| sha256.is_none_or(|s| k.contains(s)))
    }

    /// Whether `name` holds exactly what wenshu wrote with this hash.
    pub fn holds(&self, name: &str, sha256: &str) -> bool {
        let path = self.path(name);
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            && self.knows(name, Some(sha256))
            && hash_file(&path).is_ok_and(|h| h == sha256)
    }

    /// Takes `sha256` as wenshu's own for `name` for this run without
    /// recording it: a manifest that lists what an earlier wenshu wrote.
    pub fn trust(&self, name: &str, sha256: &str) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(name.to_string())
            .or_default()
            .insert(sha256.to_string());
    }

    /// Writes `name` whole: checked, then a temporary file, recorded, then
    /// renamed into place. Returns its SHA-256.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<String, WriteError> {
        self.check(name)?;
        self.put(name, bytes)
    }

    /// Puts the file at `from` (a temporary file of wenshu's in this
    /// directory, written by a stream or another program) in place as
    /// `name`: checked, recorded, renamed. `sha256` is its hash when the
    /// writer computed it on the way. Returns its SHA-256.
    pub fn adopt(
        &self,
        name: &str,
        from: &Path,
        sha256: Option<String>,
    ) -> Result<String, WriteError> {
        self.check(name)?;
        let path = self.path(name);
        let sha = match sha256 {
            Some(sha) => Ok(sha),
            None => hash_file(from),
        };
        sha.and_then(|sha| self.note(name, &sha).map(|()| sha))
            .and_then(|sha| std::fs::rename(from, &path).map(|()| sha))
            .map_err(|e| WriteError::Io(path, e))
    }

    /// [`OutDir::write`] for a name the caller has just checked.
    pub fn put(&self, name: &str, bytes: &[u8]) -> Result<String, WriteError> {
        let path = self.path(name);
        let sha = sha256_hex(bytes);
        let (tmp, mut f) = std::fs::create_dir_all(&self.dir)
            .and_then(|()| create_temp(&self.dir, name))
            .map_err(|e| WriteError::Io(path.clone(), e))?;
        let result = (|| {
            f.write_all(bytes)?;
            f.sync_all()?;
            drop(f);
            self.note(name, &sha)?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(WriteError::Io(path, e));
        }
        Ok(sha)
    }

    /// Appends `sha name` to the record, in one write of one line (appends
    /// of several processes do not mix), never through a symlink.
    pub fn note(&self, name: &str, sha256: &str) -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let mut f = options.open(self.dir.join(RECORD))?;
        if !f.metadata()?.is_file() {
            return Err(std::io::Error::other(format!("{RECORD} 不是普通文件")));
        }
        f.write_all(format!("{sha256} {name}\n").as_bytes())?;
        self.trust(name, sha256);
        Ok(())
    }

    /// Rewrites the record with the last [`RECORD_KEEP`] lines of each
    /// name. Skipped if another run appended meanwhile (then that run's
    /// lines would be lost); a later run tries again.
    fn compact(&self, lines: &[(String, String)]) {
        let mut kept: HashMap<&str, usize> = HashMap::new();
        let mut keep = vec![false; lines.len()];
        for (i, (_, name)) in lines.iter().enumerate().rev() {
            let n = kept.entry(name).or_default();
            if *n < RECORD_KEEP {
                *n += 1;
                keep[i] = true;
            }
        }
        let text: String = lines
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|((sha, name), _)| format!("{sha} {name}\n"))
            .collect();
        let record = self.dir.join(RECORD);
        let before = std::fs::symlink_metadata(&record).map(|m| m.len()).ok();
        let Ok((tmp, mut f)) = create_temp(&self.dir, RECORD) else {
            return;
        };
        let written = f.write_all(text.as_bytes()).and_then(|()| f.sync_all());
        drop(f);
        let now = std::fs::symlink_metadata(&record).map(|m| m.len()).ok();
        if written.is_err() || before != now || std::fs::rename(&tmp, &record).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The SHA-256 of a file, read in pieces (a merged print file may be
/// hundreds of MB).
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut f, &mut HashWriter(&mut hasher))?;
    Ok(hex(&hasher.finalize()))
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that hashes what passes through it, for a file too large to
/// hold in memory (the merged print file).
pub struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// The writer and the SHA-256 of everything written through it.
    pub fn finish(self) -> (W, String) {
        (self.inner, hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wenshu-out-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn names_are_windows_safe_and_stay_in_dir() {
        assert_eq!(safe_stem("党性分析材料-张三"), "党性分析材料-张三");
        assert_eq!(safe_stem("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_stem("a:b*c?"), "a_b_c_");
        assert_eq!(safe_stem("CON"), "_CON");
        assert_eq!(safe_stem("名字. "), "名字");
        assert_eq!(safe_stem(""), "文书");
        assert!(!safe_stem("x/y\\z").contains(['/', '\\']));
    }

    #[test]
    fn long_names_are_cut_by_bytes_and_stay_unique() {
        let wide = "\u{20000}".repeat(60);
        let stem = safe_stem(&format!("整改方案-{wide}"));
        assert!(stem.len() <= MAX_STEM_BYTES, "{}", stem.len());
        assert!(stem.starts_with("整改方案-\u{20000}"));
        let mut names = Names::default();
        let a = names.unique(&format!("整改方案-{wide}甲"));
        let b = names.unique(&format!("整改方案-{wide}乙"));
        assert_ne!(a, b);
        let tmp = format!(".{b}.docx{}123.tmp", temp_marker());
        assert!(tmp.len() <= 255, "{}", tmp.len());
    }

    #[test]
    fn collisions_get_numbers() {
        let mut names = Names::default();
        assert_eq!(names.unique("a"), "a");
        assert_eq!(names.unique("A"), "A-2");
        names.reserve("b-2");
        assert_eq!(names.unique("b"), "b");
        assert_eq!(names.unique("b"), "b-3");
    }

    #[cfg(unix)]
    #[test]
    fn temporaries_are_exclusive_and_only_dead_ones_are_removed() {
        let dir = scratch("tmp");
        let (a, _fa) = create_temp(&dir, "x.pdf").unwrap();
        let (b, _fb) = create_temp(&dir, "x.pdf").unwrap();
        assert_ne!(a, b);
        assert_eq!(
            temp_owner(&file_name(&a)),
            Some((host_tag(), std::process::id()))
        );
        // A user's own temporary files, a live process's and a dead one's.
        std::fs::write(dir.join(".mine.tmp"), "user").unwrap();
        std::fs::write(dir.join(".x.pdf.tmp"), "user").unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let dead = dir.join(format!(".y.pdf.wenshu-{}-{gone}-0.tmp", host_tag()));
        std::fs::write(&dead, "partial").unwrap();
        let other_host = dir.join(format!(".y.pdf.wenshu-elsewhere-{gone}-0.tmp"));
        std::fs::write(&other_host, "theirs").unwrap();
        remove_stale_temporaries(&dir);
        assert!(!dead.exists());
        for kept in [
            &a,
            &b,
            &dir.join(".mine.tmp"),
            &dir.join(".x.pdf.tmp"),
            &other_host,
        ] {
            assert!(kept.exists(), "{}", kept.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_never_written_through() {
        let dir = scratch("plant");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        // Plant links at the next temporary names of this process.
        let next = TEMP_COUNTER.load(Ordering::Relaxed);
        for n in next..next + 200 {
            let _ = std::os::unix::fs::symlink(
                &victim,
                dir.join(format!(".out.pdf{}{n}.tmp", temp_marker())),
            );
        }
        let out = OutDir::open(&dir, false);
        out.write("out.pdf", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(dir.join("out.pdf")).unwrap(), "new");
        // Nor the record, nor an output path that is a link.
        std::fs::remove_file(dir.join(RECORD)).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join(RECORD)).unwrap();
        assert!(out.note("x", &sha256_hex(b"x")).is_err());
        std::os::unix::fs::symlink(&victim, dir.join("link.pdf")).unwrap();
        assert!(matches!(
            out.write("link.pdf", b"x"),
            Err(WriteError::NotAFile(_))
        ));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn only_wenshus_own_unchanged_files_are_replaced() {
        let dir = scratch("own");
        std::fs::write(dir.join("user.docx"), "the user's").unwrap();
        let out = OutDir::open(&dir, false);
        out.write("a.docx", b"one").unwrap();
        // Its own, unchanged: replaced (also by a later run).
        out.write("a.docx", b"two").unwrap();
        let again = OutDir::open(&dir, false);
        again.write("a.docx", b"three").unwrap();
        assert!(again.holds("a.docx", &sha256_hex(b"three")));
        assert!(!again.holds("a.docx", &sha256_hex(b"two")));
        // Not its own, or changed since: refused, naming the file.
        let err = again.write("user.docx", b"x").unwrap_err().to_string();
        assert!(
            err.contains("user.docx") && err.contains("不是文书写的"),
            "{err}"
        );
        std::fs::write(dir.join("a.docx"), "edited by hand").unwrap();
        let later = OutDir::open(&dir, false);
        let err = later.write("a.docx", b"four").unwrap_err().to_string();
        assert!(err.contains("被改动过"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.join("a.docx")).unwrap(),
            "edited by hand"
        );
        // --force replaces it; a directory is never replaced.
        let forced = OutDir::open(&dir, true);
        forced.write("a.docx", b"four").unwrap();
        std::fs::create_dir(dir.join("d.pdf")).unwrap();
        assert!(matches!(
            forced.write("d.pdf", b"x"),
            Err(WriteError::NotAFile(_))
        ));
    }

    #[test]
    fn the_record_is_compacted_but_keeps_the_current_hash() {
        let dir = scratch("compact");
        let out = OutDir::open(&dir, false);
        out.write("a.pdf", b"0").unwrap();
        let old: String = (1..400)
            .map(|i| format!("{} a.pdf\n", sha256_hex(format!("{i}").as_bytes())))
            .collect();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(RECORD))
            .unwrap();
        f.write_all(old.as_bytes()).unwrap();
        out.note("a.pdf", &sha256_hex(b"0")).unwrap();
        let reopened = OutDir::open(&dir, false);
        let lines = std::fs::read_to_string(dir.join(RECORD))
            .unwrap()
            .lines()
            .count();
        assert_eq!(lines, RECORD_KEEP);
        reopened.write("a.pdf", b"again").unwrap();
    }
}
