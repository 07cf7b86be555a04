//! The merged print file: every paper from a right-hand (odd) page, blank
//! pages without numbers between, a bookmark per paper.
//!
//! Owns putting the book on disk like any other output: the target checked
//! before the first paper is rendered (see `open_merge`), the book built in a
//! temporary file of its own, recorded as wenshu's, renamed over the target
//! when complete. wenshu's own papers are streamed into it as they are
//! typeset (fonts embedded once); filled office templates, whose PDFs
//! LibreOffice makes at the end, are joined by [`crate::merge`]. A batch
//! that stops early removes its temporary file; one that is killed leaves
//! it for a later run, which removes it once its process is gone.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::fonts::Fonts;
use crate::output::{self, Hashing, OutDir};
use crate::pdf::PdfStream;
use crate::typeset::layout::Layout;

/// Where the book goes: a name in a directory whose record decides whether
/// an existing file of that name may be replaced.
pub(super) struct Target {
    pub dir: OutDir,
    pub name: String,
}

impl Target {
    /// Puts the finished book at `tmp` in place: checked again (the target
    /// may have appeared or changed while the batch ran), recorded, renamed.
    fn place(&self, tmp: &Path, sha256: Option<String>) -> Result<(), String> {
        self.dir
            .adopt(&self.name, tmp, sha256)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Joins PDFs that wenshu did not lay out (title, file) into the book;
    /// returns its page count.
    pub(super) fn join(&self, papers: &[(String, PathBuf)]) -> Result<usize, String> {
        let (tmp, file) =
            output::create_temp(self.dir.dir(), &self.name).map_err(|e| e.to_string())?;
        drop(file);
        let result = crate::merge::merge(papers, &tmp).and_then(|pages| {
            self.place(&tmp, None)?;
            Ok(pages)
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// A book of wenshu's own papers, written as they are typeset.
pub(super) struct MergeFile {
    target: Target,
    tmp: PathBuf,
    pdf: Option<PdfStream<Hashing<BufWriter<std::fs::File>>>>,
}

impl MergeFile {
    /// Opens the book's temporary file beside the target.
    pub(super) fn create(target: Target) -> std::io::Result<Self> {
        let (tmp, file) = output::create_temp(target.dir.dir(), &target.name)?;
        let writer = Hashing::new(BufWriter::with_capacity(1 << 20, file));
        let pdf = match PdfStream::new(writer) {
            Ok(pdf) => pdf,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        Ok(MergeFile {
            target,
            tmp,
            pdf: Some(pdf),
        })
    }

    /// Adds a paper, from a right-hand page.
    pub(super) fn add(
        &mut self,
        layout: &Layout,
        fonts: &Fonts,
        title: &str,
    ) -> std::io::Result<()> {
        let pdf = self.pdf.as_mut().expect("open until finished");
        if pdf.page_count() % 2 == 1 {
            pdf.add_blank_page(fonts)?;
        }
        self.paper(layout, fonts, title)
    }

    /// Puts a paper before all others, padded to an even number of pages
    /// so that the first of the rest still opens on a right-hand page.
    pub(super) fn add_front(
        &mut self,
        layout: &Layout,
        fonts: &Fonts,
        title: &str,
    ) -> std::io::Result<()> {
        let from = self.pdf.as_ref().expect("open until finished").page_count();
        self.paper(layout, fonts, title)?;
        let pdf = self.pdf.as_mut().expect("open until finished");
        if (pdf.page_count() - from) % 2 == 1 {
            pdf.add_blank_page(fonts)?;
        }
        pdf.move_to_front(from);
        Ok(())
    }

    /// A paper's bookmark and pages, where the book now ends.
    fn paper(&mut self, layout: &Layout, fonts: &Fonts, title: &str) -> std::io::Result<()> {
        let pdf = self.pdf.as_mut().expect("open until finished");
        pdf.bookmark(title);
        for page in &layout.pages {
            pdf.add_page(page, fonts)?;
        }
        Ok(())
    }

    /// Completes the file and puts it in place; returns its page count.
    pub(super) fn finish(mut self, fonts: &Fonts) -> Result<usize, String> {
        let pdf = self.pdf.take().expect("open until finished");
        let pages = pdf.page_count();
        let title = "先进性教育活动文书合订本";
        let (writer, sha256) = pdf
            .finish(fonts, title)
            .map_err(|e| e.to_string())?
            .finish();
        let file = writer
            .into_inner()
            .map_err(|e| e.into_error().to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        drop(file);
        let placed = self.target.place(&self.tmp, Some(sha256));
        if placed.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        placed.map(|()| pages)
    }
}

impl Drop for MergeFile {
    /// A batch that stops before the book is complete leaves no part of it.
    fn drop(&mut self) {
        if self.pdf.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
