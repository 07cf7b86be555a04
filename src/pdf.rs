//! PDF writer: laid-out pages → a PDF, one paper or a whole batch.
//!
//! Owns the PDF objects: pages, content streams, and one embedded CID font
//! per face used, subset to the glyphs used (Typst's `subsetter`), with
//! widths and a ToUnicode map so text can be searched and extracted. Pages
//! are streamed to the output as they come and the fonts written once at the
//! end, so a merged print file of ten thousand papers holds only the glyph
//! tables in memory and embeds each face once. Output is deterministic: no
//! dates, a file ID derived from the content, subset tags derived from the
//! glyph set. It never breaks lines or decides positions:
//! [`crate::typeset::layout`] did that.
//!
//! Why pdf-writer and not printpdf: measured on this project's machines,
//! printpdf subsets only through its `text_layout` feature (azul + allsorts,
//! 4 minutes to build) at 11–18 ms a page, which caps a 7-page paper near
//! 10 PDFs/s a core; subsetter does a CJK face in about 1 ms, and pdf-writer
//! writes objects directly, so a paper costs a few milliseconds.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Content, Filter, Name, Rect, Ref, Str, TextStr};

use crate::fonts::{Fonts, LoadedFace};
use crate::typeset::layout::{Color, Layout, Page, PAGE_H, PAGE_W};

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
    /// Original glyph ids in order of first use.
    order: Vec<u16>,
    /// The character each glyph stands for (for ToUnicode).
    chars: HashMap<u16, char>,
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
        for run in &page.texts {
            if !self.faces.contains_key(&run.face) {
                let font = self.alloc();
                self.faces.insert(
                    run.face,
                    FaceUse {
                        font,
                        remapper: subsetter::GlyphRemapper::new(),
                        order: Vec::new(),
                        chars: HashMap::new(),
                    },
                );
            }
            if !used_here.contains(&run.face) {
                used_here.push(run.face);
            }
            let face = &fonts.faces[run.face];
            let usage = self.faces.get_mut(&run.face).expect("inserted above");
            content.begin_text();
            set_fill(&mut content, run.color);
            content.set_font(Name(format!("F{}", run.face).as_bytes()), run.size);
            let first = run.glyphs.first().map_or(0.0, |g| g.x);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, first, PAGE_H - run.y]);
            {
                // One TJ: each glyph's CID, with the difference between where
                // the layout put it and where the previous glyph's advance
                // would, in thousandths of an em.
                let mut shown = content.show_positioned();
                let mut items = shown.items();
                let mut pen = first;
                for g in &run.glyphs {
                    let adjust = (g.x - pen) / run.size * 1000.0;
                    if adjust.abs() > 0.01 {
                        items.adjust(-adjust);
                    }
                    if usage.remapper.get(g.gid).is_none() {
                        usage.order.push(g.gid);
                        usage.chars.insert(g.gid, g.ch);
                    }
                    let cid = usage.remapper.remap(g.gid);
                    items.show(Str(&cid.to_be_bytes()));
                    pen = g.x + face.advance_em(g.gid) * run.size;
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
            .stream(content_id, &deflate(&raw))
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
        let faces = std::mem::take(&mut self.faces);
        for (face_idx, usage) in &faces {
            self.write_font(*face_idx, &fonts.faces[*face_idx], usage)?;
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
        face_idx: usize,
        face: &LoadedFace,
        usage: &FaceUse,
    ) -> io::Result<()> {
        let subset = subset_face(face_idx, face, &usage.order, &usage.remapper);
        let cid = self.alloc();
        let descriptor = self.alloc();
        let file = self.alloc();
        let cmap_id = self.alloc();
        let base = format!("{}+{}", subset.tag, sanitize_ps(&face.ps_name));
        // (original glyph id, CID), by CID.
        let mut map: Vec<(u16, u16)> = usage
            .order
            .iter()
            .map(|&g| (g, usage.remapper.get(g).expect("remapped")))
            .collect();
        map.sort_by_key(|m| m.1);

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
                .default_width(1000.0);
            if !face.is_cff {
                cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
            }
            // New glyph ids are consecutive from the first (0 if .notdef is used).
            let ws: Vec<f32> = map
                .iter()
                .map(|&(old, _)| face.advance_em(old) * 1000.0)
                .collect();
            cid_font
                .widths()
                .consecutive(map.first().map_or(1, |m| m.1), ws);
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
        let cmap_data = deflate(&cmap.finish());
        let mut chunk = Chunk::new();
        chunk.cmap(cmap_id, &cmap_data).filter(Filter::FlateDecode);
        self.emit(&chunk)
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

fn set_fill(c: &mut Content, color: Color) {
    c.set_fill_rgb(color.0, color.1, color.2);
}

fn set_stroke(c: &mut Content, color: Color) {
    c.set_stroke_rgb(color.0, color.1, color.2);
}

/// Content streams are compressed fast (level 3, most of their bytes are
/// repetitive operators); font programs, compressed once and cached, harder.
fn deflate(data: &[u8]) -> Vec<u8> {
    deflate_at(data, 3)
}

fn deflate_at(data: &[u8], level: u32) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::new(level),
    );
    e.write_all(data).expect("deflate in memory");
    e.finish().expect("deflate in memory")
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
struct Subset {
    program: Arc<Vec<u8>>,
    tag: String,
}

/// Subsets are cached per (face, glyph order): a batch of papers with the
/// same characters subsets and compresses each face once.
type SubsetCache = Mutex<HashMap<(usize, Vec<u16>), Subset>>;

fn subset_face(
    face_idx: usize,
    face: &LoadedFace,
    order: &[u16],
    remapper: &subsetter::GlyphRemapper,
) -> Subset {
    static CACHE: OnceLock<SubsetCache> = OnceLock::new();
    let key = (face_idx, order.to_vec());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(s) = cache.lock().expect("subset cache").get(&key) {
        return Subset {
            program: s.program.clone(),
            tag: s.tag.clone(),
        };
    }
    let sub =
        subsetter::subset(face.data, face.index, remapper).unwrap_or_else(|_| face.data.to_vec());
    let program = if face.is_cff {
        // Embed the bare CFF table as CIDFontType0C.
        ttf_parser::RawFace::parse(&sub, 0)
            .ok()
            .and_then(|raw| raw.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .map(<[u8]>::to_vec)
            .unwrap_or(sub)
    } else {
        sub
    };
    let tag = subset_tag(&face.ps_name, order);
    let program = Arc::new(deflate_at(&program, 6));
    let mut cache = cache.lock().expect("subset cache");
    // A batch's merged file subsets to thousands of glyph sets only once; keep
    // the cache small so memory stays flat.
    if cache.len() > 256 {
        cache.clear();
    }
    cache.insert(
        key,
        Subset {
            program: program.clone(),
            tag: tag.clone(),
        },
    );
    Subset { program, tag }
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
