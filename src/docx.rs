//! DOCX writer: [`Document`] → a WordprocessingML package.
//!
//! Owns the OOXML: parts, relationships, styles, the font table, the section
//! (page, margins, document grid, odd/even footers with "— N —") and the
//! paragraph and run properties of every element, written in schema order so
//! Word opens the file without a repair prompt. All geometry comes from
//! [`crate::typeset`]. It never decides content or layout rules itself.
//!
//! Why not docx-rs: measured on this project's machines, it writes pPr/rPr
//! children out of schema order (109 schema errors in a small document), never
//! writes `w:firstLineChars`, has no `w:lang` and no East Asian line-breaking
//! settings, and offers no raw XML. Every one of those is a GB/T 9704
//! requirement, so we write the few parts ourselves (it is also ~10× faster).
//!
//! Output is deterministic: fixed part order, no timestamps in the package
//! (zip entries dated 1980-01-01), no random ids.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::document::{Block, Document, Table};
use crate::typeset::layout::ImprintPlace;
use crate::typeset::{self as ts, Face};

/// Builds the package bytes. `imprint_place` is where our own layout put
/// the 版记 (see [`imprint`]); `None` lets it follow the text.
pub fn write(doc: &Document, imprint_place: Option<ImprintPlace>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(32 * 1024)));
    // The parts that are the same in every paper are compressed once per
    // process and copied in as they are: in a batch, compressing them again
    // for every paper was most of a DOCX's cost.
    let mut fixed =
        zip::ZipArchive::new(std::io::Cursor::new(fixed_parts())).expect("our own archive");
    for i in 0..fixed.len() {
        let entry = fixed.by_index_raw(i).expect("our own archive");
        zip.raw_copy_file(entry).expect("zip in memory");
    }
    for (name, xml) in [
        ("docProps/core.xml", core_props(doc)),
        ("word/document.xml", document_xml(doc, imprint_place)),
    ] {
        // Writing to memory cannot fail.
        zip.start_file(name, zip_options(2))
            .expect("zip entry in memory");
        zip.write_all(xml.as_bytes()).expect("zip write in memory");
    }
    zip.finish().expect("zip finish in memory").into_inner()
}

/// Entries dated 1980-01-01 (no timestamps: identical input, identical
/// bytes); the per-paper parts compressed fast, the fixed ones harder.
fn zip_options(level: i64) -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(level))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

/// A zip of every part that does not depend on the paper, built once.
fn fixed_parts() -> &'static [u8] {
    static FIXED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FIXED.get_or_init(|| {
        let parts: [(&str, String); 11] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("docProps/app.xml", APP_PROPS.to_string()),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
            ("word/styles.xml", styles_xml()),
            ("word/settings.xml", settings_xml()),
            ("word/fontTable.xml", font_table_xml()),
            ("word/footer1.xml", footer_xml(false)),
            ("word/footer2.xml", footer_xml(true)),
            ("word/footer3.xml", format!("{XML_DECL}<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr></w:p></w:ftr>")),
            (
                "word/theme/theme1.xml",
                include_str!("ooxml/theme1.xml").to_string(),
            ),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, xml) in &parts {
            zip.start_file(*name, zip_options(9))
                .expect("zip entry in memory");
            zip.write_all(xml.as_bytes()).expect("zip write in memory");
        }
        zip.finish().expect("zip finish in memory").into_inner()
    })
}

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const CONTENT_TYPES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/word/footer3.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    "</Types>"
);

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    "</Relationships>"
);

const DOCUMENT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    r#"<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>"#,
    r#"<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer3.xml"/>"#,
    r#"<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>"#,
    "</Relationships>"
);

const APP_PROPS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">"#,
    "<Application>wenshu</Application></Properties>"
);

fn core_props(doc: &Document) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>wenshu</dc:creator>\
         <dc:language>zh-CN</dc:language></cp:coreProperties>",
        escape(&doc.title())
    )
}

/// XML-escapes text, dropping characters XML 1.0 cannot carry.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Run properties: the face for East Asian text (with the hint that makes
/// Word pick it for ambiguous characters), Times New Roman for Latin, the
/// size, and zh-CN so nothing renders with Japanese glyph shapes.
///
/// `latin` is false for runs of CJK text: then every font slot names the CJK
/// face, because LibreOffice ignores `w:hint` and would set “ and ” in the
/// Latin face at half width. Grid-sized runs are scaled to 98 %: LibreOffice
/// gives a character two grid cells when its width exceeds the 15.7 pt cell
/// (measured), which would halve the line; Word lays out 28 a line either way.
fn rpr(out: &mut String, face: Face, size: u32, latin: bool) {
    let slot = if latin && face != Face::Song {
        ts::LATIN_FACE
    } else {
        face.name()
    };
    let _ = write!(
        out,
        "<w:rPr><w:rFonts w:ascii=\"{slot}\" w:hAnsi=\"{slot}\" w:eastAsia=\"{}\" w:cs=\"{slot}\" w:hint=\"eastAsia\"/>",
        face.name()
    );
    if size == ts::BODY_SIZE {
        out.push_str("<w:w w:val=\"98\"/>");
    }
    let _ = write!(
        out,
        "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr>"
    );
}

/// Writes `text` as runs: one per stretch of Latin or CJK text, a `w:br`
/// for each U+2028 (an explicit line break from the template).
fn run(out: &mut String, face: Face, size: u32, text: &str) {
    for (i, line) in text.split('\u{2028}').enumerate() {
        if i > 0 {
            out.push_str("<w:r>");
            rpr(out, face, size, false);
            out.push_str("<w:br/></w:r>");
        }
        let mut rest = line;
        while !rest.is_empty() {
            let latin = rest.starts_with(|c: char| c.is_ascii());
            let end = rest
                .find(|c: char| c.is_ascii() != latin)
                .unwrap_or(rest.len());
            let (piece, tail) = rest.split_at(end);
            out.push_str("<w:r>");
            rpr(out, face, size, latin);
            let _ = write!(
                out,
                "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape(piece)
            );
            rest = tail;
        }
    }
}

/// Paragraph properties as (style, right indent in chars, left indent in chars).
struct Para<'a> {
    style: &'a str,
    ind: Option<String>,
    keep_next: bool,
    page_break_before: bool,
}

impl<'a> Para<'a> {
    fn new(style: &'a str) -> Self {
        Para {
            style,
            ind: None,
            keep_next: false,
            page_break_before: false,
        }
    }

    fn open(&self, out: &mut String) {
        let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"{}\"/>", self.style);
        if self.keep_next {
            out.push_str("<w:keepNext/>");
        }
        if self.page_break_before {
            out.push_str("<w:pageBreakBefore/>");
        }
        if let Some(ind) = &self.ind {
            out.push_str(ind);
        }
        out.push_str("</w:pPr>");
    }
}

/// An indent in character cells, written both as Word's character units and
/// as twips (LibreOffice and WPS read the twips).
fn ind_chars(side: &str, chars: f64) -> String {
    let twips = ts::indent_twips(chars);
    let hundredths = (chars * 100.0).round() as i64;
    format!("<w:ind w:{side}Chars=\"{hundredths}\" w:{side}=\"{twips}\"/>")
}

fn document_xml(doc: &Document, imprint_place: Option<ImprintPlace>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(out, "{XML_DECL}<w:document {W_NS}><w:body>");
    let body = ts::BODY_SIZE;
    let mut prev: Option<&Block> = None;
    for block in &doc.blocks {
        if ts::blank_line_before(prev, block) {
            blank(&mut out);
        }
        match block {
            Block::Title(t) => {
                let mut p = Para::new("Title");
                p.keep_next = true;
                p.open(&mut out);
                let lines = ts::balance_title(t);
                run(
                    &mut out,
                    Face::Title,
                    ts::TITLE_SIZE,
                    &lines.join("\u{2028}"),
                );
                out.push_str("</w:p>");
            }
            Block::Byline(t) => simple(&mut out, "Subtitle", Face::Kai, body, t),
            Block::Addressee(t) => simple(&mut out, "Salutation", Face::Body, body, t),
            Block::Paragraph(t) => simple(&mut out, "BodyText", Face::Body, body, t),
            Block::Heading {
                level,
                number,
                text,
                lead,
            } => {
                let style = format!("Heading{level}");
                let mut p = Para::new(&style);
                p.keep_next = lead.is_none();
                p.open(&mut out);
                run(
                    &mut out,
                    Face::of_heading(*level),
                    body,
                    &format!("{number}{text}"),
                );
                if let Some(lead) = lead {
                    run(&mut out, Face::Body, body, lead);
                }
                out.push_str("</w:p>");
            }
            Block::Table(t) => table(&mut out, t),
            Block::AttachmentNote(names) => attachment_note(&mut out, names),
            Block::Signature { name, date } => {
                let (name_right, date_right) = ts::signature_indents(name, date);
                let mut p = Para::new("Signature");
                p.keep_next = true;
                p.ind = Some(ind_chars("right", name_right));
                p.open(&mut out);
                run(&mut out, Face::Body, body, name);
                out.push_str("</w:p>");
                let mut p = Para::new("Date");
                p.ind = Some(ind_chars("right", date_right));
                p.open(&mut out);
                run(&mut out, Face::Body, body, date);
                out.push_str("</w:p>");
            }
            Block::Note(t) => simple(&mut out, "Note", Face::Body, body, &format!("（{t}）")),
            Block::CopyTo(t) => simple(&mut out, "CopyTo", Face::Body, body, t),
            Block::Letterhead(l) => letterhead(&mut out, l),
            Block::Attachment { label, title } => {
                let mut p = Para::new("AttachmentLabel");
                p.page_break_before = true;
                p.open(&mut out);
                run(&mut out, Face::Hei, body, label);
                out.push_str("</w:p>");
                blank(&mut out);
                let mut p = Para::new("Title");
                p.keep_next = true;
                p.open(&mut out);
                run(
                    &mut out,
                    Face::Title,
                    ts::TITLE_SIZE,
                    &ts::balance_title(title).join("\u{2028}"),
                );
                out.push_str("</w:p>");
                blank(&mut out);
            }
            Block::Imprint(i) => imprint(&mut out, i, imprint_place),
        }
        prev = Some(block);
    }
    let numbered = !matches!(imprint_place, Some(ImprintPlace::OwnPage { blank }) if blank > 0)
        || !doc.blocks.iter().any(|b| matches!(b, Block::Imprint(_)));
    section_properties(&mut out, numbered, false);
    out.push_str("</w:body></w:document>");
    out
}

/// 版头 (7.2): 份号, 密级 and 紧急程度 on the first lines, the red
/// 发文机关标志 with its top 35 mm into the text block, the 发文字号 two lines
/// under it (with 签发人 on the same line for an upward paper), the red rule
/// 4 mm under that, and two blank lines before the title.
fn letterhead(out: &mut String, l: &crate::document::Letterhead) {
    let body = ts::BODY_SIZE;
    let mut lines = 0;
    if let Some(c) = &l.copy_no {
        simple(out, "Salutation", Face::Body, body, c);
        lines += 1;
    }
    for t in [&l.secrecy, &l.urgency].into_iter().flatten() {
        simple(out, "Salutation", Face::Hei, body, t);
        lines += 1;
    }
    let size = ts::issuer_size(&l.issuer);
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Issuer\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"{}\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/></w:pPr>",
        ts::issuer_space_before(lines),
        ts::issuer_line(&l.issuer)
    );
    let mut mark = String::new();
    run(&mut mark, Face::Title, size, &l.issuer);
    // Red, the one coloured element of a paper (rPr: color right after rFonts).
    out.push_str(&mark.replace(
        "w:hint=\"eastAsia\"/>",
        "w:hint=\"eastAsia\"/><w:color w:val=\"FF0000\"/>",
    ));
    out.push_str("</w:p>");
    blank(out);
    blank(out);
    let one = ts::indent_twips(1.0);
    let border = format!(
        "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"{}\" w:space=\"{}\" w:color=\"FF0000\"/></w:pBdr>",
        (ts::THICK_RULE_PT * 8.0) as u32,
        ts::RULE_GAP_PT
    );
    match &l.signer {
        None => {
            let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"DocNumber\"/>{border}<w:jc w:val=\"center\"/></w:pPr>");
            run(out, Face::Body, body, &l.number);
        }
        Some(signer) => {
            let _ = write!(
                out,
                "<w:p><w:pPr><w:pStyle w:val=\"DocNumber\"/>{border}<w:tabs><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs><w:ind w:left=\"{one}\" w:right=\"{one}\"/><w:jc w:val=\"left\"/></w:pPr>",
                ts::TEXT_WIDTH as i64 - one
            );
            run(out, Face::Body, body, &l.number);
            tab(out, body);
            run(out, Face::Body, body, "签发人：");
            run(out, Face::Kai, body, signer);
        }
    }
    out.push_str("</w:p>");
    blank(out);
    blank(out);
}

/// 版记 (7.4): a table with a thick rule above and below and a thin rule
/// between the 抄送 and 印发 rows, 4号仿宋, its last rule on the bottom of
/// the text block. Word has no "foot of the last page" for body text, so the
/// space above it comes from our own layout of the same lines (`place`);
/// without one, the 版记 simply follows the text.
fn imprint(out: &mut String, i: &crate::document::Imprint, place: Option<ImprintPlace>) {
    let rows = 1 + u32::from(i.cc.is_some());
    let height = rows * ts::LINE_PITCH;
    let spacer = |out: &mut String, twips: i64, page_break: bool| {
        let brk = if page_break {
            "<w:pageBreakBefore/>"
        } else {
            ""
        };
        if twips >= 20 {
            let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>{brk}<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{twips}\" w:lineRule=\"exact\"/></w:pPr></w:p>");
        } else if page_break {
            let _ = write!(
                out,
                "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>{brk}</w:pPr></w:p>"
            );
        }
    };
    match place {
        Some(ImprintPlace::LastPage { gap }) => spacer(out, (gap * 20.0).floor() as i64, false),
        Some(ImprintPlace::OwnPage { blank: 0 }) => {
            spacer(out, i64::from(ts::TEXT_HEIGHT - height) - 40, true)
        }
        Some(ImprintPlace::OwnPage { .. }) => {
            // A blank page before the 版记: both go in a last section
            // without page numbers (7.5), which starts on the blank page.
            out.push_str("<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>");
            section_properties(out, true, true);
            out.push_str("</w:pPr></w:p>");
            blank(out); // the blank page
            spacer(out, i64::from(ts::TEXT_HEIGHT - height) - 40, true);
        }
        None => {}
    }
    let thick = (ts::THICK_RULE_PT * 8.0) as u32;
    let thin = (ts::THIN_RULE_PT * 8.0) as u32;
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>\
         <w:top w:val=\"single\" w:sz=\"{thick}\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"nil\"/>\
         <w:bottom w:val=\"single\" w:sz=\"{thick}\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"nil\"/>\
         <w:insideH w:val=\"single\" w:sz=\"{thin}\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"nil\"/></w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>\
         <w:tblGrid><w:gridCol w:w=\"{}\"/></w:tblGrid>",
        ts::TEXT_WIDTH,
        ts::TEXT_WIDTH
    );
    let one = ts::indent_twips(1.0);
    let size = ts::IMPRINT_SIZE;
    let row = |out: &mut String, tab: bool| {
        let _ = write!(
            out,
            "<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"{}\" w:hRule=\"exact\"/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>\
             <w:p><w:pPr><w:pStyle w:val=\"Imprint\"/>",
            ts::LINE_PITCH,
            ts::TEXT_WIDTH
        );
        if tab {
            let _ = write!(
                out,
                "<w:tabs><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs>",
                i64::from(ts::TEXT_WIDTH) - one
            );
        }
        let _ = write!(out, "<w:ind w:left=\"{one}\" w:right=\"{one}\"/></w:pPr>");
    };
    if let Some(cc) = &i.cc {
        row(out, false);
        run(out, Face::Body, size, &format!("抄送：{cc}。"));
        out.push_str("</w:p></w:tc></w:tr>");
    }
    row(out, true);
    run(out, Face::Body, size, &i.issuer);
    tab(out, size);
    run(out, Face::Body, size, &format!("{}印发", i.date));
    out.push_str("</w:p></w:tc></w:tr></w:tbl>");
}

/// A tab, with the run properties of the text around it.
fn tab(out: &mut String, size: u32) {
    out.push_str("<w:r>");
    rpr(out, Face::Body, size, false);
    out.push_str("<w:tab/></w:r>");
}

fn simple(out: &mut String, style: &str, face: Face, size: u32, text: &str) {
    Para::new(style).open(out);
    run(out, face, size, text);
    out.push_str("</w:p>");
}

fn blank(out: &mut String) {
    Para::new("Normal").open(out);
    out.push_str("</w:p>");
}

/// 附件：1.×× with wrapped names aligned to the first character of the name.
fn attachment_note(out: &mut String, names: &[String]) {
    let many = names.len() > 1;
    for (i, name) in names.iter().enumerate() {
        let label = match (i, many) {
            (0, true) => "附件：1.".to_string(),
            (0, false) => "附件：".to_string(),
            (_, _) => format!("{}.", i + 1),
        };
        // Hang so that wrapped lines align with the name: indent 2 + label.
        let label_w = ts::text_width(if many { "附件：1." } else { "附件：" });
        let mut p = Para::new("AttachmentNote");
        let left = 2.0 + label_w;
        p.ind = Some(format!(
            "<w:ind w:leftChars=\"{}\" w:left=\"{}\" w:hangingChars=\"{}\" w:hanging=\"{}\"/>",
            (left * 100.0).round(),
            ts::indent_twips(left),
            (ts::text_width(&label) * 100.0).round(),
            ts::indent_twips(ts::text_width(&label))
        ));
        p.open(out);
        run(out, Face::Body, ts::BODY_SIZE, &format!("{label}{name}"));
        out.push_str("</w:p>");
    }
}

fn table(out: &mut String, t: &Table) {
    let total: u32 = t.widths.iter().sum();
    let mut cols: Vec<u32> = t
        .widths
        .iter()
        .map(|w| ts::TEXT_WIDTH * w / total)
        .collect();
    let used: u32 = cols.iter().sum();
    if let Some(last) = cols.last_mut() {
        *last += ts::TEXT_WIDTH - used;
    }
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>\
         <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        ts::TEXT_WIDTH
    );
    for c in &cols {
        let _ = write!(out, "<w:gridCol w:w=\"{c}\"/>");
    }
    out.push_str("</w:tblGrid>");
    let rows = std::iter::once((true, &t.header)).chain(t.rows.iter().map(|r| (false, r)));
    for (is_header, row) in rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if is_header {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        for (cell, w) in row.iter().zip(&cols) {
            let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>");
            for para in cell {
                let (style, face) = if is_header {
                    ("TableHeader", Face::Hei)
                } else {
                    ("TableText", Face::Body)
                };
                simple(out, style, face, ts::TABLE_SIZE, para);
            }
            if cell.is_empty() {
                Para::new("TableText").open(out);
                out.push_str("</w:p>");
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    // A paragraph after a table keeps Word from merging it with the next one.
    let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:spacing w:line=\"240\" w:lineRule=\"exact\"/></w:pPr></w:p>");
}

/// The section's page setup. `numbered` picks the "— N —" footers or the
/// empty one; `next_page` makes it a paragraph's section break.
fn section_properties(out: &mut String, numbered: bool, next_page: bool) {
    let (odd, even) = if numbered {
        ("rId4", "rId5")
    } else {
        ("rId7", "rId7")
    };
    let kind = if next_page {
        "<w:type w:val=\"nextPage\"/>"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"{odd}\"/><w:footerReference w:type=\"even\" r:id=\"{even}\"/>{kind}\
         <w:pgSz w:w=\"{}\" w:h=\"{}\"/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>\
         <w:cols w:space=\"425\"/><w:docGrid w:type=\"linesAndChars\" w:linePitch=\"{}\" w:charSpace=\"{}\"/></w:sectPr>",
        ts::PAGE_WIDTH,
        ts::PAGE_HEIGHT,
        ts::MARGIN_TOP,
        ts::MARGIN_RIGHT,
        ts::MARGIN_BOTTOM,
        ts::MARGIN_LEFT,
        ts::footer_distance(),
        ts::LINE_PITCH,
        ts::doc_grid_char_space()
    );
}

/// "— N —", 4号宋体, odd pages right and even pages left, one character in.
fn footer_xml(even: bool) -> String {
    let mut out = format!("{XML_DECL}<w:ftr {W_NS}>");
    let one_char = ts::PAGE_NUMBER_SIZE * 10;
    let (jc, side) = if even {
        ("left", "left")
    } else {
        ("right", "right")
    };
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:ind w:{side}=\"{one_char}\"/><w:jc w:val=\"{jc}\"/></w:pPr>"
    );
    run(&mut out, Face::Song, ts::PAGE_NUMBER_SIZE, "— ");
    out.push_str("<w:fldSimple w:instr=\" PAGE \">");
    run(&mut out, Face::Song, ts::PAGE_NUMBER_SIZE, "1");
    out.push_str("</w:fldSimple>");
    run(&mut out, Face::Song, ts::PAGE_NUMBER_SIZE, " —");
    out.push_str("</w:p></w:ftr>");
    out
}

fn settings_xml() -> String {
    format!(
        "{XML_DECL}<w:settings {W_NS}><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/>\
         <w:evenAndOddHeaders/><w:drawingGridHorizontalSpacing w:val=\"158\"/><w:drawingGridVerticalSpacing w:val=\"290\"/>\
         <w:displayHorizontalDrawingGridEvery w:val=\"0\"/><w:displayVerticalDrawingGridEvery w:val=\"2\"/>\
         <w:characterSpacingControl w:val=\"compressPunctuation\"/>\
         <w:noLineBreaksAfter w:lang=\"zh-CN\" w:val=\"{}\"/><w:noLineBreaksBefore w:lang=\"zh-CN\" w:val=\"{}\"/>\
         <w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/>\
         <w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>\
         <w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         <w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/><w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/></w:settings>",
        escape(ts::NO_LINE_END),
        escape(ts::NO_LINE_START)
    )
}

fn font_table_xml() -> String {
    let mut out = format!("{XML_DECL}<w:fonts {W_NS}>");
    let _ = write!(
        out,
        "<w:font w:name=\"{0}\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>",
        ts::LATIN_FACE
    );
    for face in Face::ALL {
        let _ = write!(
            out,
            "<w:font w:name=\"{}\"><w:altName w:val=\"{}\"/><w:charset w:val=\"86\"/><w:family w:val=\"{}\"/><w:pitch w:val=\"fixed\"/></w:font>",
            face.name(),
            face.alt_name(),
            face.family()
        );
    }
    out.push_str("</w:fonts>");
    out
}

/// Paragraph style with GB/T 9704 defaults: exact 28.95 pt lines on the grid,
/// justified, East Asian line breaking on.
fn style(
    out: &mut String,
    id: &str,
    name: &str,
    ppr_extra: &str,
    face: Face,
    size: u32,
    outline: Option<u8>,
) {
    let _ = write!(
        out,
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/><w:pPr>{ppr_extra}"
    );
    if let Some(l) = outline {
        let _ = write!(out, "<w:outlineLvl w:val=\"{l}\"/>");
    }
    out.push_str("</w:pPr>");
    rpr(out, face, size, true);
    out.push_str("</w:style>");
}

fn styles_xml() -> String {
    let mut out = format!("{XML_DECL}<w:styles {W_NS}>");
    // docDefaults: body face and size, zh-CN.
    out.push_str("<w:docDefaults><w:rPrDefault>");
    rpr(&mut out, Face::Body, ts::BODY_SIZE, true);
    out.push_str("</w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>");
    let line = format!(
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/>",
        ts::LINE_PITCH
    );
    let _ = write!(
        out,
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:widowControl w:val=\"0\"/><w:kinsoku/><w:wordWrap/><w:overflowPunct w:val=\"0\"/><w:topLinePunct w:val=\"0\"/>\
         <w:autoSpaceDE/><w:autoSpaceDN/>{line}<w:jc w:val=\"both\"/></w:pPr>"
    );
    rpr(&mut out, Face::Body, ts::BODY_SIZE, true);
    out.push_str("</w:style>");
    let indent2 = ind_chars("firstLine", 2.0);
    let center =
        "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/>".to_string();
    let flush = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>".to_string();
    let right = "<w:jc w:val=\"right\"/>".to_string();
    let exact = |line: u32| {
        format!("<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{line}\" w:lineRule=\"exact\"/>")
    };
    let body = ts::BODY_SIZE;
    // (id, name, pPr children, face, size, outline level)
    let mut styles: Vec<(String, String, String, Face, u32, Option<u8>)> = vec![
        (
            "BodyText".into(),
            "Body Text".into(),
            indent2.clone(),
            Face::Body,
            body,
            None,
        ),
        (
            "Title".into(),
            "Title".into(),
            format!("<w:snapToGrid w:val=\"0\"/>{center}"),
            Face::Title,
            ts::TITLE_SIZE,
            None,
        ),
        (
            "Subtitle".into(),
            "Subtitle".into(),
            center.clone(),
            Face::Kai,
            body,
            None,
        ),
        (
            "Salutation".into(),
            "Salutation".into(),
            flush.clone(),
            Face::Body,
            body,
            None,
        ),
    ];
    for level in 1..=4u8 {
        let outline = Some(level - 1);
        styles.push((
            format!("Heading{level}"),
            format!("heading {level}"),
            indent2.clone(),
            Face::of_heading(level),
            body,
            outline,
        ));
    }
    styles.extend([
        (
            "Signature".into(),
            "Signature".into(),
            right.clone(),
            Face::Body,
            body,
            None,
        ),
        ("Date".into(), "Date".into(), right, Face::Body, body, None),
        (
            "Note".into(),
            "Note Heading".into(),
            indent2,
            Face::Body,
            body,
            None,
        ),
        (
            "CopyTo".into(),
            "CopyTo".into(),
            flush.clone(),
            Face::Body,
            body,
            None,
        ),
        (
            "AttachmentNote".into(),
            "AttachmentNote".into(),
            String::new(),
            Face::Body,
            body,
            None,
        ),
        (
            "AttachmentLabel".into(),
            "AttachmentLabel".into(),
            flush.clone(),
            Face::Hei,
            body,
            None,
        ),
        (
            "Issuer".into(),
            "Issuer".into(),
            center,
            Face::Title,
            ts::TITLE_SIZE,
            None,
        ),
        (
            "DocNumber".into(),
            "DocNumber".into(),
            flush,
            Face::Body,
            body,
            None,
        ),
        (
            "Imprint".into(),
            "Imprint".into(),
            exact(ts::LINE_PITCH),
            Face::Body,
            ts::IMPRINT_SIZE,
            None,
        ),
        (
            "TableText".into(),
            "TableText".into(),
            format!("{}<w:jc w:val=\"left\"/>", exact(ts::TABLE_LINE)),
            Face::Body,
            ts::TABLE_SIZE,
            None,
        ),
        (
            "TableHeader".into(),
            "TableHeader".into(),
            format!("{}<w:jc w:val=\"center\"/>", exact(ts::TABLE_LINE)),
            Face::Hei,
            ts::TABLE_SIZE,
            None,
        ),
        (
            "Footer".into(),
            "footer".into(),
            exact(280),
            Face::Song,
            ts::PAGE_NUMBER_SIZE,
            None,
        ),
    ]);
    for (id, name, ppr, face, size, outline) in &styles {
        style(&mut out, id, name, ppr, *face, *size, *outline);
    }
    out.push_str(
        "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr>\
         <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>\
         <w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
    );
    out.push_str("</w:styles>");
    out
}
