//! PDF writer: a [`Layout`] → PDF bytes.
//!
//! Owns the PDF objects: pages, content streams, and one embedded CID font
//! per face used, subset to the glyphs the paper needs (Typst's `subsetter`),
//! with widths and a ToUnicode map so text can be searched and extracted.
//! Output is deterministic: no dates, a file ID derived from the content,
//! subset tags derived from the glyph set. It never breaks lines or decides
//! positions: [`crate::typeset::layout`] did that.
//!
//! Why pdf-writer and not printpdf: measured on this project's machines,
//! printpdf subsets only through its `text_layout` feature (azul + allsorts,
//! 4 minutes to build) at 11–18 ms a page, which caps a 7-page paper near
//! 10 PDFs/s a core; subsetter does a CJK face in about 1 ms, and pdf-writer
//! writes objects directly, so a paper costs a few milliseconds.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::fonts::Fonts;
use crate::typeset::layout::{Color, Layout, PAGE_H, PAGE_W};

/// Builds the PDF of one paper.
pub fn write(layout: &Layout, fonts: &Fonts, title: &str) -> Vec<u8> {
    let mut alloc = Ref::new(1);
    let mut next = || alloc.bump();
    let catalog_id = next();
    let pages_id = next();
    let info_id = next();
    let mut pdf = Pdf::new();

    // Glyphs used per face, in a stable order.
    let mut used: BTreeMap<usize, BTreeMap<u16, char>> = BTreeMap::new();
    for page in &layout.pages {
        for run in &page.texts {
            let set = used.entry(run.face).or_default();
            for g in &run.glyphs {
                set.entry(g.gid).or_insert(g.ch);
            }
        }
    }
    // Subset each face; font resource names F0, F1, … by face order.
    let mut font_refs: HashMap<usize, (Ref, String)> = HashMap::new();
    let mut remaps: HashMap<usize, HashMap<u16, u16>> = HashMap::new();
    for (n, (&face_idx, glyphs)) in used.iter().enumerate() {
        let face = &fonts.faces[face_idx];
        let subset = subset_face(face_idx, face, glyphs);
        let type0 = next();
        let cid = next();
        let descriptor = next();
        let file = next();
        let cmap_id = next();
        let base = format!("{}+{}", subset.tag, sanitize_ps(&face.ps_name));

        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_id);
        let mut cid_font = pdf.cid_font(cid);
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
        {
            // New glyph ids are consecutive from the first (0 if .notdef is used).
            let mut widths = cid_font.widths();
            let ws: Vec<f32> = subset
                .map
                .iter()
                .map(|&(old, _)| face.advance_em(old) * 1000.0)
                .collect();
            widths.consecutive(subset.map.first().map_or(1, |m| m.1), ws);
        }
        cid_font.finish();

        let f = &face.face;
        let upem = face.units_per_em();
        let scale = |v: i16| f32::from(v) / upem * 1000.0;
        let bbox = f.global_bounding_box();
        let mut desc = pdf.font_descriptor(descriptor);
        desc.name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                scale(bbox.x_min),
                scale(bbox.y_min),
                scale(bbox.x_max),
                scale(bbox.y_max),
            ))
            .italic_angle(0.0)
            // The typographic (for CJK faces: ideographic em box) metrics,
            // so that readers place a glyph's box where the em box is.
            .ascent(scale(f.typographic_ascender().unwrap_or(f.ascender())))
            .descent(scale(f.typographic_descender().unwrap_or(f.descender())))
            .cap_height(scale(f.capital_height().unwrap_or(f.ascender())))
            .stem_v(80.0);
        if face.is_cff {
            desc.font_file3(file);
        } else {
            desc.font_file2(file);
        }
        desc.finish();
        let mut stream = pdf.stream(file, &subset.program);
        stream.filter(Filter::FlateDecode);
        if face.is_cff {
            stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        }
        stream.finish();

        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for &(old, new) in &subset.map {
            cmap.pair(new, glyphs[&old]);
        }
        let cmap_data = deflate(&cmap.finish());
        pdf.cmap(cmap_id, &cmap_data).filter(Filter::FlateDecode);

        font_refs.insert(face_idx, (type0, format!("F{n}")));
        remaps.insert(face_idx, subset.map.iter().copied().collect());
    }

    let mut page_ids = Vec::new();
    for page in &layout.pages {
        let page_id = next();
        let content_id = next();
        page_ids.push(page_id);
        let mut content = Content::new();
        for rule in &page.rules {
            set_stroke(&mut content, rule.color);
            content.set_line_width(rule.width);
            content.move_to(rule.x1, PAGE_H - rule.y1);
            content.line_to(rule.x2, PAGE_H - rule.y2);
            content.stroke();
        }
        for run in &page.texts {
            let (_, name) = &font_refs[&run.face];
            let remap = &remaps[&run.face];
            let face = &fonts.faces[run.face];
            content.begin_text();
            set_fill(&mut content, run.color);
            content.set_font(Name(name.as_bytes()), run.size);
            let y = PAGE_H - run.y;
            let first = run.glyphs.first().map_or(0.0, |g| g.x);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, first, y]);
            // One TJ: each glyph's code, with the difference between where
            // the layout put the next glyph and where the font's advance
            // would, in thousandths of an em.
            {
                let mut shown = content.show_positioned();
                let mut items = shown.items();
                let mut pen = first;
                for g in &run.glyphs {
                    let adjust = (g.x - pen) / run.size * 1000.0;
                    if adjust.abs() > 0.01 {
                        items.adjust(-adjust);
                    }
                    let cid = remap[&g.gid];
                    items.show(Str(&cid.to_be_bytes()));
                    pen = g.x + face.advance_em(g.gid) * run.size;
                }
            }
            content.end_text();
        }
        let data = deflate(&content.finish());
        pdf.stream(content_id, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(pages_id)
            .contents(content_id);
        let mut resources = p.resources();
        let mut fonts_dict = resources.fonts();
        let mut names: Vec<(&String, Ref)> = font_refs.values().map(|(r, n)| (n, *r)).collect();
        names.sort();
        for (name, r) in names {
            fonts_dict.pair(Name(name.as_bytes()), r);
        }
        fonts_dict.finish();
        resources.finish();
        p.finish();
    }
    pdf.pages(pages_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.catalog(catalog_id).pages(pages_id);
    pdf.document_info(info_id)
        .title(TextStr(title))
        .producer(TextStr("wenshu"))
        .creator(TextStr("wenshu"));
    // A file ID from the content: identical papers give identical files.
    let mut probe = pdf;
    let id = content_id(&title_and_pages(layout, title));
    probe.set_file_id((id.clone(), id));
    probe.finish()
}

fn title_and_pages(layout: &Layout, title: &str) -> String {
    let mut s = String::from(title);
    for l in &layout.lines {
        s.push_str(l);
    }
    s.push_str(&layout.pages.len().to_string());
    s
}

/// 16 bytes of FNV-1a over the text: a stable, content-derived document ID.
fn content_id(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4] {
        let mut h = seed;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.extend_from_slice(&h.to_be_bytes());
    }
    out
}

fn set_fill(c: &mut Content, color: Color) {
    c.set_fill_rgb(color.0, color.1, color.2);
}

fn set_stroke(c: &mut Content, color: Color) {
    c.set_stroke_rgb(color.0, color.1, color.2);
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::new(6),
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

/// A subset: the font program to embed (deflated), (original glyph id, new
/// glyph id = CID) pairs ordered by the new id, and the tag.
struct Subset {
    program: Arc<Vec<u8>>,
    map: Vec<(u16, u16)>,
    tag: String,
}

/// Subsets are cached per (face, glyph set): a batch of papers with the same
/// characters subsets each face once.
type SubsetCache = Mutex<HashMap<(usize, Vec<u16>), (Arc<Vec<u8>>, String)>>;

fn subset_face(
    face_idx: usize,
    face: &crate::fonts::LoadedFace,
    glyphs: &BTreeMap<u16, char>,
) -> Subset {
    static CACHE: OnceLock<SubsetCache> = OnceLock::new();
    let order: Vec<u16> = glyphs.keys().copied().collect();
    let key = (face_idx, order.clone());
    let cache = CACHE.get_or_init(Default::default);
    let mut remapper = subsetter::GlyphRemapper::new();
    for &g in &order {
        remapper.remap(g);
    }
    let mut map: Vec<(u16, u16)> = order
        .iter()
        .map(|&g| (g, remapper.get(g).expect("remapped")))
        .collect();
    map.sort_by_key(|m| m.1);
    if let Some((program, tag)) = cache.lock().expect("subset cache").get(&key) {
        return Subset {
            program: program.clone(),
            map,
            tag: tag.clone(),
        };
    }
    let sub =
        subsetter::subset(face.data, face.index, &remapper).unwrap_or_else(|_| face.data.to_vec());
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
    let tag = subset_tag(&face.ps_name, &order);
    let program = Arc::new(deflate(&program));
    cache
        .lock()
        .expect("subset cache")
        .insert(key, (program.clone(), tag.clone()));
    Subset { program, map, tag }
}

/// Six capital letters derived from the face and glyph set (PDF 9.6.4).
fn subset_tag(name: &str, glyphs: &[u16]) -> String {
    let mut text = String::from(name);
    for g in glyphs {
        text.push_str(&g.to_string());
        text.push(',');
    }
    let id = content_id(&text);
    id.iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}
