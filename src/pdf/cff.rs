//! CFF subsets assembled from glyphs flattened once per process.
//!
//! Owns reading a face's CFF table (Top DICT, FDSelect, each font DICT's
//! Private DICT and subroutines) once, flattening one glyph's charstring
//! (inlining the subroutines it calls, as Typst's `subsetter` does, so that a
//! subset needs no subroutines) once per glyph, and writing a CID-keyed CFF
//! for a list of glyphs from the flattened pieces. A batch whose papers differ
//! by a name then pays for the name's glyphs, not for the six hundred glyphs
//! of the text every time (measured on FandolFang: `subsetter` took 13 ms a
//! paper for 588 glyphs, most of it decompiling and recompiling charstrings).
//!
//! It accepts what `subsetter` accepts and declines the rest (Type 2
//! arithmetic operators, `seac`, malformed data): the caller then subsets the
//! face with `subsetter`. It never chooses glyphs and never compresses.

use std::sync::OnceLock;

use rayon::prelude::*;

/// The deepest subroutine nesting followed (as `subsetter`).
const MAX_DEPTH: u8 = 64;
/// A flattened glyph longer than this is declined (a malformed font could
/// call subroutines in a loop up to the depth limit).
const MAX_GLYPH_BYTES: usize = 1 << 16;
/// Fewer new glyphs than this are flattened on the calling thread.
const PARALLEL_FROM: usize = 32;
/// SIDs of the first two strings of a String INDEX (391 standard strings).
const SID_ADOBE: i32 = 391;
const SID_IDENTITY: i32 = 392;

/// A CFF INDEX: `count` items located by offsets into `data`.
#[derive(Clone, Copy, Default)]
struct Index {
    /// The INDEX from its offset array on (empty for count 0).
    data: &'static [u8],
    count: usize,
    off_size: usize,
    /// Where the items' bytes start in `data` (offsets count from one byte before).
    items_at: usize,
    /// Total length of the INDEX in bytes, its count field included.
    len: usize,
}

impl Index {
    fn parse(cff: &'static [u8], at: usize) -> Option<Index> {
        let count = usize::from(u16::from_be_bytes(cff.get(at..at + 2)?.try_into().ok()?));
        if count == 0 {
            return Some(Index {
                len: 2,
                ..Index::default()
            });
        }
        let off_size = usize::from(*cff.get(at + 2)?);
        if !(1..=4).contains(&off_size) {
            return None;
        }
        let data = cff.get(at + 3..)?;
        let items_at = (count + 1) * off_size;
        let mut index = Index {
            data,
            count,
            off_size,
            items_at,
            len: 0,
        };
        let end = index.offset(count)?;
        data.get(items_at..items_at + end)?;
        index.len = 3 + items_at + end;
        Some(index)
    }

    /// The i-th offset, made zero-based.
    fn offset(&self, i: usize) -> Option<usize> {
        let b = self.data.get(i * self.off_size..(i + 1) * self.off_size)?;
        let v = b.iter().fold(0usize, |v, &x| v << 8 | usize::from(x));
        v.checked_sub(1)
    }

    fn get(&self, i: usize) -> Option<&'static [u8]> {
        if i >= self.count {
            return None;
        }
        let (a, b) = (self.offset(i)?, self.offset(i + 1)?);
        self.data.get(self.items_at + a..self.items_at + b)
    }

    /// The bias added to a subroutine number (Type 2 charstrings, 4.7).
    fn bias(&self) -> i32 {
        match self.count {
            0..1240 => 107,
            1240..33900 => 1131,
            _ => 32768,
        }
    }
}

/// A DICT operand.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    Int(i32),
    Real(f64),
}

impl Operand {
    fn int(self) -> Option<i32> {
        match self {
            Operand::Int(i) => Some(i),
            Operand::Real(_) => None,
        }
    }

    fn real(self) -> f64 {
        match self {
            Operand::Int(i) => f64::from(i),
            Operand::Real(r) => r,
        }
    }
}

/// A DICT entry: operator (two-byte operators as `1200 + b1`), the
/// operands' bytes and their values.
type Entry<'a> = (u16, &'a [u8], Vec<Operand>);

/// A DICT's entries, in order.
fn dict_entries(mut d: &[u8]) -> Option<Vec<Entry<'_>>> {
    let mut out = Vec::new();
    let mut start = d;
    let mut used = 0;
    let mut operands = Vec::new();
    while let Some(&b) = d.first() {
        let (len, value) = match b {
            0..=21 => {
                let (op, len) = if b == 12 {
                    (1200 + u16::from(*d.get(1)?), 2)
                } else {
                    (u16::from(b), 1)
                };
                out.push((op, &start[..used], std::mem::take(&mut operands)));
                d = &d[len..];
                start = d;
                used = 0;
                continue;
            }
            28 => (
                3,
                Operand::Int(i32::from(i16::from_be_bytes([*d.get(1)?, *d.get(2)?]))),
            ),
            29 => (
                5,
                Operand::Int(i32::from_be_bytes(d.get(1..5)?.try_into().ok()?)),
            ),
            30 => real(d)?,
            32..=246 => (1, Operand::Int(i32::from(b) - 139)),
            247..=250 => (
                2,
                Operand::Int((i32::from(b) - 247) * 256 + i32::from(*d.get(1)?) + 108),
            ),
            251..=254 => (
                2,
                Operand::Int(-(i32::from(b) - 251) * 256 - i32::from(*d.get(1)?) - 108),
            ),
            _ => return None,
        };
        operands.push(value);
        d = &d[len..];
        used += len;
    }
    Some(out)
}

/// A real operand (byte 30, then nibbles up to 0xf): its length and value.
fn real(d: &[u8]) -> Option<(usize, Operand)> {
    let mut s = String::new();
    for (i, &b) in d.iter().enumerate().skip(1) {
        for nibble in [b >> 4, b & 0xf] {
            match nibble {
                0..=9 => s.push(char::from(b'0' + nibble)),
                0xa => s.push('.'),
                0xb => s.push('E'),
                0xc => s.push_str("E-"),
                0xe => s.push('-'),
                0xf => {
                    // Not a number a DICT can hold again (1E999): decline.
                    let v: f64 = s.parse().ok().filter(|v: &f64| v.is_finite())?;
                    return Some((i + 1, Operand::Real(v)));
                }
                _ => return None,
            }
        }
    }
    None
}

/// One font DICT of the face: its Private DICT without `Subrs`, its local
/// subroutines and its FontMatrix.
struct FontDict {
    private: Vec<u8>,
    subrs: Index,
    matrix: Option<[f64; 6]>,
}

/// A face's CFF table, read once.
pub struct Cff {
    name_index: &'static [u8],
    char_strings: Index,
    global_subrs: Index,
    fonts: Vec<FontDict>,
    /// The font DICT of each glyph.
    fd_select: Vec<u8>,
    top_matrix: Option<[f64; 6]>,
    bbox: Option<Vec<Operand>>,
    /// Copyright and notice strings, kept in the subset.
    copyright: Option<&'static [u8]>,
    notice: Option<&'static [u8]>,
    /// Each glyph's flattened charstring, once it was asked for (`None`
    /// inside: the glyph cannot be flattened here).
    flat: Vec<OnceLock<Option<Box<[u8]>>>>,
}

/// Top DICT operators.
const CHARSET: u16 = 15;
const CHAR_STRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const NOTICE: u16 = 1;
const FONT_BBOX: u16 = 5;
const COPYRIGHT: u16 = 1200;
const CHARSTRING_TYPE: u16 = 1206;
const FONT_MATRIX: u16 = 1207;
const ROS: u16 = 1230;
const CID_COUNT: u16 = 1234;
const FD_ARRAY: u16 = 1236;
const FD_SELECT: u16 = 1237;

impl Cff {
    /// Reads the CFF table `cff` (a face's `CFF ` table); `None` if it is
    /// not one this module can subset.
    pub fn parse(cff: &'static [u8]) -> Option<Cff> {
        if *cff.first()? != 1 {
            return None;
        }
        let header = usize::from(*cff.get(2)?);
        let names = Index::parse(cff, header)?;
        let name_index = cff.get(header..header + names.len)?;
        let tops = Index::parse(cff, header + names.len)?;
        let strings_at = header + names.len + tops.len;
        let strings = Index::parse(cff, strings_at)?;
        let global_subrs = Index::parse(cff, strings_at + strings.len)?;
        let top = dict_entries(tops.get(0)?)?;
        let one = |op: u16| top.iter().find(|e| e.0 == op).map(|e| &e.2);
        let offset = |op: u16| -> Option<usize> { usize::try_from(one(op)?.first()?.int()?).ok() };
        if one(CHARSTRING_TYPE).is_some_and(|v| v.first() != Some(&Operand::Int(2))) {
            return None;
        }
        let string = |op: u16| -> Option<&'static [u8]> {
            let sid = usize::try_from(one(op)?.first()?.int()?).ok()?;
            strings.get(sid.checked_sub(391)?)
        };
        let char_strings = Index::parse(cff, offset(CHAR_STRINGS)?)?;
        let glyphs = char_strings.count;
        let (fonts, fd_select) = if one(ROS).is_some() {
            let fd_array = Index::parse(cff, offset(FD_ARRAY)?)?;
            let fonts = (0..fd_array.count)
                .map(|i| {
                    let fd = dict_entries(fd_array.get(i)?)?;
                    let matrix = fd
                        .iter()
                        .find(|e| e.0 == FONT_MATRIX)
                        .and_then(|e| matrix(&e.2));
                    let private = fd.iter().find(|e| e.0 == PRIVATE)?;
                    font_dict(cff, &private.2, matrix)
                })
                .collect::<Option<Vec<_>>>()?;
            let select = fd_select(cff, offset(FD_SELECT)?, glyphs)?;
            if select.iter().any(|&fd| usize::from(fd) >= fonts.len()) {
                return None;
            }
            (fonts, select)
        } else {
            (vec![font_dict(cff, one(PRIVATE)?, None)?], vec![0; glyphs])
        };
        Some(Cff {
            name_index,
            char_strings,
            global_subrs,
            fonts,
            fd_select,
            top_matrix: one(FONT_MATRIX).and_then(|m| matrix(m)),
            bbox: one(FONT_BBOX).filter(|b| b.len() == 4).cloned(),
            copyright: string(COPYRIGHT),
            notice: string(NOTICE),
            flat: (0..glyphs).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The flattened charstring of `gid`, from the cache or flattened now.
    fn glyph(&self, gid: u16) -> Option<&[u8]> {
        self.flat
            .get(usize::from(gid))?
            .get_or_init(|| self.flatten(gid))
            .as_deref()
    }

    fn flatten(&self, gid: u16) -> Option<Box<[u8]>> {
        let code = self.char_strings.get(usize::from(gid))?;
        let fd = &self.fonts[usize::from(*self.fd_select.get(usize::from(gid))?)];
        let mut f = Flattener {
            out: Vec::with_capacity(code.len() * 4),
            args: Vec::new(),
            stems: 0,
            mask_bytes: None,
            global: self.global_subrs,
            local: fd.subrs,
        };
        match f.run(code, 0)? {
            End::EndChar => Some(f.out.into_boxed_slice()),
            End::Return => None,
        }
    }

    /// The CID-keyed CFF of `gids` (`gids[0]` is 0, `.notdef`): glyph `i` of
    /// the subset is `gids[i]` of the face and has CID `i`. Also returns where
    /// the glyphs' charstrings start: the bytes before depend on the whole
    /// glyph list, the bytes after are the glyphs' own, in order.
    pub fn subset(&self, gids: &[u16]) -> Option<(Vec<u8>, usize)> {
        if gids.first() != Some(&0) {
            return None;
        }
        // Glyphs not flattened yet (all of them, for the first paper) are
        // flattened on every core.
        let new = gids
            .iter()
            .filter(|&&g| {
                self.flat
                    .get(usize::from(g))
                    .is_some_and(|f| f.get().is_none())
            })
            .count();
        if new > PARALLEL_FROM {
            gids.par_iter().for_each(|&g| {
                self.glyph(g);
            });
        }
        let glyphs = gids
            .iter()
            .map(|&g| self.glyph(g))
            .collect::<Option<Vec<&[u8]>>>()?;
        let fds: Vec<u8> = gids
            .iter()
            .map(|&g| self.fd_select[usize::from(g)])
            .collect();
        let mut used = fds.clone();
        used.sort_unstable();
        used.dedup();
        let total: usize = glyphs.iter().map(|g| g.len()).sum();
        let mut w = Vec::with_capacity(total + 8 * gids.len() + 1024);

        // Header, Name INDEX, Top DICT INDEX (offsets patched below),
        // String INDEX, no global subroutines.
        w.extend_from_slice(&[1, 0, 4, 4]);
        w.extend_from_slice(self.name_index);
        let mut strings: Vec<&[u8]> = vec![b"Adobe", b"Identity"];
        let mut top = Vec::with_capacity(128);
        dict_int(&mut top, SID_ADOBE);
        dict_int(&mut top, SID_IDENTITY);
        dict_int(&mut top, 0);
        dict_op(&mut top, ROS);
        for (s, op) in [(self.copyright, COPYRIGHT), (self.notice, NOTICE)] {
            if let Some(s) = s {
                dict_int(&mut top, SID_ADOBE + strings.len() as i32);
                dict_op(&mut top, op);
                strings.push(s);
            }
        }
        // The FontMatrix in both places, as `subsetter` writes it (some
        // printers and Ghostscript misread a CID font without them).
        let top_matrix = self
            .top_matrix
            .unwrap_or([0.001, 0.0, 0.0, 0.001, 0.0, 0.0]);
        for v in top_matrix {
            dict_real(&mut top, v)?;
        }
        dict_op(&mut top, FONT_MATRIX);
        for v in self.bbox.as_deref().unwrap_or(&[Operand::Int(0); 4]) {
            match *v {
                Operand::Int(i) => dict_int(&mut top, i),
                Operand::Real(r) => dict_real(&mut top, r)?,
            }
        }
        dict_op(&mut top, FONT_BBOX);
        let mut patches = Vec::new();
        for op in [CHARSET, CHAR_STRINGS] {
            patches.push((op, top.len()));
            dict_int5(&mut top, 0);
            dict_op(&mut top, op);
        }
        dict_int(&mut top, i32::try_from(gids.len()).ok()?);
        dict_op(&mut top, CID_COUNT);
        for op in [FD_ARRAY, FD_SELECT] {
            patches.push((op, top.len()));
            dict_int5(&mut top, 0);
            dict_op(&mut top, op);
        }
        let top_at = write_index(&mut w, &[&top])?;
        write_index(&mut w, &strings)?;
        write_index(&mut w, &[])?;

        // charset: CID i for glyph i.
        let charset_at = w.len();
        if gids.len() > 1 {
            w.push(2);
            w.extend_from_slice(&1u16.to_be_bytes());
            w.extend_from_slice(&u16::try_from(gids.len() - 2).ok()?.to_be_bytes());
        } else {
            w.push(0);
        }

        // FDSelect, format 3: runs of glyphs with the same font DICT.
        let fd_select_at = w.len();
        let new_fd = |old: u8| used.binary_search(&old).expect("used") as u8;
        let mut ranges: Vec<(u16, u8)> = Vec::new();
        for (i, &fd) in fds.iter().enumerate() {
            if ranges.last().is_none_or(|r| r.1 != new_fd(fd)) {
                ranges.push((u16::try_from(i).ok()?, new_fd(fd)));
            }
        }
        w.push(3);
        w.extend_from_slice(&u16::try_from(ranges.len()).ok()?.to_be_bytes());
        for (first, fd) in &ranges {
            w.extend_from_slice(&first.to_be_bytes());
            w.push(*fd);
        }
        w.extend_from_slice(&u16::try_from(gids.len()).ok()?.to_be_bytes());

        // Private DICTs, then the font DICTs pointing at them.
        let mut font_dicts = Vec::with_capacity(used.len());
        for &old in &used {
            let fd = &self.fonts[usize::from(old)];
            let private_at = w.len();
            w.extend_from_slice(&fd.private);
            let m = match (self.top_matrix, fd.matrix) {
                (Some(_), Some(m)) => m,
                (None, Some(m)) => m.map(|v| v * 1000.0),
                (_, None) => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            };
            let mut d = Vec::with_capacity(48);
            for v in m {
                dict_real(&mut d, v)?;
            }
            dict_op(&mut d, FONT_MATRIX);
            dict_int5(&mut d, i32::try_from(fd.private.len()).ok()?);
            dict_int5(&mut d, i32::try_from(private_at).ok()?);
            dict_op(&mut d, PRIVATE);
            font_dicts.push(d);
        }
        let fd_array_at = w.len();
        let refs: Vec<&[u8]> = font_dicts.iter().map(Vec::as_slice).collect();
        write_index(&mut w, &refs)?;

        let char_strings_at = w.len();
        let body = write_index(&mut w, &glyphs)?;
        for (op, at) in patches {
            let value = match op {
                CHARSET => charset_at,
                CHAR_STRINGS => char_strings_at,
                FD_ARRAY => fd_array_at,
                _ => fd_select_at,
            };
            let bytes = i32::try_from(value).ok()?.to_be_bytes();
            w[top_at + at + 1..top_at + at + 5].copy_from_slice(&bytes);
        }
        Some((w, body))
    }
}

fn matrix(v: &[Operand]) -> Option<[f64; 6]> {
    let m: [Operand; 6] = v.try_into().ok()?;
    Some(m.map(Operand::real))
}

/// A font DICT from its `Private` operands (size, offset).
fn font_dict(
    cff: &'static [u8],
    private: &[Operand],
    matrix: Option<[f64; 6]>,
) -> Option<FontDict> {
    let [size, at] = private else { return None };
    let (size, at) = (
        usize::try_from(size.int()?).ok()?,
        usize::try_from(at.int()?).ok()?,
    );
    let data = cff.get(at..at.checked_add(size)?)?;
    let mut out = Vec::with_capacity(data.len());
    let mut subrs = Index::default();
    for (op, operands, values) in dict_entries(data)? {
        if op == SUBRS {
            let rel = usize::try_from(values.first()?.int()?).ok()?;
            subrs = Index::parse(cff, at.checked_add(rel)?)?;
            continue;
        }
        out.extend_from_slice(operands);
        dict_op(&mut out, op);
    }
    Some(FontDict {
        private: out,
        subrs,
        matrix,
    })
}

/// The font DICT index of every glyph (FDSelect format 0 or 3).
fn fd_select(cff: &[u8], at: usize, glyphs: usize) -> Option<Vec<u8>> {
    match *cff.get(at)? {
        0 => Some(cff.get(at + 1..at + 1 + glyphs)?.to_vec()),
        3 => {
            let n = usize::from(u16::from_be_bytes(
                cff.get(at + 1..at + 3)?.try_into().ok()?,
            ));
            let ranges = cff.get(at + 3..at + 3 + n * 3 + 2)?;
            let mut out = vec![0u8; glyphs];
            for r in 0..n {
                let first = usize::from(u16::from_be_bytes([ranges[r * 3], ranges[r * 3 + 1]]));
                let next = usize::from(u16::from_be_bytes([ranges[r * 3 + 3], ranges[r * 3 + 4]]));
                out.get_mut(first..next.min(glyphs))?
                    .fill(ranges[r * 3 + 2]);
            }
            Some(out)
        }
        _ => None,
    }
}

fn dict_op(w: &mut Vec<u8>, op: u16) {
    if op >= 1200 {
        w.extend_from_slice(&[12, (op - 1200) as u8]);
    } else {
        w.push(op as u8);
    }
}

fn dict_int(w: &mut Vec<u8>, v: i32) {
    match v {
        -107..=107 => w.push((v + 139) as u8),
        108..=1131 => {
            let v = v - 108;
            w.extend_from_slice(&[(v >> 8) as u8 + 247, v as u8]);
        }
        -1131..=-108 => {
            let v = -v - 108;
            w.extend_from_slice(&[(v >> 8) as u8 + 251, v as u8]);
        }
        _ => dict_int5(w, v),
    }
}

/// An integer in five bytes, so an offset can be patched in place.
fn dict_int5(w: &mut Vec<u8>, v: i32) {
    w.push(29);
    w.extend_from_slice(&v.to_be_bytes());
}

/// A real operand: its shortest decimal form in nibbles; `None` for a value
/// no DICT can hold (infinite or not a number, as a font's matrix scaled
/// past f64's range would be), so the subset is declined.
fn dict_real(w: &mut Vec<u8>, v: f64) -> Option<()> {
    if !v.is_finite() {
        return None;
    }
    if v.fract() == 0.0 && v.abs() < 1e9 {
        dict_int(w, v as i32);
        return Some(());
    }
    let s = format!("{v:e}");
    // `{:e}` gives e.g. "1e-3", "-2.5e0": mantissa and exponent.
    let (mantissa, exp) = s.split_once('e').expect("exponent form");
    let mut nibbles: Vec<u8> = Vec::with_capacity(16);
    for c in mantissa.chars() {
        nibbles.push(match c {
            '-' => 0xe,
            '.' => 0xa,
            d => d as u8 - b'0',
        });
    }
    if exp != "0" {
        match exp.strip_prefix('-') {
            Some(e) => {
                nibbles.push(0xc);
                nibbles.extend(e.bytes().map(|d| d - b'0'));
            }
            None => {
                nibbles.push(0xb);
                nibbles.extend(exp.bytes().map(|d| d - b'0'));
            }
        }
    }
    nibbles.push(0xf);
    if nibbles.len() % 2 == 1 {
        nibbles.push(0xf);
    }
    w.push(30);
    w.extend(nibbles.chunks(2).map(|p| p[0] << 4 | p[1]));
    Some(())
}

/// Writes an INDEX of `items`; returns where its items' bytes start.
fn write_index(w: &mut Vec<u8>, items: &[&[u8]]) -> Option<usize> {
    w.extend_from_slice(&u16::try_from(items.len()).ok()?.to_be_bytes());
    if items.is_empty() {
        return Some(w.len());
    }
    let total: usize = items.iter().map(|i| i.len()).sum();
    let off_size: usize = match total + 1 {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    w.push(off_size as u8);
    // Offsets: 1, then 1 + the running length after each item.
    let mut at = 1u32;
    w.extend_from_slice(&at.to_be_bytes()[4 - off_size..]);
    for item in items {
        at += item.len() as u32;
        w.extend_from_slice(&at.to_be_bytes()[4 - off_size..]);
    }
    let items_at = w.len();
    for item in items {
        w.extend_from_slice(item);
    }
    Some(items_at)
}

/// How a charstring (or subroutine) ended.
enum End {
    EndChar,
    Return,
}

/// Copies a charstring to `out`, inlining subroutine calls. Operands are
/// copied as they are encoded; a call's subroutine number is taken back out.
struct Flattener {
    out: Vec<u8>,
    /// The argument stack: where each operand starts in `out`, and its
    /// value if it is an integer.
    args: Vec<(usize, Option<i32>)>,
    stems: usize,
    /// Hint mask length, fixed at the first hintmask.
    mask_bytes: Option<usize>,
    global: Index,
    local: Index,
}

impl Flattener {
    fn run(&mut self, code: &[u8], depth: u8) -> Option<End> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut i = 0;
        while let Some(&b) = code.get(i) {
            if self.out.len() > MAX_GLYPH_BYTES {
                return None;
            }
            let (len, value) = match b {
                32..=246 => (1, Some(i32::from(b) - 139)),
                247..=250 => (
                    2,
                    Some((i32::from(b) - 247) * 256 + i32::from(*code.get(i + 1)?) + 108),
                ),
                251..=254 => (
                    2,
                    Some(-(i32::from(b) - 251) * 256 - i32::from(*code.get(i + 1)?) - 108),
                ),
                28 => (
                    3,
                    Some(i32::from(i16::from_be_bytes([
                        *code.get(i + 1)?,
                        *code.get(i + 2)?,
                    ]))),
                ),
                255 => {
                    let v = i32::from_be_bytes(code.get(i + 1..i + 5)?.try_into().ok()?);
                    (5, (v & 0xffff == 0).then_some(v >> 16))
                }
                _ => (0, None),
            };
            if len > 0 {
                self.args.push((self.out.len(), value));
                self.out.extend_from_slice(code.get(i..i + len)?);
                i += len;
                continue;
            }
            i += 1;
            match b {
                // callsubr, callgsubr: the number goes, the subroutine comes in.
                10 | 29 => {
                    let (at, n) = self.args.pop()?;
                    self.out.truncate(at);
                    let subrs = if b == 10 { self.local } else { self.global };
                    let sub = subrs.get(usize::try_from(n? + subrs.bias()).ok()?)?;
                    if let End::EndChar = self.run(sub, depth + 1)? {
                        return Some(End::EndChar);
                    }
                }
                11 => return Some(End::Return),
                14 => {
                    // Four arguments make it `seac` (accented characters).
                    if self.args.len() >= 4 {
                        return None;
                    }
                    self.out.push(14);
                    return Some(End::EndChar);
                }
                // Stem hints.
                1 | 3 | 18 | 23 => {
                    self.stems += self.args.len() / 2;
                    self.args.clear();
                    self.out.push(b);
                }
                // hintmask, cntrmask: the first may declare vertical stems.
                19 | 20 => {
                    let n = match self.mask_bytes {
                        Some(n) => n,
                        None => {
                            self.stems += self.args.len() / 2;
                            *self.mask_bytes.insert(self.stems.div_ceil(8))
                        }
                    };
                    self.args.clear();
                    self.out.push(b);
                    self.out.extend_from_slice(code.get(i..i + n)?);
                    i += n;
                }
                // Path operators.
                4..=8 | 21 | 22 | 24..=27 | 30 | 31 => {
                    self.args.clear();
                    self.out.push(b);
                }
                // flex, hflex, hflex1, flex1; other two-byte operators declined.
                12 => {
                    let b1 = *code.get(i)?;
                    if !(34..=37).contains(&b1) {
                        return None;
                    }
                    i += 1;
                    self.args.clear();
                    self.out.extend_from_slice(&[12, b1]);
                }
                _ => return None,
            }
        }
        Some(End::Return)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{gb2312_chars, Fonts, LoadedFace};

    /// The installed CFF faces the roles resolve to (the tests' machines
    /// have the Fandol and Noto CJK faces: scripts/setup.sh).
    fn cff_faces(fonts: &Fonts) -> Vec<(&LoadedFace, Cff)> {
        let faces: Vec<_> = fonts
            .faces
            .iter()
            .filter(|f| f.is_cff)
            .map(|f| {
                let table = ttf_parser::RawFace::parse(f.data, f.index)
                    .unwrap()
                    .table(ttf_parser::Tag::from_bytes(b"CFF "))
                    .unwrap();
                (
                    f,
                    Cff::parse(table).unwrap_or_else(|| panic!("{} declined", f.ps_name)),
                )
            })
            .collect();
        assert!(faces.len() >= 3, "CFF faces: {}", faces.len());
        faces
    }

    /// `.notdef` and the glyphs of GB 2312's hanzi and ASCII, in cmap order.
    fn sample_gids(face: &LoadedFace) -> Vec<u16> {
        let mut gids = vec![0u16];
        for c in gb2312_chars()
            .into_iter()
            .chain((0x21u8..0x7f).map(char::from))
        {
            if let Some(g) = face.glyph(c) {
                if !gids.contains(&g) {
                    gids.push(g);
                }
            }
        }
        gids
    }

    /// A minimal OpenType font around a CFF table, so that ttf-parser can
    /// draw its glyphs: the original face's head, hhea and maxp (glyph
    /// count set to the subset's) and the given CFF.
    fn wrap(face: &LoadedFace, cff: &[u8], glyphs: usize) -> Vec<u8> {
        let raw = ttf_parser::RawFace::parse(face.data, face.index).unwrap();
        let table = |t: &[u8; 4]| raw.table(ttf_parser::Tag::from_bytes(t)).unwrap().to_vec();
        let mut maxp = table(b"maxp");
        maxp[4..6].copy_from_slice(&(glyphs as u16).to_be_bytes());
        let mut hhea = table(b"hhea");
        hhea[34..36].copy_from_slice(&0u16.to_be_bytes());
        let tables: [(&[u8; 4], Vec<u8>); 4] = [
            (b"CFF ", cff.to_vec()),
            (b"head", table(b"head")),
            (b"hhea", hhea),
            (b"maxp", maxp),
        ];
        let mut out = b"OTTO".to_vec();
        out.extend_from_slice(&[0, 4, 0, 64, 0, 2, 0, 0]);
        let mut at = 12 + 16 * tables.len();
        for (tag, data) in &tables {
            out.extend_from_slice(*tag);
            out.extend_from_slice(&[0; 4]);
            out.extend_from_slice(&(at as u32).to_be_bytes());
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            at += data.len().div_ceil(4) * 4;
        }
        for (_, data) in &tables {
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(4) * 4, 0);
        }
        out
    }

    #[derive(Default, PartialEq, Debug)]
    struct Path(Vec<(char, [f32; 6])>);

    impl ttf_parser::OutlineBuilder for Path {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push(('M', [x, y, 0.0, 0.0, 0.0, 0.0]));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push(('L', [x, y, 0.0, 0.0, 0.0, 0.0]));
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.push(('Q', [x1, y1, x, y, 0.0, 0.0]));
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.push(('C', [x1, y1, x2, y2, x, y]));
        }
        fn close(&mut self) {
            self.0.push(('Z', [0.0; 6]));
        }
    }

    fn outline(face: &ttf_parser::Face, gid: u16) -> Path {
        let mut p = Path::default();
        face.outline_glyph(ttf_parser::GlyphId(gid), &mut p);
        p
    }

    #[test]
    fn subset_glyphs_draw_as_the_faces_own() {
        let fonts = Fonts::discover(&[]).unwrap();
        for (face, table) in cff_faces(&fonts) {
            // Glyphs in a scrambled order, as papers use them.
            let mut gids = sample_gids(face);
            gids[1..].sort_by_key(|g| (u32::from(*g) * 7919) % 65521);
            let (cff, body) = table.subset(&gids).expect("subset");
            let font = wrap(face, &cff, gids.len());
            let sub = ttf_parser::Face::parse(&font, 0).expect("the subset parses");
            assert_eq!(sub.number_of_glyphs() as usize, gids.len());
            for (new, &old) in gids.iter().enumerate() {
                assert_eq!(
                    outline(&sub, new as u16),
                    outline(&face.face, old),
                    "{} glyph {old}",
                    face.ps_name
                );
            }
            // What follows `body` is the glyphs' charstrings, in order.
            let flat: Vec<u8> = gids
                .iter()
                .flat_map(|&g| table.glyph(g).unwrap().to_vec())
                .collect();
            assert_eq!(&cff[body..], &flat[..]);
        }
    }

    /// A charstring as numbers, operators and hint masks, however encoded.
    fn tokens(code: &[u8]) -> Vec<(u8, i64)> {
        let (mut out, mut args, mut stems, mut mask) = (Vec::new(), 0usize, 0usize, None);
        let mut i = 0;
        while i < code.len() {
            let b = code[i];
            let num = match b {
                32..=246 => Some((1, i64::from(b) - 139)),
                247..=250 => Some((2, (i64::from(b) - 247) * 256 + i64::from(code[i + 1]) + 108)),
                251..=254 => Some((
                    2,
                    -(i64::from(b) - 251) * 256 - i64::from(code[i + 1]) - 108,
                )),
                28 => Some((
                    3,
                    i64::from(i16::from_be_bytes([code[i + 1], code[i + 2]])) << 16,
                )),
                255 => Some((
                    5,
                    i64::from(i32::from_be_bytes(code[i + 1..i + 5].try_into().unwrap())),
                )),
                _ => None,
            };
            if let Some((len, v)) = num {
                // Integers and 16.16 fixed compared as 16.16.
                let v = if b == 255 || b == 28 { v } else { v << 16 };
                out.push((0, v));
                args += 1;
                i += len;
                continue;
            }
            i += 1;
            match b {
                1 | 3 | 18 | 23 => stems += args / 2,
                19 | 20 => {
                    let n = *mask.get_or_insert_with(|| {
                        stems += args / 2;
                        stems.div_ceil(8)
                    });
                    out.push((b, 0));
                    out.extend(code[i..i + n].iter().map(|&m| (255, i64::from(m))));
                    i += n;
                    args = 0;
                    continue;
                }
                12 => {
                    out.push((12, i64::from(code[i])));
                    i += 1;
                    args = 0;
                    continue;
                }
                _ => {}
            }
            out.push((b, 0));
            args = 0;
        }
        out
    }

    #[test]
    fn flattened_glyphs_match_subsetters_hints_and_all() {
        let fonts = Fonts::discover(&[]).unwrap();
        for (face, table) in cff_faces(&fonts) {
            let gids: Vec<u16> = sample_gids(face).into_iter().take(400).collect();
            let mut remapper = subsetter::GlyphRemapper::new();
            for &g in &gids {
                remapper.remap(g);
            }
            let theirs = subsetter::subset(face.data, face.index, &remapper).unwrap();
            let theirs = ttf_parser::RawFace::parse(&theirs, 0)
                .unwrap()
                .table(ttf_parser::Tag::from_bytes(b"CFF "))
                .unwrap()
                .to_vec();
            let theirs: &'static [u8] = Box::leak(theirs.into_boxed_slice());
            let theirs = Cff::parse(theirs).expect("subsetter's CFF parses");
            for (new, &old) in gids.iter().enumerate() {
                let mine = table.glyph(old).unwrap();
                let reference = theirs.char_strings.get(new).unwrap();
                assert_eq!(
                    tokens(mine),
                    tokens(reference),
                    "{} glyph {old}",
                    face.ps_name
                );
            }
        }
    }

    fn fd_of(c: &Cff, g: u16) -> &FontDict {
        &c.fonts[usize::from(c.fd_select[usize::from(g)])]
    }

    #[test]
    fn a_subset_reads_back_with_its_font_dicts() {
        let fonts = Fonts::discover(&[]).unwrap();
        for (face, table) in cff_faces(&fonts) {
            let gids = sample_gids(face);
            let (cff, _) = table.subset(&gids).unwrap();
            let cff: &'static [u8] = Box::leak(cff.into_boxed_slice());
            let back = Cff::parse(cff).expect("the subset parses");
            assert_eq!(back.char_strings.count, gids.len());
            assert_eq!(back.global_subrs.count, 0);
            for (new, &old) in gids.iter().enumerate() {
                assert_eq!(
                    back.glyph(new as u16),
                    table.glyph(old),
                    "{} glyph {old}",
                    face.ps_name
                );
                let (mine, theirs) = (fd_of(&back, new as u16), fd_of(&table, old));
                assert_eq!(mine.private, theirs.private);
                assert_eq!(mine.subrs.count, 0);
            }
        }
    }

    /// A real no DICT can hold — from a broken font's "1E999", or a
    /// matrix scaled past f64's range — declines the subset, never panics.
    #[test]
    fn reals_out_of_range_are_declined() {
        for v in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            assert_eq!(dict_real(&mut Vec::new(), v), None);
        }
        // 1E999 as a DICT real: 1, E, 9, 9, 9, end.
        let bytes = [30, 0x1b, 0x99, 0x9f];
        assert!(real(&bytes).is_none());
    }

    #[test]
    fn reals_are_written_so_they_read_back() {
        for v in [0.001, -0.5, 1.0, 1e-7, 123.456, -2048.25, 0.000488281] {
            let mut w = Vec::new();
            dict_real(&mut w, v).unwrap();
            dict_op(&mut w, FONT_MATRIX);
            let e = dict_entries(&w).unwrap();
            assert_eq!(e.len(), 1);
            assert!(
                (e[0].2[0].real() - v).abs() <= v.abs() * 1e-12,
                "{v}: {:?}",
                e[0].2
            );
        }
    }

    #[test]
    fn charstrings_it_cannot_flatten_are_declined() {
        let empty = Index::default();
        let run = |code: &[u8]| {
            Flattener {
                out: Vec::new(),
                args: Vec::new(),
                stems: 0,
                mask_bytes: None,
                global: empty,
                local: empty,
            }
            .run(code, 0)
            .map(|e| matches!(e, End::EndChar))
        };
        // rmoveto, endchar: fine.
        assert_eq!(run(&[139, 139, 21, 14]), Some(true));
        // seac (endchar with four arguments), a call to a missing subroutine,
        // an arithmetic operator (12 10: add), a reserved operator.
        assert_eq!(run(&[139, 139, 139, 139, 14]), None);
        assert_eq!(run(&[139, 10, 14]), None);
        assert_eq!(run(&[139, 139, 12, 10, 14]), None);
        assert_eq!(run(&[2, 14]), None);
    }
}
