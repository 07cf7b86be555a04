//! Fonts: which installed face serves each GB/T 9704 role, per character.
//!
//! Owns font discovery (fontdb over the system font directories), the
//! candidate list of each role (the mandated names first, then free faces of
//! the same style), user overrides (`--font ROLE=PATH`), per-character
//! fallback, coverage checks and metrics. Faces are parsed once per process
//! and shared (memory-mapped) across papers and threads. It never lays out a
//! line and never writes a PDF object.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// The faces of GB/T 9704 (7.3: 小标宋, 仿宋, 黑体, 楷体; 宋体 for page
/// numbers), by the role each plays. Which element takes which face is
/// `typeset::style`'s decision; this module only finds a face for each role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    /// 小标宋: titles.
    Title,
    /// 仿宋: body, level-3 and level-4 headings.
    Body,
    /// 黑体: level-1 headings, 附件 labels.
    Hei,
    /// 楷体: level-2 headings, bylines.
    Kai,
    /// 宋体: page numbers.
    Song,
}

impl Face {
    pub const ALL: [Face; 5] = [Face::Title, Face::Body, Face::Hei, Face::Kai, Face::Song];

    /// The face's name as the standard and users' machines give it (the
    /// first candidate of its role).
    pub fn name(self) -> &'static str {
        match self {
            Face::Title => "方正小标宋简体",
            Face::Body => "仿宋_GB2312",
            Face::Hei => "黑体",
            Face::Kai => "楷体_GB2312",
            Face::Song => "宋体",
        }
    }
}

/// Latin letters and digits are set in this face everywhere (the custom,
/// and what Word and WPS use beside the Chinese faces).
pub const LATIN_FACE: &str = "Times New Roman";

use Face as Role;

/// Extra role beside the four faces of the standard: Latin letters and digits
/// are set in Times New Roman (7.3 customary), as the DOCX runs say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FontRole {
    Cjk(Role),
    Latin,
}

impl FontRole {
    pub const ALL: [FontRole; 6] = [
        FontRole::Cjk(Role::Title),
        FontRole::Cjk(Role::Body),
        FontRole::Cjk(Role::Hei),
        FontRole::Cjk(Role::Kai),
        FontRole::Cjk(Role::Song),
        FontRole::Latin,
    ];

    /// The role's name as users type it (`--font 正文=…`).
    pub fn label(self) -> &'static str {
        match self {
            FontRole::Cjk(Role::Title) => "标题",
            FontRole::Cjk(Role::Body) => "正文",
            FontRole::Cjk(Role::Hei) => "黑体",
            FontRole::Cjk(Role::Kai) => "楷体",
            FontRole::Cjk(Role::Song) => "宋体",
            FontRole::Latin => "西文",
        }
    }

    pub fn parse(s: &str) -> Option<FontRole> {
        Some(match s {
            "标题" | "小标宋" | "title" => FontRole::Cjk(Role::Title),
            "正文" | "仿宋" | "body" => FontRole::Cjk(Role::Body),
            "黑体" | "hei" => FontRole::Cjk(Role::Hei),
            "楷体" | "kai" => FontRole::Cjk(Role::Kai),
            "宋体" | "song" => FontRole::Cjk(Role::Song),
            "西文" | "latin" => FontRole::Latin,
            _ => return None,
        })
    }

    /// Family names tried in order: the faces offices have, then free faces
    /// of the same style (Song for 小标宋 and 宋体, a FangSong for 仿宋, sans
    /// for 黑体, a Kai for 楷体).
    fn candidates(self) -> &'static [(&'static str, u16)] {
        match self {
            FontRole::Cjk(Role::Title) => &[
                ("方正小标宋简体", 400),
                ("FZXiaoBiaoSong-B05S", 400),
                ("方正小标宋_GBK", 400),
                ("小标宋", 400),
                ("Noto Serif CJK SC", 700),
                ("Source Han Serif SC", 700),
                ("FandolSong", 700),
                ("AR PL UMing CN", 400),
            ],
            FontRole::Cjk(Role::Body) => &[
                ("仿宋_GB2312", 400),
                ("FangSong_GB2312", 400),
                ("仿宋", 400),
                ("FangSong", 400),
                ("STFangsong", 400),
                ("华文仿宋", 400),
                ("FandolFang", 400),
                ("Noto Serif CJK SC", 400),
                ("AR PL UMing CN", 400),
            ],
            FontRole::Cjk(Role::Hei) => &[
                ("黑体", 400),
                ("SimHei", 400),
                ("FandolHei", 400),
                ("Noto Sans CJK SC", 400),
                ("Source Han Sans SC", 400),
                ("WenQuanYi Zen Hei", 400),
            ],
            FontRole::Cjk(Role::Kai) => &[
                ("楷体_GB2312", 400),
                ("KaiTi_GB2312", 400),
                ("楷体", 400),
                ("KaiTi", 400),
                ("STKaiti", 400),
                ("FandolKai", 400),
                ("LXGW WenKai", 400),
                ("AR PL UKai CN", 400),
            ],
            FontRole::Cjk(Role::Song) => &[
                ("宋体", 400),
                ("SimSun", 400),
                ("FandolSong", 400),
                ("Noto Serif CJK SC", 400),
                ("AR PL UMing CN", 400),
            ],
            FontRole::Latin => &[
                (LATIN_FACE, 400),
                ("Liberation Serif", 400),
                ("Tinos", 400),
                ("TeX Gyre Termes", 400),
                ("DejaVu Serif", 400),
            ],
        }
    }
}

/// One loaded face: its bytes (memory-mapped) and a parsed view of them.
///
/// Faces live as long as the process: they are loaded once, shared by every
/// paper and thread, and their mapping is intentionally never released, which
/// lets the parsed view borrow it for `'static` instead of re-parsing the
/// table directory for every character.
pub struct LoadedFace {
    pub family: String,
    pub path: PathBuf,
    pub index: u32,
    pub data: &'static [u8],
    pub face: ttf_parser::Face<'static>,
    /// Whether outlines are CFF (embedded as CIDFontType0) or TrueType.
    pub is_cff: bool,
    /// PostScript name, for the PDF BaseFont.
    pub ps_name: String,
}

impl LoadedFace {
    pub fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// Advance of `gid` in em units (1.0 = one em).
    pub fn advance_em(&self, gid: u16) -> f32 {
        f32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0),
        ) / self.units_per_em()
    }

    pub fn glyph(&self, c: char) -> Option<u16> {
        self.face.glyph_index(c).map(|g| g.0)
    }
}

/// The resolved fonts of a run: one face per role plus the fallback order.
pub struct Fonts {
    pub faces: Vec<LoadedFace>,
    /// role → index into `faces`
    roles: HashMap<FontRole, usize>,
    /// All faces in fallback order (role faces first, by role order).
    fallback: Vec<usize>,
    /// (role, char) → (face, glyph, advance in em), filled as papers are
    /// laid out: a paper repeats a few hundred characters thousands of
    /// times, and cmap lookups were most of a DOCX's cost in a batch.
    glyphs: GlyphCache,
}

/// The glyph cache: for characters of the Basic Multilingual Plane a table
/// per role of atomic words, read without a lock (behind a lock and a
/// SipHash map it was 8 % of a PDF batch's time on two threads); the rare
/// others in a locked map. The table is allocated zeroed and touched only
/// where characters are used.
struct GlyphCache {
    bmp: Box<[std::sync::atomic::AtomicU64]>,
    other: std::sync::RwLock<HashMap<(FontRole, char), Option<Glyph>>>,
}

/// A word of the table: bit 63 set once looked up, bit 62 if a face has the
/// glyph, then the face (bits 48–55), the glyph id (32–47) and the advance's
/// `f32` bits (0–31).
const LOOKED_UP: u64 = 1 << 63;
const FOUND: u64 = 1 << 62;

impl GlyphCache {
    fn new() -> GlyphCache {
        let words = FontRole::ALL.len() << 16;
        GlyphCache {
            bmp: (0..words)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
            other: Default::default(),
        }
    }

    fn slot(&self, role: FontRole, c: char) -> Option<&std::sync::atomic::AtomicU64> {
        let r = FontRole::ALL.iter().position(|&x| x == role)?;
        self.bmp.get(
            (r << 16)
                | usize::try_from(u32::from(c))
                    .ok()
                    .filter(|&c| c < 1 << 16)?,
        )
    }

    fn get(&self, role: FontRole, c: char) -> Option<Option<Glyph>> {
        use std::sync::atomic::Ordering::Relaxed;
        match self.slot(role, c) {
            Some(slot) => {
                let w = slot.load(Relaxed);
                (w & LOOKED_UP != 0).then(|| {
                    (w & FOUND != 0).then(|| Glyph {
                        face: ((w >> 48) & 0xff) as usize,
                        gid: (w >> 32) as u16,
                        advance_em: f32::from_bits(w as u32),
                    })
                })
            }
            None => self
                .other
                .read()
                .expect("glyph cache")
                .get(&(role, c))
                .copied(),
        }
    }

    fn put(&self, role: FontRole, c: char, g: Option<Glyph>) {
        use std::sync::atomic::Ordering::Relaxed;
        match (self.slot(role, c), g) {
            (Some(slot), None) => slot.store(LOOKED_UP, Relaxed),
            // A face beyond the 256th is simply not cached.
            (Some(slot), Some(g)) if g.face < 256 => slot.store(
                LOOKED_UP
                    | FOUND
                    | (g.face as u64) << 48
                    | u64::from(g.gid) << 32
                    | u64::from(g.advance_em.to_bits()),
                Relaxed,
            ),
            (Some(_), Some(_)) => {}
            (None, g) => {
                self.other
                    .write()
                    .expect("glyph cache")
                    .insert((role, c), g);
            }
        }
    }
}

/// Where a character is drawn from: face index, glyph id, advance (em).
#[derive(Clone, Copy, Debug)]
pub struct Glyph {
    pub face: usize,
    pub gid: u16,
    pub advance_em: f32,
}

/// A font problem the user must fix (no face for a role, unreadable file),
/// with the located errors of the font config file when it is the cause.
#[derive(Debug)]
pub struct FontError {
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FontError {
    fn new(message: impl Into<String>) -> Self {
        FontError {
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }

    fn config(diagnostics: Vec<Diagnostic>) -> Self {
        FontError {
            message: "字体配置文件有误".into(),
            diagnostics,
        }
    }
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "错误：{}", self.message)
    }
}

fn load_face(db: &mut fontdb::Database, id: fontdb::ID) -> Option<LoadedFace> {
    let info = db.face(id)?.clone();
    let path = match &info.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
        fontdb::Source::Binary(_) => PathBuf::new(),
    };
    // SAFETY: the font file is memory-mapped; it must not be rewritten while
    // wenshu runs (installing fonts replaces files, it does not edit them).
    let (shared, index) = unsafe { db.make_shared_face_data(id)? };
    let leaked: &'static _ = Box::leak(Box::new(shared));
    let data: &'static [u8] = (**leaked).as_ref();
    let face = ttf_parser::Face::parse(data, index).ok()?;
    Some(LoadedFace {
        family: info
            .families
            .first()
            .map(|f| f.0.clone())
            .unwrap_or_default(),
        path,
        index,
        data,
        is_cff: face.tables().cff.is_some(),
        face,
        ps_name: info.post_script_name.clone(),
    })
}

impl Fonts {
    /// Scans the system fonts once and resolves every role. `overrides` maps
    /// roles to font files (first face of a collection unless `path#index`).
    pub fn discover(overrides: &[(FontRole, PathBuf)]) -> Result<Fonts, FontError> {
        // The config file's choices first; `--font` on the command line wins.
        let mut all = config_overrides()?;
        all.extend_from_slice(overrides);
        let overrides = &all[..];
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let mut faces: Vec<LoadedFace> = Vec::new();
        let mut roles = HashMap::new();
        let mut by_id: HashMap<fontdb::ID, usize> = HashMap::new();
        for (role, path) in overrides {
            let (file, index) = split_index(path);
            let ids = db.load_font_source(fontdb::Source::File(file.clone()));
            let id = ids.get(index as usize).copied().ok_or_else(|| {
                FontError::new(format!(
                    "无法读取字体文件 {}（{}）",
                    file.display(),
                    role.label()
                ))
            })?;
            let face = load_face(&mut db, id)
                .ok_or_else(|| FontError::new(format!("无法解析字体文件 {}", file.display())))?;
            by_id.insert(id, faces.len());
            roles.insert(*role, faces.len());
            faces.push(face);
        }
        for role in FontRole::ALL {
            if roles.contains_key(&role) {
                continue;
            }
            let found = role
                .candidates()
                .iter()
                .find_map(|(family, weight)| find_face(&db, family, *weight));
            let Some(id) = found else {
                let names: Vec<&str> = role.candidates().iter().map(|(n, _)| *n).collect();
                return Err(FontError::new(format!(
                    "找不到「{}」字体：已尝试 {}。请安装其中之一（scripts/setup.sh 会安装免费字体），或用 --font {}=字体文件 指定",
                    role.label(),
                    names.join("、"),
                    role.label()
                )));
            };
            let idx = match by_id.get(&id) {
                Some(i) => *i,
                None => {
                    let face = load_face(&mut db, id).ok_or_else(|| {
                        FontError::new(format!("无法读取「{}」字体", role.label()))
                    })?;
                    by_id.insert(id, faces.len());
                    faces.push(face);
                    faces.len() - 1
                }
            };
            roles.insert(role, idx);
        }
        // Fallback for a character the role's face lacks: the regular faces
        // of the other roles, then any other installed CJK face (a regular
        // serif first, closest to 仿宋 and 宋体), the heavy title face last.
        let mut fallback: Vec<usize> = Vec::new();
        for role in [Role::Body, Role::Song, Role::Kai, Role::Hei] {
            let i = roles[&FontRole::Cjk(role)];
            if !fallback.contains(&i) {
                fallback.push(i);
            }
        }
        for extra in [
            "Noto Serif CJK SC",
            "Source Han Serif SC",
            "AR PL UMing CN",
            "Noto Sans CJK SC",
            "AR PL UKai CN",
            "WenQuanYi Zen Hei",
        ] {
            let Some(id) = find_face(&db, extra, 400) else {
                continue;
            };
            match by_id.get(&id) {
                Some(i) if !fallback.contains(i) => fallback.push(*i),
                Some(_) => {}
                None => {
                    if let Some(face) = load_face(&mut db, id) {
                        by_id.insert(id, faces.len());
                        fallback.push(faces.len());
                        faces.push(face);
                    }
                }
            }
        }
        let title = roles[&FontRole::Cjk(Role::Title)];
        if !fallback.contains(&title) {
            fallback.push(title);
        }
        Ok(Fonts {
            faces,
            roles,
            fallback,
            glyphs: GlyphCache::new(),
        })
    }

    pub fn role_face(&self, role: FontRole) -> usize {
        self.roles[&role]
    }

    /// The face that draws `c` for `role`: the role's own face if it has the
    /// glyph, else the first face in fallback order that has it.
    pub fn face_for(&self, role: FontRole, c: char) -> Option<usize> {
        let own = self.roles[&role];
        if self.faces[own].face.glyph_index(c).is_some() {
            return Some(own);
        }
        self.fallback
            .iter()
            .copied()
            .find(|&i| self.faces[i].face.glyph_index(c).is_some())
    }

    /// The glyph that draws `c` for `role` (see [`Fonts::face_for`]), cached.
    pub fn glyph(&self, role: FontRole, c: char) -> Option<Glyph> {
        if let Some(g) = self.glyphs.get(role, c) {
            return g;
        }
        let g = self.face_for(role, c).map(|face| {
            let f = &self.faces[face];
            let gid = f.glyph(c).unwrap_or(0);
            Glyph {
                face,
                gid,
                advance_em: f.advance_em(gid),
            }
        });
        self.glyphs.put(role, c, g);
        g
    }

    /// Characters of `text` that no available face can draw.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || out.contains(&c) {
                continue;
            }
            // The body role falls back through every face, so a miss here
            // is a miss everywhere.
            let role = if c.is_ascii() {
                FontRole::Latin
            } else {
                FontRole::Cjk(Role::Body)
            };
            if self.glyph(role, c).is_none() {
                out.push(c);
            }
        }
        out
    }

    /// How many of `chars` the role's own face covers.
    pub fn coverage(&self, role: FontRole, chars: impl Iterator<Item = char>) -> (usize, usize) {
        let face = &self.faces[self.roles[&role]].face;
        let (mut have, mut total) = (0, 0);
        for c in chars {
            total += 1;
            have += usize::from(face.glyph_index(c).is_some());
        }
        (have, total)
    }
}

/// The face of `family` closest to `weight`, by our own rule so the choice is
/// the same on every machine: nearest weight, then a style name that agrees
/// (some faces, Fandol's among them, mark Bold and Regular with one weight),
/// then the path.
fn find_face(db: &fontdb::Database, family: &str, weight: u16) -> Option<fontdb::ID> {
    db.faces()
        .filter(|f| {
            f.families.iter().any(|(name, _)| name == family) && f.style == fontdb::Style::Normal
        })
        .min_by_key(|f| {
            let bold_name = f.post_script_name.contains("Bold")
                || f.post_script_name.contains("Heavy")
                || f.post_script_name.contains("Black");
            let style_mismatch = u16::from(bold_name != (weight >= 600)) * 300;
            let path = match &f.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => {
                    p.display().to_string()
                }
                fontdb::Source::Binary(_) => String::new(),
            };
            (f.weight.0.abs_diff(weight) + style_mismatch, path, f.index)
        })
        .map(|f| f.id)
}

/// The font config file: `$WENSHU_FONTS`, else `wenshu/fonts.yaml` in the
/// user's config directory (`$XDG_CONFIG_HOME`, or `~/.config`), if present:
///
/// ```yaml
/// 字体:
///   正文: /usr/share/fonts/winfonts/仿宋_GB2312.ttf
///   标题: 方正小标宋简体.ttf      # relative to the config file
/// ```
pub fn config_path() -> Option<PathBuf> {
    crate::input::config_file("WENSHU_FONTS", "fonts.yaml")
}

/// Reads the font config file; every problem in it is a located error.
pub fn config_overrides() -> Result<Vec<(FontRole, PathBuf)>, FontError> {
    use crate::input::typed::{self as fields, Ctx, Obj};
    use crate::input::{self, Value};
    let Some(path) = config_path() else {
        return Ok(Vec::new());
    };
    let src = input::read_source(&path).map_err(|d| FontError::config(vec![d]))?;
    let docs = input::parse_yaml(&src).map_err(FontError::config)?;
    let mut ctx = Ctx::new(&src);
    let mut out = Vec::new();
    if let Some(doc) = docs.first() {
        if let Some(mut obj) = Obj::open(&mut ctx, &doc.root, "") {
            if let Some(node) = obj.require(&mut ctx, "字体", "（角色: 字体文件）") {
                match &node.value {
                    Value::Map(entries) => {
                        for (k, v) in entries {
                            let Some(role) = fields::line_text(&mut ctx, k, "字体", 10) else {
                                continue;
                            };
                            let field = format!("字体.{role}");
                            let Some(file) = fields::line_text(&mut ctx, v, &field, 500) else {
                                continue;
                            };
                            match FontRole::parse(&role) {
                                Some(r) => out.push((r, path.parent().unwrap_or(Path::new("")).join(file))),
                                None => ctx.error(k.pos, &field, format!("不认识的字体角色「{role}」：可用 标题、正文、黑体、楷体、宋体、西文")),
                            }
                        }
                    }
                    _ => ctx.error(node.pos, "字体", "应为键值表（角色: 字体文件）"),
                }
            }
            obj.finish(&mut ctx);
        }
    }
    if ctx.errors.is_empty() {
        Ok(out)
    } else {
        Err(FontError::config(ctx.errors))
    }
}

/// `font.ttc#2` → (`font.ttc`, 2).
fn split_index(path: &Path) -> (PathBuf, u32) {
    let s = path.to_string_lossy();
    if let Some((file, idx)) = s.rsplit_once('#') {
        if let Ok(i) = idx.parse() {
            return (PathBuf::from(file), i);
        }
    }
    (path.to_path_buf(), 0)
}

/// The 6,763 hanzi of GB 2312 (rows 16–87 of the EUC-CN table; row 55 ends
/// at 0xD7F9), decoded with the GBK table.
pub fn gb2312_chars() -> Vec<char> {
    let mut out = Vec::with_capacity(6763);
    for hi in 0xB0u8..=0xF7 {
        let last = if hi == 0xD7 { 0xF9 } else { 0xFE };
        for lo in 0xA1u8..=last {
            let bytes = [hi, lo];
            let (s, _, bad) = encoding_rs::GBK.decode(&bytes);
            if let (false, Some(c)) = (bad, s.chars().next()) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb2312_has_its_hanzi() {
        let all = gb2312_chars();
        assert_eq!(all.len(), 6763);
        assert!(all.contains(&'啊') && all.contains(&'齄'));
    }

    #[test]
    fn roles_parse_in_both_languages() {
        assert_eq!(FontRole::parse("正文"), Some(FontRole::Cjk(Role::Body)));
        assert_eq!(FontRole::parse("latin"), Some(FontRole::Latin));
        assert_eq!(FontRole::parse("x"), None);
    }

    #[test]
    fn each_role_tries_the_mandated_face_first() {
        for face in Face::ALL {
            assert_eq!(FontRole::Cjk(face).candidates()[0].0, face.name());
        }
        assert_eq!(FontRole::Latin.candidates()[0].0, LATIN_FACE);
    }

    #[test]
    fn cached_glyphs_are_the_faces_own() {
        let fonts = Fonts::discover(&[]).unwrap();
        let chars: Vec<char> = gb2312_chars()
            .into_iter()
            .step_by(7)
            .chain("AZaz09，。“”𠀀𪚥\u{e000}\u{10ffff}".chars())
            .collect();
        for role in FontRole::ALL {
            for &c in &chars {
                let fresh = fonts.face_for(role, c).map(|face| {
                    let gid = fonts.faces[face].glyph(c).unwrap_or(0);
                    (face, gid, fonts.faces[face].advance_em(gid))
                });
                for _ in 0..2 {
                    let cached = fonts.glyph(role, c).map(|g| (g.face, g.gid, g.advance_em));
                    assert_eq!(cached, fresh, "{role:?} {c}");
                }
            }
        }
    }
}
