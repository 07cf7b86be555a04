//! The run's manifest entries, on disk instead of in memory.
//!
//! Owns where a batch keeps the entries it has accounted for: a temporary
//! file of wenshu's in the output directory, one JSON line per entry, in
//! batch order. A batch of any length then holds none of them in memory:
//! the manifest is written by streaming them back ([`super::manifest`]),
//! and the few steps that need them all at once (a sharded run's merge,
//! the LibreOffice step of filled templates) read them back for that step
//! only. It never decides what an entry says. The file goes with the batch
//! (removed on drop); one left by a killed run is removed by a later run in
//! that directory once its process is gone, like any temporary of wenshu's.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use super::manifest::{Entry, MANIFEST_JSON};
use crate::output::{create_temp, OutDir};

pub(super) struct Journal {
    path: PathBuf,
    file: BufWriter<File>,
    len: usize,
}

impl Journal {
    /// An empty journal in the output directory.
    pub fn create(out: &OutDir) -> io::Result<Journal> {
        std::fs::create_dir_all(out.dir())?;
        let (path, file) = create_temp(out.dir(), MANIFEST_JSON)?;
        Ok(Journal {
            path,
            file: BufWriter::new(file),
            len: 0,
        })
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends the next entry.
    pub fn push(&mut self, entry: &Entry) -> io::Result<()> {
        serde_json::to_writer(&mut self.file, entry)?;
        self.file.write_all(b"\n")?;
        self.len += 1;
        Ok(())
    }

    /// Each entry's JSON text, in order, read back from the file.
    pub fn lines(&mut self) -> io::Result<impl Iterator<Item = io::Result<String>>> {
        self.file.flush()?;
        Ok(BufReader::new(File::open(&self.path)?).lines())
    }

    /// Every entry, for a step that needs them all at once.
    pub fn read_all(&mut self) -> io::Result<Vec<Entry>> {
        self.lines()?
            .map(|line| Ok(serde_json::from_str(&line?)?))
            .collect()
    }

    /// Replaces every entry (after a step changed some of them).
    pub fn rewrite(&mut self, entries: &[Entry]) -> io::Result<()> {
        self.file.flush()?;
        let file = File::create(&self.path)?;
        self.file = BufWriter::new(file);
        self.len = 0;
        for e in entries {
            self.push(e)?;
        }
        self.file.flush()
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize) -> Entry {
        Entry {
            input: "名单.csv".into(),
            row: Some(i + 2),
            input_sha256: "0".repeat(64),
            reads: Vec::new(),
            status: "成功".into(),
            outputs: Vec::new(),
            errors: vec![format!("第{i}条\n换行与\"引号\"")],
        }
    }

    #[test]
    fn entries_come_back_in_order_and_the_file_goes_with_the_journal() {
        let dir = std::env::temp_dir().join(format!("wenshu-journal-{}", std::process::id()));
        let out = OutDir::open(&dir, false);
        let mut j = Journal::create(&out).unwrap();
        let path = j.path.clone();
        for i in 0..3 {
            j.push(&entry(i)).unwrap();
        }
        assert_eq!(j.len(), 3);
        let back = j.read_all().unwrap();
        assert_eq!(back, (0..3).map(entry).collect::<Vec<_>>());
        let mut changed = back.clone();
        changed[1].status = "失败".into();
        j.rewrite(&changed).unwrap();
        j.push(&entry(3)).unwrap();
        let back = j.read_all().unwrap();
        assert_eq!(back.len(), 4);
        assert_eq!(back[1].status, "失败");
        drop(j);
        assert!(!path.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
