//! PDF writer: laid-out pages → a PDF, one paper or a whole batch.
//!
//! Owns the PDF objects: pages, content streams, and one embedded CID font
//! per face used, subset to the glyphs used, with widths and a ToUnicode map
//! so text can be searched and extracted. Pages are streamed to the output
//! as they come and the fonts written once at the end, so a merged print
//! file of ten thousand papers holds only the glyph tables in memory and
//! embeds each face once. Output is deterministic: no dates, a file ID
//! derived from the content, subset tags derived from the glyph set, and
//! caches that change how fast bytes are made, never which. It never breaks
//! lines or decides positions: [`crate::typeset::layout`] did that.
//!
//! A batch's papers differ by a few glyphs (a name), so the work of a font
//! subset is shared across papers: CFF subsets are assembled from glyphs
//! flattened once ([`cff`]; TrueType faces go through Typst's `subsetter`,
//! which copies their glyphs quickly), and font programs are compressed
//! chunk by chunk through a cache ([`deflate`]). Glyphs keep the order of
//! first use: a name's new glyphs then change a subset where the name first
//! appears, mostly the signature at the end (measured on 300 党性分析材料
//! with distinct names, in 16 KiB chunks: 35 KB a paper left to compress,
//! against 85 KB with the glyphs in glyph id order).
//!
//! Why pdf-writer and not printpdf: measured on this project's machines,
//! printpdf subsets only through its `text_layout` feature (azul + allsorts,
//! 4 minutes to build) at 11–18 ms a page, which caps a 7-page paper near
//! 10 PDFs/s a core; pdf-writer writes objects directly.

mod cff;
mod deflate;

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Content, Filter, Name, Rect, Ref, Str, TextStr};

use crate::fonts::{Fonts, LoadedFace};
use crate::typeset::layout::{Color, Layout, Page, TextRun, PAGE_H, PAGE_W};

/// The width of a glyph the W array does not list (DW): a CJK em.
const DEFAULT_WIDTH: f32 = 1000.0;

/// Builds the PDF of one paper.
pub fn write(layout: &Layout, fonts: &Fonts, title: &str) -> Vec<u8> {
    let mut pdf = PdfStream::new(Vec::with_capacity(256 * 1024)).expect("writing to memory");
    for page in &layout.pages {
        pdf.add_page(page, fonts).expect("writing to memory");
    }
    pdf.finish(fonts, title).expect("writing to memory")
}

/// One face's use in a file: its font object and the glyphs used so far,
/// renumbered in order of first use (the CIDs the content streams show).
struct FaceUse {
    font: Ref,
    remapper: subsetter::GlyphRemapper,
    /// Original glyph ids in order of numbering (`.notdef` not among them).
    order: Vec<u16>,
    /// The character each glyph stands for (for ToUnicode).
    chars: HashMap<u16, char>,
}

impl FaceUse {
    /// The CID of `gid`, numbered now if it is new.
    fn note(&mut self, gid: u16, ch: char) -> u16 {
        if let Some(cid) = self.remapper.get(gid) {
            return cid;
        }
        self.order.push(gid);
        self.chars.insert(gid, ch);
        self.remapper.remap(gid)
    }
}

/// A PDF written object by object to `out`: pages as they come, fonts,
/// page tree, catalog and cross-reference table at [`PdfStream::finish`].
pub struct PdfStream<W: Write> {
    out: W,
    offset: u64,
    /// Byte offset of each object, by object number.
    offsets: BTreeMap<i32, u64>,
    next: Ref,
    pages_id: Ref,
    page_refs: Vec<Ref>,
    faces: BTreeMap<usize, FaceUse>,
    /// FNV-1a over the content streams, for the file ID.
    digest: u64,
    /// Bookmarks: a title and the index of the page it opens.
    bookmarks: Vec<(String, usize)>,
    /// Tests compare against `subsetter`'s subsets.
    #[cfg(test)]
    subsetter_only: bool,
}

impl<W: Write> PdfStream<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        // The binary comment marks the file as binary for transfer tools.
        let header = b"%PDF-1.7\n%\x80\x80\x80\x80\n";
        out.write_all(header)?;
        let mut next = Ref::new(1);
        let pages_id = next.bump();
        Ok(PdfStream {
            out,
            offset: header.len() as u64,
            offsets: BTreeMap::new(),
            next,
            pages_id,
            page_refs: Vec::new(),
            faces: BTreeMap::new(),
            digest: 0xcbf2_9ce4_8422_2325,
            bookmarks: Vec::new(),
            #[cfg(test)]
            subsetter_only: false,
        })
    }

    pub fn page_count(&self) -> usize {
        self.page_refs.len()
    }

    /// A bookmark to the next page added (one per paper in a merged file).
    pub fn bookmark(&mut self, title: &str) {
        self.bookmarks
            .push((title.to_string(), self.page_refs.len()));
    }

    /// Moves the pages added from page `from` on, and their bookmarks,
    /// before all the others: front matter made last, once it is known
    /// (the list of what a merged book lacks).
    pub fn move_to_front(&mut self, from: usize) {
        let n = self.page_refs.len() - from;
        self.page_refs.rotate_right(n);
        for (_, at) in &mut self.bookmarks {
            *at = if *at >= from { *at - from } else { *at + n };
        }
        self.bookmarks.sort_by_key(|&(_, at)| at);
    }

    fn alloc(&mut self) -> Ref {
        self.next.bump()
    }

    /// Writes a chunk holding whole indirect objects, noting their offsets.
    fn emit(&mut self, chunk: &Chunk) -> io::Result<()> {
        let bytes = chunk.as_bytes();
        // Each chunk here holds one object: it starts at the chunk's start.
        for r in chunk.refs() {
            self.offsets.insert(r.get(), self.offset);
        }
        self.out.write_all(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// The face's use in this file, begun on first call.
    fn face_use(&mut self, face: usize) -> &mut FaceUse {
        if !self.faces.contains_key(&face) {
            let font = self.alloc();
            self.faces.insert(
                face,
                FaceUse {
                    font,
                    remapper: subsetter::GlyphRemapper::new(),
                    order: Vec::new(),
                    chars: HashMap::new(),
                },
            );
        }
        self.faces.get_mut(&face).expect("inserted above")
    }

    /// An empty page (no page number): for duplex printing, so that every
    /// paper of a merged file starts on a right-hand page.
    pub fn add_blank_page(&mut self, fonts: &Fonts) -> io::Result<()> {
        self.add_page(&Page::default(), fonts)
    }

    /// Appends one page: its content stream now, its fonts at the end.
    pub fn add_page(&mut self, page: &Page, fonts: &Fonts) -> io::Result<()> {
        let page_id = self.alloc();
        let content_id = self.alloc();
        self.page_refs.push(page_id);
        let mut content = Content::new();
        for rule in &page.rules {
            set_stroke(&mut content, rule.color);
            content.set_line_width(rule.width);
            content.move_to(rule.x1, PAGE_H - rule.y1);
            content.line_to(rule.x2, PAGE_H - rule.y2);
            content.stroke();
        }
        if !page.marks.is_empty() {
            content.set_fill_rgb(0.0, 0.0, 0.0);
            for m in &page.marks {
                content.rect(m.x, PAGE_H - m.y - m.h, m.w, m.h);
            }
            content.fill_nonzero();
        }
        let mut used_here: Vec<usize> = Vec::new();
        // Character spacing (Tc) carries over from one text object to the next.
        let mut char_spacing_now = 0.0f32;
        for run in &page.texts {
            if !used_here.contains(&run.face) {
                used_here.push(run.face);
            }
            let face = &fonts.faces[run.face];
            let usage = self.face_use(run.face);
            content.begin_text();
            set_fill(&mut content, run.color);
            content.set_font(Name(format!("F{}", run.face).as_bytes()), run.size);
            // The gap most glyphs leave after their advance (the grid's) as
            // character spacing, so that only the others need a number.
            let spacing = char_spacing(run, face);
            if run.glyphs.len() > 1 && spacing.to_bits() != char_spacing_now.to_bits() {
                content.set_char_spacing(spacing);
                char_spacing_now = spacing;
            }
            let first = run.glyphs.first().map_or(0.0, |g| g.x);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, first, PAGE_H - run.y]);
            {
                // One TJ: runs of CIDs, and between them where a glyph is
                // not where the reader's pen is, the difference in
                // thousandths of an em.
                let mut shown = content.show_positioned();
                let mut items = shown.items();
                let mut pen = first;
                let mut cids: Vec<u8> = Vec::with_capacity(2 * run.glyphs.len());
                for g in &run.glyphs {
                    let adjust = (g.x - pen) / run.size * 1000.0;
                    if adjust.abs() > ADJUST_FROM {
                        if !cids.is_empty() {
                            items.show(Str(&cids));
                            cids.clear();
                        }
                        items.adjust(-adjust);
                        pen += adjust / 1000.0 * run.size;
                    }
                    let cid = usage.note(g.gid, g.ch);
                    cids.extend_from_slice(&cid.to_be_bytes());
                    pen += face.advance_em(g.gid) * run.size + char_spacing_now;
                }
                if !cids.is_empty() {
                    items.show(Str(&cids));
                }
            }
            content.end_text();
        }
        let raw = content.finish();
        for &b in raw.iter() {
            self.digest = (self.digest ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut chunk = Chunk::new();
        chunk
            .stream(
                content_id,
                &deflate::zlib_recent(&raw, deflate::STREAM_LEVEL),
            )
            .filter(Filter::FlateDecode);
        self.emit(&chunk)?;
        let mut chunk = Chunk::new();
        {
            let mut p = chunk.page(page_id);
            p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
                .parent(self.pages_id)
                .contents(content_id);
            let mut resources = p.resources();
            let mut dict = resources.fonts();
            used_here.sort_unstable();
            for f in used_here {
                dict.pair(Name(format!("F{f}").as_bytes()), self.faces[&f].font);
            }
        }
        self.emit(&chunk)
    }

    /// Writes the fonts (each face subset once, to every glyph used), the
    /// page tree, catalog, document information and cross-reference table.
    pub fn finish(mut self, fonts: &Fonts, title: &str) -> io::Result<W> {
        let faces: Vec<(usize, FaceUse)> = std::mem::take(&mut self.faces).into_iter().collect();
        // Each face's font program and ToUnicode CMap on every core: a
        // single paper's first subsets are all new, and the small faces'
        // need not wait behind the body face's.
        #[cfg(test)]
        let subsetter_only = self.subsetter_only;
        #[cfg(not(test))]
        let subsetter_only = false;
        let parts: Vec<FontParts> = {
            use rayon::prelude::*;
            faces
                .par_iter()
                .map(|(i, usage)| FontParts::of(&fonts.faces[*i], usage, subsetter_only))
                .collect()
        };
        for ((face_idx, usage), parts) in faces.iter().zip(parts) {
            self.write_font(&fonts.faces[*face_idx], usage, parts)?;
        }
        let mut chunk = Chunk::new();
        chunk
            .pages(self.pages_id)
            .kids(self.page_refs.iter().copied())
            .count(self.page_refs.len() as i32);
        self.emit(&chunk)?;
        let outline = self.write_outline()?;
        let catalog_id = self.alloc();
        let info_id = self.alloc();
        let mut chunk = Chunk::new();
        {
            let mut catalog = chunk.indirect(catalog_id).start::<Catalog>();
            catalog.pages(self.pages_id);
            if let Some(root) = outline {
                catalog
                    .outlines(root)
                    .page_mode(pdf_writer::types::PageMode::UseOutlines);
            }
        }
        self.emit(&chunk)?;
        let mut chunk = Chunk::new();
        chunk
            .indirect(info_id)
            .start::<DocumentInfo>()
            .title(TextStr(title))
            .producer(TextStr("wenshu"))
            .creator(TextStr("wenshu"));
        self.emit(&chunk)?;

        // Cross-reference table and trailer, by hand: objects were streamed.
        let size = self.next.get();
        let xref_at = self.offset;
        let mut tail = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for id in 1..size {
            match self.offsets.get(&id) {
                Some(off) => tail.push_str(&format!("{off:010} 00000 n \n")),
                None => tail.push_str("0000000000 00000 f \n"),
            }
        }
        let id = file_id(self.digest, title, self.page_refs.len());
        tail.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
            catalog_id.get(),
            info_id.get()
        ));
        self.out.write_all(tail.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// The outline: one flat list of the bookmarks, each opening its page.
    fn write_outline(&mut self) -> io::Result<Option<Ref>> {
        let marks = std::mem::take(&mut self.bookmarks);
        let marks: Vec<(String, Ref)> = marks
            .into_iter()
            .filter_map(|(t, i)| self.page_refs.get(i).map(|r| (t, *r)))
            .collect();
        if marks.is_empty() {
            return Ok(None);
        }
        let root = self.alloc();
        let ids: Vec<Ref> = marks.iter().map(|_| self.alloc()).collect();
        let mut chunk = Chunk::new();
        chunk
            .outline(root)
            .first(ids[0])
            .last(ids[ids.len() - 1])
            .count(ids.len() as i32);
        self.emit(&chunk)?;
        for (k, (title, page)) in marks.iter().enumerate() {
            let mut chunk = Chunk::new();
            {
                let mut item = chunk.outline_item(ids[k]);
                item.title(TextStr(title)).parent(root);
                if k > 0 {
                    item.prev(ids[k - 1]);
                }
                if k + 1 < ids.len() {
                    item.next(ids[k + 1]);
                }
                item.dest().page(*page).fit();
            }
            self.emit(&chunk)?;
        }
        Ok(Some(root))
    }

    fn write_font(
        &mut self,
        face: &LoadedFace,
        usage: &FaceUse,
        parts: FontParts,
    ) -> io::Result<()> {
        let FontParts {
            subset,
            map,
            to_unicode,
        } = parts;
        let cid = self.alloc();
        let descriptor = self.alloc();
        let file = self.alloc();
        let cmap_id = self.alloc();
        let base = format!("{}+{}", subset.tag, sanitize_ps(&face.ps_name));

        let mut chunk = Chunk::new();
        chunk
            .type0_font(usage.font)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_id);
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        {
            let mut cid_font = chunk.cid_font(cid);
            cid_font
                .subtype(if face.is_cff {
                    CidFontType::Type0
                } else {
                    CidFontType::Type2
                })
                .base_font(Name(base.as_bytes()))
                .system_info(SystemInfo {
                    registry: Str(b"Adobe"),
                    ordering: Str(b"Identity"),
                    supplement: 0,
                })
                .font_descriptor(descriptor)
                .default_width(DEFAULT_WIDTH);
            if !face.is_cff {
                cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
            }
            // Only the widths that are not the default: a CJK face's are
            // nearly all 1000, and listing them took 3 KB a paper.
            let mut widths = cid_font.widths();
            let mut run: Option<(u16, Vec<f32>)> = None;
            for &(old, cid) in &map {
                let w = face.advance_em(old) * 1000.0;
                match &mut run {
                    Some((first, ws))
                        if w != DEFAULT_WIDTH && *first as usize + ws.len() == cid as usize =>
                    {
                        ws.push(w)
                    }
                    _ => {
                        if let Some((first, ws)) = run.take() {
                            widths.consecutive(first, ws);
                        }
                        if w != DEFAULT_WIDTH {
                            run = Some((cid, vec![w]));
                        }
                    }
                }
            }
            if let Some((first, ws)) = run {
                widths.consecutive(first, ws);
            }
        }
        self.emit(&chunk)?;

        let f = &face.face;
        let upem = face.units_per_em();
        let scale = |v: i16| f32::from(v) / upem * 1000.0;
        let bbox = f.global_bounding_box();
        let mut chunk = Chunk::new();
        {
            let mut desc = chunk.font_descriptor(descriptor);
            desc.name(Name(base.as_bytes()))
                .flags(FontFlags::SYMBOLIC)
                .bbox(Rect::new(
                    scale(bbox.x_min),
                    scale(bbox.y_min),
                    scale(bbox.x_max),
                    scale(bbox.y_max),
                ))
                .italic_angle(0.0)
                // The typographic (for CJK faces: ideographic em box)
                // metrics, so that readers place a glyph's box where the em
                // box is.
                .ascent(scale(f.typographic_ascender().unwrap_or(f.ascender())))
                .descent(scale(f.typographic_descender().unwrap_or(f.descender())))
                .cap_height(scale(f.capital_height().unwrap_or(f.ascender())))
                .stem_v(80.0);
            if face.is_cff {
                desc.font_file3(file);
            } else {
                desc.font_file2(file);
            }
        }
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        {
            let mut stream = chunk.stream(file, &subset.program);
            stream.filter(Filter::FlateDecode);
            if face.is_cff {
                stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
            }
        }
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        chunk.cmap(cmap_id, &to_unicode).filter(Filter::FlateDecode);
        self.emit(&chunk)
    }
}

/// What a face's font objects are made from, prepared apart from the
/// writer (so the faces' are made at once): the compressed font program,
/// (original glyph id, CID) by CID, and the compressed ToUnicode CMap.
struct FontParts {
    subset: Subset,
    map: Vec<(u16, u16)>,
    to_unicode: Vec<u8>,
}

impl FontParts {
    fn of(face: &LoadedFace, usage: &FaceUse, subsetter_only: bool) -> FontParts {
        let subset = if subsetter_only {
            let (program, _) = program(face, &usage.order, &usage.remapper, false);
            Subset {
                program: Arc::new(deflate::zlib(&program, deflate::CFF_LEVEL)),
                tag: subset_tag(&face.ps_name, &usage.order),
            }
        } else {
            subset_face(face, &usage.order, &usage.remapper)
        };
        let mut map: Vec<(u16, u16)> = usage
            .order
            .iter()
            .map(|&g| (g, usage.remapper.get(g).expect("remapped")))
            .collect();
        map.sort_by_key(|m| m.1);
        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for &(old, new) in &map {
            cmap.pair(new, usage.chars[&old]);
        }
        let to_unicode = deflate::zlib_recent(&cmap.finish(), deflate::STREAM_LEVEL);
        FontParts {
            subset,
            map,
            to_unicode,
        }
    }
}

/// A content-derived document ID: identical papers give identical files.
fn file_id(digest: u64, title: &str, pages: usize) -> String {
    let mut h = digest;
    for b in title.bytes().chain(pages.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let h2 = h.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!("{h:016X}{h2:016X}")
}

/// A glyph this close to the reader's pen (in thousandths of an em) needs
/// no number in the TJ array: at 22 pt, 0.0002 pt.
const ADJUST_FROM: f32 = 0.01;

/// The most common gap between a glyph's advance and the next glyph in
/// `run` (pt): the grid's, for body text; 0 for fewer than two glyphs.
fn char_spacing(run: &TextRun, face: &LoadedFace) -> f32 {
    let mut gaps: Vec<f32> = run
        .glyphs
        .windows(2)
        .map(|w| w[1].x - (w[0].x + face.advance_em(w[0].gid) * run.size))
        .collect();
    gaps.sort_by(f32::total_cmp);
    // Gaps closer than half the TJ threshold are one gap; the most common
    // cluster's mean is the spacing, so its others need no number and the
    // pen's small errors cancel out instead of adding up along the line (a
    // word ends where the layout put it, to a millionth of a point).
    let tolerance = ADJUST_FROM / 2000.0 * run.size;
    let (mut best, mut best_len, mut i) = (0.0, 0, 0);
    while i < gaps.len() {
        let j = i + gaps[i..].partition_point(|&g| g - gaps[i] <= tolerance);
        if j - i > best_len {
            let sum: f64 = gaps[i..j].iter().map(|&g| f64::from(g)).sum();
            (best, best_len) = ((sum / (j - i) as f64) as f32, j - i);
        }
        i = j;
    }
    best
}

fn set_fill(c: &mut Content, color: Color) {
    c.set_fill_rgb(color.0, color.1, color.2);
}

fn set_stroke(c: &mut Content, color: Color) {
    c.set_stroke_rgb(color.0, color.1, color.2);
}

/// PostScript names may not contain spaces or delimiters.
fn sanitize_ps(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .collect();
    if s.is_empty() {
        "Font".into()
    } else {
        s
    }
}

/// A subset's font program (deflated) and its tag.
#[derive(Clone)]
struct Subset {
    program: Arc<Vec<u8>>,
    tag: String,
}

/// A face as the caches know it: its bytes never move (they are mapped for
/// the process's life), so their address and the face index name it even
/// when two [`Fonts`] hold faces at the same position.
type FaceKey = (usize, u32);

fn face_key(face: &LoadedFace) -> FaceKey {
    (face.data.as_ptr() as usize, face.index)
}

/// Whole subsets by (face, glyph list): papers with the same glyphs (the same
/// text and name) reuse the program outright. Bounded in bytes.
#[derive(Default)]
struct SubsetCache {
    subsets: HashMap<(FaceKey, Vec<u16>), Subset>,
    bytes: usize,
}

/// The whole-subset cache is emptied past this many bytes of programs.
const SUBSET_CACHE_BYTES: usize = 8 << 20;

/// Each CFF face's table, read once per process (`None`: not one
/// [`cff::Cff`] can subset; `subsetter` does the whole face then).
fn cff_of(face: &LoadedFace) -> Arc<Option<cff::Cff>> {
    static TABLES: OnceLock<Mutex<HashMap<FaceKey, Arc<Option<cff::Cff>>>>> = OnceLock::new();
    let tables = TABLES.get_or_init(Default::default);
    if let Some(t) = tables.lock().expect("cff tables").get(&face_key(face)) {
        return t.clone();
    }
    let table = ttf_parser::RawFace::parse(face.data, face.index)
        .ok()
        .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
        .and_then(cff::Cff::parse);
    let table = Arc::new(table);
    tables
        .lock()
        .expect("cff tables")
        .entry(face_key(face))
        .or_insert(table)
        .clone()
}

fn subset_face(face: &LoadedFace, order: &[u16], remapper: &subsetter::GlyphRemapper) -> Subset {
    static CACHE: OnceLock<Mutex<SubsetCache>> = OnceLock::new();
    let key = (face_key(face), order.to_vec());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(s) = cache.lock().expect("subset cache").subsets.get(&key) {
        return s.clone();
    }
    let (program, body) = program(face, order, remapper, true);
    let subset = Subset {
        program: Arc::new(deflate::zlib_shared(
            &program,
            body,
            if face.is_cff {
                deflate::CFF_LEVEL
            } else {
                deflate::TRUETYPE_LEVEL
            },
        )),
        tag: subset_tag(&face.ps_name, order),
    };
    let mut cache = cache.lock().expect("subset cache");
    if cache.bytes > SUBSET_CACHE_BYTES {
        *cache = SubsetCache::default();
    }
    cache.bytes += subset.program.len();
    if let Some(old) = cache.subsets.insert(key, subset.clone()) {
        cache.bytes -= old.program.len();
    }
    subset
}

/// The font program of `order`'s glyphs (numbered 1, 2, … after `.notdef`)
/// and where its glyph data starts: for a CFF face the bare CFF table
/// (embedded as CIDFontType0C), assembled by [`cff`] where it can, else
/// `subsetter`'s subset (the whole face if even that fails).
fn program(
    face: &LoadedFace,
    order: &[u16],
    remapper: &subsetter::GlyphRemapper,
    assemble: bool,
) -> (Vec<u8>, usize) {
    if face.is_cff && assemble {
        if let Some(table) = cff_of(face).as_ref() {
            let gids: Vec<u16> = std::iter::once(0).chain(order.iter().copied()).collect();
            if let Some(subset) = table.subset(&gids) {
                return subset;
            }
        }
    }
    let sub =
        subsetter::subset(face.data, face.index, remapper).unwrap_or_else(|_| face.data.to_vec());
    if face.is_cff {
        if let Some(cff) = ttf_parser::RawFace::parse(&sub, 0)
            .ok()
            .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
        {
            return (cff.to_vec(), 0);
        }
    }
    (sub, 0)
}

/// Six capital letters derived from the face and glyph set (PDF 9.6.4).
fn subset_tag(name: &str, glyphs: &[u16]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name
        .bytes()
        .chain(glyphs.iter().flat_map(|g| g.to_le_bytes()))
    {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};
    use crate::typeset;

    /// The pages of a PDF as poppler draws them (grey, 40 dpi).
    fn pixels(pdf: &[u8], name: &str) -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/test-scratch")
            .join(format!("pdf-unit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.pdf"), pdf).unwrap();
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "40", "-gray", "a.pdf", "p"])
            .current_dir(&dir)
            .status()
            .expect("pdftoppm (poppler-utils) runs");
        assert!(status.success());
        let mut pages: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
            .collect();
        pages.sort();
        let out = pages.iter().map(|p| std::fs::read(p).unwrap()).collect();
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    #[test]
    fn assembled_subsets_draw_like_subsetters() {
        let fonts = Fonts::discover(&[]).unwrap();
        // The 党性分析材料 fixture's lines as paragraphs, under a title, a
        // byline and a heading: every face draws a few hundred glyphs.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/党性分析材料-个人.yaml");
        let mut blocks = vec![
            Block::Title("关于党性分析材料的说明".into()),
            Block::Byline("第一党支部 林晓雯".into()),
            Block::Heading {
                level: 1,
                number: "一、".into(),
                text: "对照检查的主要问题".into(),
                lead: None,
            },
        ];
        blocks.extend(
            std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| Block::Paragraph(l.trim().to_string())),
        );
        let doc = &Document { blocks };
        let layout = typeset::layout::Typesetter::new(&fonts).layout(doc);

        let ours = write(&layout, &fonts, "t");
        let mut pdf = PdfStream::new(Vec::new()).unwrap();
        pdf.subsetter_only = true;
        for page in &layout.pages {
            pdf.add_page(page, &fonts).unwrap();
        }
        let theirs = pdf.finish(&fonts, "t").unwrap();
        assert_ne!(ours, theirs, "the font programs should differ");
        let (a, b) = (pixels(&ours, "ours"), pixels(&theirs, "theirs"));
        assert_eq!(a.len(), layout.pages.len());
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert!(x == y, "page {} draws differently", i + 1);
        }
    }
}
