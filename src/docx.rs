//! DOCX writer: [`Document`] → a WordprocessingML package.
//!
//! Owns the OOXML: parts, relationships, styles, the font table, the section
//! (page, margins, document grid, odd/even footers with "— N —") and the
//! paragraph and run properties of every element, written in schema order so
//! Word opens the file without a repair prompt, one writer function per
//! element. Every style decision (face, size, indent, alignment, grid or
//! free metrics, keep-with-next, page breaks) and every number comes from
//! [`crate::typeset`] (`typeset::styled`, `typeset::style`), the same the PDF
//! layout reads; this module only spells them in OOXML (including the
//! OOXML-only facts: `w:charSpace`, `w:altName`, the run scale `w:w`). It
//! never decides content or layout rules itself.
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

use crate::document::{Block, Document, Form, Table};
use crate::fonts::{Face, LATIN_FACE};
use crate::typeset::layout::ImprintPlace;
use crate::typeset::style::{Align, CodeMatrix, Indent, Item, Kind, Line, Para};
use crate::typeset::{self as ts, measured};

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
pub(crate) fn zip_options(level: i64) -> zip::write::SimpleFileOptions {
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
            ("word/footer3.xml", empty_footer_xml()),
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

/// The 版记's spacer is this much shorter than the space our layout leaves
/// above it ([`measured::LO_IMPRINT_RULES_MPT`] in twips, rounded up), so
/// LibreOffice's taller 版记 still ends on the last page.
const LO_IMPRINT_RULES_TWIPS: i64 = (measured::LO_IMPRINT_RULES_MPT as i64 + 49) / 50;

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
/// Latin face at half width. Runs at the body size, on the grid, are scaled
/// to [`measured::RUN_SCALE_PCT`] so LibreOffice gives each character one
/// cell.
fn rpr(out: &mut String, face: Face, size: u32, latin: bool) {
    let slot = if latin && face != Face::Song {
        LATIN_FACE
    } else {
        face.name()
    };
    let _ = write!(
        out,
        "<w:rPr><w:rFonts w:ascii=\"{slot}\" w:hAnsi=\"{slot}\" w:eastAsia=\"{}\" w:cs=\"{slot}\" w:hint=\"eastAsia\"/>",
        face.name()
    );
    if size == ts::BODY_SIZE {
        let _ = write!(out, "<w:w w:val=\"{}\"/>", measured::RUN_SCALE_PCT);
    }
    let _ = write!(
        out,
        "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr>"
    );
}

/// Writes `text` as runs: one per stretch of Latin or CJK text, a `w:br`
/// for each U+2028 (an explicit line break: a balanced title's, or the
/// template's).
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

/// The style id and display name of each kind of paragraph (Word's built-in
/// names where one fits, so Word's navigation and styles pane know them).
fn style_name(kind: Kind) -> (String, String) {
    let (id, name) = match kind {
        Kind::Body => ("BodyText", "Body Text"),
        Kind::Title => ("Title", "Title"),
        Kind::Byline => ("Subtitle", "Subtitle"),
        Kind::Addressee => ("Salutation", "Salutation"),
        Kind::Heading(level) => return (format!("Heading{level}"), format!("heading {level}")),
        Kind::Signature => ("Signature", "Signature"),
        Kind::Date => ("Date", "Date"),
        Kind::Note => ("Note", "Note Heading"),
        Kind::CopyTo => ("CopyTo", "CopyTo"),
        Kind::AttachmentNote => ("AttachmentNote", "AttachmentNote"),
        Kind::AttachmentLabel => ("AttachmentLabel", "AttachmentLabel"),
        Kind::Issuer => ("Issuer", "Issuer"),
        Kind::DocNumber => ("DocNumber", "DocNumber"),
        Kind::Imprint => ("Imprint", "Imprint"),
        Kind::TableText => ("TableText", "TableText"),
        Kind::TableHeader => ("TableHeader", "TableHeader"),
        Kind::PageNumber => ("Footer", "footer"),
    };
    (id.to_string(), name.to_string())
}

/// `<w:p><w:pPr>…</w:pPr>`: the paragraph's style, keep-with-next, page
/// break and its own indents.
fn paragraph_properties(out: &mut String, p: &Para, gap_before: bool) {
    let (id, _) = style_name(p.kind);
    let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"{id}\"/>");
    if p.keep_with_next {
        out.push_str("<w:keepNext/>");
    }
    if p.page_break_before {
        out.push_str("<w:pageBreakBefore/>");
    }
    if gap_before {
        gap_spacing(out);
    }
    match p.indent {
        Indent::Style => {}
        Indent::Right(cells) => out.push_str(&ind_chars("right", cells)),
        Indent::Hanging { left, hanging } => hanging_indent(out, left, hanging),
    }
    out.push_str("</w:pPr>");
}

/// `<w:spacing w:before>`: the gap after a table carried by the paragraph
/// that follows it ([`ts::carries_table_gap`]).
fn gap_spacing(out: &mut String) {
    let _ = write!(out, "<w:spacing w:before=\"{}\"/>", ts::TABLE_GAP);
}

/// `<w:p>`: a styled paragraph, its spans as runs in the style's size.
fn paragraph(out: &mut String, p: &Para) {
    paragraph_spaced(out, p, false);
}

/// [`paragraph`], carrying the gap after a table above it when `gap_before`.
fn paragraph_spaced(out: &mut String, p: &Para, gap_before: bool) {
    let size = ts::style(p.kind).size;
    paragraph_properties(out, p, gap_before);
    for (text, face) in &p.spans {
        run(out, *face, size, text);
    }
    out.push_str("</w:p>");
}

/// A paragraph of one kind, in `face`, with nothing of its own.
fn simple(out: &mut String, kind: Kind, face: Face, text: &str) {
    paragraph(
        out,
        &Para {
            kind,
            spans: vec![(text.to_string(), face)],
            indent: Indent::Style,
            keep_with_next: false,
            page_break_before: false,
        },
    );
}

/// An empty grid line.
fn blank(out: &mut String) {
    empty_paragraph(out, "Normal");
}

/// An empty grid line of the text, kept with the next paragraph or not,
/// carrying the gap after a table above it when `gap_before`.
fn blank_line(out: &mut String, keep_with_next: bool, gap_before: bool) {
    out.push_str("<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>");
    if keep_with_next {
        out.push_str("<w:keepNext/>");
    }
    if gap_before {
        gap_spacing(out);
    }
    out.push_str("</w:pPr></w:p>");
}

fn empty_paragraph(out: &mut String, style_id: &str) {
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{style_id}\"/></w:pPr></w:p>"
    );
}

/// `<w:ind>`: an indent in character cells, written both as Word's
/// character units and as twips (LibreOffice and WPS read the twips).
fn ind_chars(side: &str, chars: f64) -> String {
    let twips = ts::indent_twips(chars);
    let hundredths = (chars * 100.0).round() as i64;
    format!("<w:ind w:{side}Chars=\"{hundredths}\" w:{side}=\"{twips}\"/>")
}

/// `<w:ind>` of a hanging paragraph: every line `left` cells in, the first
/// `hanging` cells less.
fn hanging_indent(out: &mut String, left: f64, hanging: f64) {
    let _ = write!(
        out,
        "<w:ind w:leftChars=\"{}\" w:left=\"{}\" w:hangingChars=\"{}\" w:hanging=\"{}\"/>",
        (left * 100.0).round() as i64,
        ts::indent_twips(left),
        (hanging * 100.0).round() as i64,
        ts::indent_twips(hanging)
    );
}

/// `word/document.xml`: every block's styled items, then the section.
fn document_xml(doc: &Document, imprint_place: Option<ImprintPlace>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(out, "{XML_DECL}<w:document {W_NS}><w:body>");
    let mut codes = 0;
    // After a table or form: its gap, not yet written.
    let mut gap = false;
    for i in 0..doc.blocks.len() {
        for item in ts::styled(&doc.blocks, i) {
            let before = std::mem::take(&mut gap) && gap_rides_on(&mut out, &item);
            match item {
                Item::Blank { keep_with_next } => {
                    blank_line(&mut out, keep_with_next, before);
                }
                Item::Para(p) => paragraph_spaced(&mut out, &p, before),
                Item::Table(t) => {
                    table(&mut out, t);
                    gap = true;
                }
                Item::Letterhead(l) => letterhead(&mut out, l),
                Item::Imprint(i) => imprint(&mut out, i, imprint_place),
                Item::Form(f) => {
                    form(&mut out, f);
                    gap = true;
                }
                Item::FillLine(p, blanks) => fill_line(&mut out, &p, &blanks),
                Item::Code(m) => {
                    codes += 1;
                    code(&mut out, &m, codes);
                }
                Item::PageBreak => page_break(&mut out),
            }
        }
    }
    if gap {
        table_gap(&mut out);
    }
    let numbered = !matches!(imprint_place, Some(ImprintPlace::OwnPage { blank }) if blank > 0)
        || !doc.blocks.iter().any(|b| matches!(b, Block::Imprint(_)));
    section_properties(&mut out, numbered, false);
    out.push_str("</w:body></w:document>");
    out
}

/// The gap owed after a table, before `next`: true when it rides on `next`
/// as its space before ([`ts::carries_table_gap`]); otherwise written here
/// as a spacer paragraph of its own.
fn gap_rides_on(out: &mut String, next: &Item) -> bool {
    let rides = ts::carries_table_gap(next);
    if !rides {
        table_gap(out);
    }
    rides
}

/// 版头 (7.2): 份号, 密级 and 紧急程度 on the first lines, the red
/// 发文机关标志 with its top 35 mm into the text block, the 发文字号 two lines
/// under it (with 签发人 on the same line for an upward paper), the red rule
/// 4 mm under that, and two blank lines before the title.
fn letterhead(out: &mut String, l: &crate::document::Letterhead) {
    let mut lines = 0;
    if let Some(c) = &l.copy_no {
        simple(out, Kind::Addressee, Face::Body, c);
        lines += 1;
    }
    for t in [&l.secrecy, &l.urgency].into_iter().flatten() {
        simple(out, Kind::Addressee, Face::Hei, t);
        lines += 1;
    }
    issuer(out, &l.issuer, lines);
    blank(out);
    blank(out);
    doc_number(out, l);
    blank(out);
    blank(out);
}

/// The 发文机关标志: red (the one coloured element of a paper), sized to the
/// name, on an exact line of its own height.
fn issuer(out: &mut String, issuer: &str, lines_before: u32) {
    let (id, _) = style_name(Kind::Issuer);
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{id}\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"{}\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/></w:pPr>",
        ts::issuer_space_before(lines_before),
        ts::issuer_line(issuer)
    );
    let mut mark = String::new();
    run(
        &mut mark,
        ts::style(Kind::Issuer).face,
        ts::issuer_size(issuer),
        issuer,
    );
    // rPr: the colour right after rFonts.
    out.push_str(&mark.replace(
        "w:hint=\"eastAsia\"/>",
        "w:hint=\"eastAsia\"/><w:color w:val=\"FF0000\"/>",
    ));
    out.push_str("</w:p>");
}

/// The 发文字号 over the red rule: centred, or one cell in from the left
/// with 签发人 one cell in from the right (a right tab).
fn doc_number(out: &mut String, l: &crate::document::Letterhead) {
    let style = ts::style(Kind::DocNumber);
    let (id, _) = style_name(Kind::DocNumber);
    let body = style.size;
    let one = ts::indent_twips(1.0);
    let border = format!(
        "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"{}\" w:space=\"{}\" w:color=\"FF0000\"/></w:pBdr>",
        eighths(ts::THICK_RULE_PT),
        ts::RULE_GAP_PT
    );
    match &l.signer {
        None => {
            let _ = write!(
                out,
                "<w:p><w:pPr><w:pStyle w:val=\"{id}\"/>{border}<w:jc w:val=\"center\"/></w:pPr>"
            );
            run(out, style.face, body, &l.number);
        }
        Some(signer) => {
            // No indents: Word draws a paragraph's border between its
            // indents, and the red rule spans the text block (7.2.5). Tab
            // stops put the 发文字号 and the 签发人 one cell in instead.
            let _ = write!(
                out,
                "<w:p><w:pPr><w:pStyle w:val=\"{id}\"/>{border}<w:tabs><w:tab w:val=\"left\" w:pos=\"{one}\"/><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs><w:jc w:val=\"left\"/></w:pPr>",
                ts::TEXT_WIDTH as i64 - one
            );
            tab(out, body);
            run(out, style.face, body, &l.number);
            tab(out, body);
            run(out, style.face, body, "签发人：");
            run(out, Face::Kai, body, signer);
        }
    }
    out.push_str("</w:p>");
}

/// A rule's weight in OOXML's eighths of a point.
fn eighths(pt: f64) -> u32 {
    (pt * 8.0) as u32
}

/// 版记 (7.4): a table with a thick rule above and below and a thin rule
/// between the 抄送 and 印发 rows, 4号仿宋, its last rule on the bottom of
/// the text block. Word has no "foot of the last page" for body text, so the
/// space above it comes from our own layout of the same lines (`place`);
/// without one, the 版记 simply follows the text.
fn imprint(out: &mut String, i: &crate::document::Imprint, place: Option<ImprintPlace>) {
    let rows = u32::from(i.printed.is_some()) + u32::from(i.cc.is_some());
    imprint_space(out, rows * ts::LINE_PITCH, place);
    imprint_table_properties(out);
    let face = ts::style(Kind::Imprint).face;
    let size = ts::style(Kind::Imprint).size;
    if let Some(cc) = &i.cc {
        imprint_row(out, false);
        run(out, face, size, &format!("抄送：{cc}。"));
        out.push_str("</w:p></w:tc></w:tr>");
    }
    if let Some(p) = &i.printed {
        imprint_row(out, true);
        run(out, face, size, &p.issuer);
        tab(out, size);
        run(out, face, size, &format!("{}印发", p.date));
        out.push_str("</w:p></w:tc></w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// The space above the 版记 (`height` twips tall) that puts it where our
/// layout put it: a spacer on the last page, or a page (after a blank page
/// in a section without page numbers, 7.5) of its own.
fn imprint_space(out: &mut String, height: u32, place: Option<ImprintPlace>) {
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
        Some(ImprintPlace::LastPage { gap }) => spacer(
            out,
            (gap * 20.0).floor() as i64 - LO_IMPRINT_RULES_TWIPS,
            false,
        ),
        Some(ImprintPlace::OwnPage { blank: 0 }) => spacer(
            out,
            i64::from(measured::LO_BODY_TWIPS - height) - LO_IMPRINT_RULES_TWIPS,
            true,
        ),
        Some(ImprintPlace::OwnPage { .. }) => {
            // A blank page before the 版记: both go in a last section
            // without page numbers (7.5), which starts on the blank page.
            out.push_str("<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>");
            section_properties(out, true, true);
            out.push_str("</w:pPr></w:p>");
            blank(out); // the blank page
            spacer(
                out,
                i64::from(measured::LO_BODY_TWIPS - height) - LO_IMPRINT_RULES_TWIPS,
                true,
            );
        }
        None => {}
    }
}

/// `<w:tbl><w:tblPr>…<w:tblGrid>` of the 版记: one column across the text
/// block, thick rules above and below, thin between, none at the sides.
fn imprint_table_properties(out: &mut String) {
    let thick = eighths(ts::THICK_RULE_PT);
    let thin = eighths(ts::THIN_RULE_PT);
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
}

/// Opens a 版记 row, its cell and its paragraph (one grid line, text one
/// cell in from each side; `tab`: a right tab for the 印发 date).
fn imprint_row(out: &mut String, tab: bool) {
    let one = ts::indent_twips(1.0);
    let (id, _) = style_name(Kind::Imprint);
    let _ = write!(
        out,
        "<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"{}\" w:hRule=\"exact\"/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>\
         <w:p><w:pPr><w:pStyle w:val=\"{id}\"/>",
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
}

/// A tab, with the run properties of the text around it.
fn tab(out: &mut String, size: u32) {
    out.push_str("<w:r>");
    rpr(out, Face::Body, size, false);
    out.push_str("<w:tab/></w:r>");
}

/// `<w:tblCellMar>`: the cells' left and right padding.
fn cell_margins(out: &mut String) {
    let pad = ts::TABLE_CELL_PAD;
    let _ = write!(
        out,
        "<w:tblCellMar><w:left w:w=\"{pad}\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tblCellMar>"
    );
}

/// `<w:tbl><w:tblPr>…<w:tblGrid>` of a ruled table across the text block:
/// the TableGrid style, fixed columns `cols`, the look of a table with a
/// header row (`header`) or of a form without one.
fn table_start(out: &mut String, cols: &[u32], header: bool) {
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>\
         <w:tblLayout w:type=\"fixed\"/>",
        ts::TEXT_WIDTH
    );
    cell_margins(out);
    out.push_str(if header {
        "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
    } else {
        "<w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
    });
    for c in cols {
        let _ = write!(out, "<w:gridCol w:w=\"{c}\"/>");
    }
    out.push_str("</w:tblGrid>");
}

/// `<w:tbl>`: fixed columns of the layout's widths, the header row repeated
/// on every page, rows kept whole unless [`ts::may_split`] lets them break
/// (as our layout does). The gap after it is the document's to write
/// ([`gap_rides_on`]).
fn table(out: &mut String, t: &Table) {
    let cols = ts::content_columns(t);
    table_start(out, &cols, true);
    table_row(
        out,
        &ts::columns::header_cells(t, &cols),
        &cols,
        Row::Header,
    );
    for (row, split) in t.rows.iter().zip(ts::may_split(t, &cols)) {
        table_row(
            out,
            row,
            &cols,
            if split { Row::MaySplit } else { Row::Whole },
        );
    }
    out.push_str("</w:tbl>");
}

/// The gap after a ruled table when no paragraph can carry it as its space
/// before ([`gap_rides_on`]): a spacer paragraph, which also keeps Word from
/// merging the table with a next one. Off the grid (`w:snapToGrid` 0), or
/// LibreOffice gives it a whole grid line and more (measured: 34.5 pt from
/// the table's rule to the next text instead of 13.3 pt), and the PDF would
/// break pages elsewhere.
fn table_gap(out: &mut String) {
    let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"{}\" w:lineRule=\"exact\"/></w:pPr></w:p>", ts::TABLE_GAP);
}

/// How a table row may be set across pages.
#[derive(Clone, Copy, PartialEq)]
enum Row {
    /// The header: kept whole and repeated on every page.
    Header,
    /// Kept whole (`w:cantSplit`).
    Whole,
    /// May break between lines (no `w:cantSplit`).
    MaySplit,
}

/// `<w:tr>`: a row kept whole (`w:cantSplit`) unless it may split, the
/// header marked to repeat.
fn table_row(out: &mut String, row: &[crate::document::Cell], cols: &[u32], how: Row) {
    let header = how == Row::Header;
    out.push_str(match how {
        Row::Header => "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
        Row::Whole => "<w:tr><w:trPr><w:cantSplit/></w:trPr>",
        Row::MaySplit => "<w:tr>",
    });
    let kind = if header {
        Kind::TableHeader
    } else {
        Kind::TableText
    };
    let face = ts::style(kind).face;
    for (cell, w) in row.iter().zip(cols) {
        let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>");
        for para in cell {
            simple(out, kind, face, para);
        }
        if cell.is_empty() {
            empty_paragraph(out, &style_name(Kind::TableText).0);
        }
        out.push_str("</w:tc>");
    }
    out.push_str("</w:tr>");
}

/// `<w:tbl>` of a form: fixed columns of the layout's widths, cells
/// spanning columns (`w:gridSpan`), rows at least their lines tall and never
/// split, no repeated header; each cell's look from [`ts::form_cell`].
fn form(out: &mut String, f: &Form) {
    let cols = ts::table_columns(&f.widths);
    table_start(out, &cols, false);
    for row in &f.rows {
        form_row(out, row, &cols);
    }
    out.push_str("</w:tbl>");
}

/// `<w:tr>` of a form: kept whole, at least `lines` table lines tall.
fn form_row(out: &mut String, row: &crate::document::FormRow, cols: &[u32]) {
    let _ = write!(
        out,
        "<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"{}\" w:hRule=\"atLeast\"/></w:trPr>",
        row.lines.max(1) * ts::TABLE_LINE
    );
    let mut col = 0usize;
    for cell in &row.cells {
        let span = (cell.span.max(1) as usize).min(cols.len().saturating_sub(col));
        let w: u32 = cols[col..col + span].iter().sum();
        col += span;
        let _ = write!(out, "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>");
        if span > 1 {
            let _ = write!(out, "<w:gridSpan w:val=\"{span}\"/>");
        }
        out.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
        let (kind, align) = ts::form_cell(cell);
        let style = ts::style(kind);
        let (id, _) = style_name(kind);
        let jc = match align {
            a if a == style.align => String::new(),
            Align::Center => "<w:jc w:val=\"center\"/>".to_string(),
            Align::Right => "<w:jc w:val=\"right\"/>".to_string(),
            Align::Left => "<w:jc w:val=\"left\"/>".to_string(),
            Align::Justify => "<w:jc w:val=\"both\"/>".to_string(),
        };
        for para in &cell.text {
            let _ = write!(out, "<w:p><w:pPr><w:pStyle w:val=\"{id}\"/>{jc}</w:pPr>");
            run(out, style.face, style.size, para);
            out.push_str("</w:p>");
        }
        if cell.text.is_empty() {
            empty_paragraph(out, &id);
        }
        out.push_str("</w:tc>");
    }
    out.push_str("</w:tr>");
}

/// A line to fill in: the paragraph as styled, its blanks as underlined
/// runs (ideographic spaces, after any text printed in them).
fn fill_line(out: &mut String, p: &Para, blanks: &[std::ops::Range<usize>]) {
    let size = ts::style(p.kind).size;
    paragraph_properties(out, p, false);
    for (text, face) in &p.spans {
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0;
        let mut pieces: Vec<(String, bool)> = Vec::new();
        for r in blanks {
            if r.start > at {
                pieces.push((chars[at..r.start].iter().collect(), false));
            }
            pieces.push((
                chars[r.start..r.end.min(chars.len())].iter().collect(),
                true,
            ));
            at = r.end.min(chars.len());
        }
        if at < chars.len() {
            pieces.push((chars[at..].iter().collect(), false));
        }
        for (piece, underlined) in pieces {
            let mut r = String::new();
            run(&mut r, *face, size, &piece);
            if underlined {
                r = r.replace("<w:lang ", "<w:u w:val=\"single\"/><w:lang ");
            }
            out.push_str(&r);
        }
    }
    out.push_str("</w:p>");
}

/// EMU (DrawingML's unit) per twip.
const EMU_PER_TWIP: u32 = 635;

/// A QR code flush right: an inline DrawingML shape whose one custom path
/// holds a rectangle per dark stretch of a row (path units are modules),
/// filled black without outline, then the quiet band as space after. One
/// filled path leaves no seams between rows, so LibreOffice's PDF scans as
/// ours does. `id` numbers the drawing in the document.
fn code(out: &mut String, m: &CodeMatrix, id: usize) {
    let n = m.size as u32;
    let side = n * ts::CODE_MODULE * EMU_PER_TWIP;
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"{}\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"right\"/></w:pPr>\
         <w:r><w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">\
         <wp:extent cx=\"{side}\" cy=\"{side}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:docPr id=\"{id}\" name=\"QR {id}\"/><wp:cNvGraphicFramePr/>\
         <a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\">\
         <wps:wsp xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{side}\" cy=\"{side}\"/></a:xfrm>\
         <a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l=\"0\" t=\"0\" r=\"r\" b=\"b\"/><a:pathLst><a:path w=\"{n}\" h=\"{n}\">",
        ts::CODE_QUIET * ts::CODE_MODULE
    );
    let pt = |out: &mut String, tag: &str, x: usize, y: usize| {
        let _ = write!(out, "<a:{tag}><a:pt x=\"{x}\" y=\"{y}\"/></a:{tag}>");
    };
    for row in 0..m.size {
        for (col, len, dark) in m.runs(row) {
            if dark {
                pt(out, "moveTo", col, row);
                pt(out, "lnTo", col + len, row);
                pt(out, "lnTo", col + len, row + 1);
                pt(out, "lnTo", col, row + 1);
                out.push_str("<a:close/>");
            }
        }
    }
    out.push_str(
        "</a:path></a:pathLst></a:custGeom><a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill><a:ln><a:noFill/></a:ln></wps:spPr>\
         <wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
    );
}

/// An off-grid paragraph one point tall (`extra`: more paragraph
/// properties): a code's cell content, or the carrier of a page break.
fn tiny_paragraph(out: &mut String, extra: &str) {
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/>{extra}<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr></w:pPr></w:p>",
        ts::PAGE_BREAK_LINE
    );
}

/// The next copy of a form starts a new page.
fn page_break(out: &mut String) {
    tiny_paragraph(out, "<w:pageBreakBefore/>");
}

/// `<w:sectPr>`: the section's page setup. `numbered` picks the "— N —"
/// footers or the empty one; `next_page` makes it a paragraph's section
/// break.
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
        doc_grid_char_space()
    );
}

/// Word's `w:charSpace`: the grid's extra space per character relative to the
/// body size ([`ts::grid_char_spacing_pt`]), in 1/4096 pt. Rounded down so
/// that 28 characters always fit.
fn doc_grid_char_space() -> i32 {
    (ts::grid_char_spacing_pt() * 4096.0).floor() as i32
}

/// "— N —", 4号宋体, odd pages right and even pages left, one character in.
fn footer_xml(even: bool) -> String {
    let mut out = format!("{XML_DECL}<w:ftr {W_NS}>");
    let style = ts::style(Kind::PageNumber);
    let (id, _) = style_name(Kind::PageNumber);
    let one_char = style.size * 10;
    let side = if even { "left" } else { "right" };
    let _ = write!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{id}\"/><w:ind w:{side}=\"{one_char}\"/><w:jc w:val=\"{side}\"/></w:pPr>"
    );
    run(&mut out, style.face, style.size, "— ");
    out.push_str("<w:fldSimple w:instr=\" PAGE \">");
    run(&mut out, style.face, style.size, "1");
    out.push_str("</w:fldSimple>");
    run(&mut out, style.face, style.size, " —");
    out.push_str("</w:p></w:ftr>");
    out
}

/// `word/footer3.xml`: the footer of pages without a number.
fn empty_footer_xml() -> String {
    let (id, _) = style_name(Kind::PageNumber);
    format!("{XML_DECL}<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"{id}\"/></w:pPr></w:p></w:ftr>")
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

/// The English name Word and WPS also know a face by, for `w:altName`.
fn alt_name(face: Face) -> &'static str {
    match face {
        Face::Title => "FZXiaoBiaoSong-B05S",
        Face::Body => "FangSong_GB2312",
        Face::Hei => "SimHei",
        Face::Kai => "KaiTi_GB2312",
        Face::Song => "SimSun",
    }
}

/// The face's family class, for `w:family`.
fn font_family(face: Face) -> &'static str {
    match face {
        Face::Title | Face::Song => "roman",
        Face::Body | Face::Kai | Face::Hei => "modern",
    }
}

/// `word/fontTable.xml`: Times New Roman and the five faces, with their
/// English names so a machine that has them under those finds them.
fn font_table_xml() -> String {
    let mut out = format!("{XML_DECL}<w:fonts {W_NS}>");
    let _ = write!(
        out,
        "<w:font w:name=\"{LATIN_FACE}\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>"
    );
    for face in Face::ALL {
        let _ = write!(
            out,
            "<w:font w:name=\"{}\"><w:altName w:val=\"{}\"/><w:charset w:val=\"86\"/><w:family w:val=\"{}\"/><w:pitch w:val=\"fixed\"/></w:font>",
            face.name(),
            alt_name(face),
            font_family(face)
        );
    }
    out.push_str("</w:fonts>");
    out
}

/// `word/styles.xml`: the defaults, Normal, one paragraph style per kind
/// (all from [`ts::style`]) and the table style.
fn styles_xml() -> String {
    let mut out = format!("{XML_DECL}<w:styles {W_NS}>");
    doc_defaults(&mut out);
    normal_style(&mut out);
    for kind in Kind::all() {
        paragraph_style(&mut out, kind);
    }
    table_grid_style(&mut out);
    out.push_str("</w:styles>");
    out
}

/// `<w:docDefaults>`: body face and size, zh-CN, justified.
fn doc_defaults(out: &mut String) {
    let body = ts::style(Kind::Body);
    out.push_str("<w:docDefaults><w:rPrDefault>");
    rpr(out, body.face, body.size, true);
    out.push_str("</w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>");
}

/// The Normal style: exact 28.95 pt lines on the grid, justified, East
/// Asian line breaking on (GB/T 15834), the body face.
fn normal_style(out: &mut String) {
    let body = ts::style(Kind::Body);
    let _ = write!(
        out,
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:widowControl w:val=\"0\"/><w:kinsoku/><w:wordWrap/><w:overflowPunct w:val=\"0\"/><w:topLinePunct w:val=\"0\"/>\
         <w:autoSpaceDE/><w:autoSpaceDN/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/></w:pPr>",
        ts::LINE_PITCH
    );
    rpr(out, body.face, body.size, true);
    out.push_str("</w:style>");
}

/// A paragraph style based on Normal, from the kind's [`ts::Style`].
fn paragraph_style(out: &mut String, kind: Kind) {
    let style = ts::style(kind);
    let (id, name) = style_name(kind);
    let _ = write!(
        out,
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/><w:pPr>"
    );
    style_paragraph_properties(out, &style);
    if let Some(l) = style.outline {
        let _ = write!(out, "<w:outlineLvl w:val=\"{l}\"/>");
    }
    out.push_str("</w:pPr>");
    rpr(out, style.face, style.size, true);
    out.push_str("</w:style>");
}

/// The children of a style's `<w:pPr>` that differ from Normal, in schema
/// order: off the grid, the line, the first-line indent, the alignment.
fn style_paragraph_properties(out: &mut String, style: &ts::Style) {
    match style.line {
        // The 发文机关标志's line depends on its text: each paragraph says it.
        Line::Grid | Line::Issuer => {}
        Line::Free => out.push_str("<w:snapToGrid w:val=\"0\"/>"),
        Line::Exact(line) => {
            let _ = write!(out, "<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{line}\" w:lineRule=\"exact\"/>");
        }
    }
    if let Some(chars) = style.first_line {
        out.push_str(&ind_chars("firstLine", chars));
    }
    match style.align {
        Align::Justify => {}
        Align::Left => out.push_str("<w:jc w:val=\"left\"/>"),
        Align::Center => out.push_str("<w:jc w:val=\"center\"/>"),
        Align::Right => out.push_str("<w:jc w:val=\"right\"/>"),
    }
}

/// The TableGrid table style: 0.5 pt rules around and between every cell.
fn table_grid_style(out: &mut String) {
    out.push_str(
        "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr>\
         <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>",
    );
    cell_margins(out);
    out.push_str("</w:tblPr></w:style>");
}

#[cfg(test)]
mod tests {
    use super::*;

    const RPR_BODY_CJK: &str = "<w:rPr><w:rFonts w:ascii=\"仿宋_GB2312\" w:hAnsi=\"仿宋_GB2312\" w:eastAsia=\"仿宋_GB2312\" w:cs=\"仿宋_GB2312\" w:hint=\"eastAsia\"/><w:w w:val=\"98\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr>";

    fn written(f: impl FnOnce(&mut String)) -> String {
        let mut out = String::new();
        f(&mut out);
        out
    }

    #[test]
    fn rpr_names_the_faces_and_scales_body_runs() {
        assert_eq!(written(|o| rpr(o, Face::Body, 32, false)), RPR_BODY_CJK);
        let latin = written(|o| rpr(o, Face::Title, 44, true));
        assert!(latin.contains("w:ascii=\"Times New Roman\""));
        assert!(latin.contains("w:eastAsia=\"方正小标宋简体\""));
        assert!(!latin.contains("<w:w "), "only body-size runs are scaled");
        // page numbers keep 宋体 in every slot
        assert!(written(|o| rpr(o, Face::Song, 28, true)).contains("w:ascii=\"宋体\""));
    }

    #[test]
    fn run_splits_latin_from_cjk_and_breaks_lines() {
        let out = written(|o| run(o, Face::Body, 32, "第1条\u{2028}乙"));
        assert_eq!(out.matches("<w:r>").count(), 5);
        assert!(out.contains(">1</w:t>") && out.contains("<w:br/>"));
        assert!(out.contains("w:ascii=\"Times New Roman\""));
    }

    #[test]
    fn indents_carry_characters_and_twips() {
        assert_eq!(
            ind_chars("firstLine", 2.0),
            "<w:ind w:firstLineChars=\"200\" w:firstLine=\"629\"/>"
        );
        assert_eq!(
            written(|o| hanging_indent(o, 6.0, 4.0)),
            "<w:ind w:leftChars=\"600\" w:left=\"1887\" w:hangingChars=\"400\" w:hanging=\"1258\"/>"
        );
    }

    #[test]
    fn paragraph_properties_follow_the_styled_paragraph() {
        let p = Para {
            kind: Kind::Signature,
            spans: vec![("江滨区财政局".into(), Face::Body)],
            indent: Indent::Right(2.0),
            keep_with_next: true,
            page_break_before: true,
        };
        assert_eq!(
            written(|o| paragraph_properties(o, &p, false)),
            "<w:p><w:pPr><w:pStyle w:val=\"Signature\"/><w:keepNext/><w:pageBreakBefore/><w:ind w:rightChars=\"200\" w:right=\"629\"/></w:pPr>"
        );
        // The gap after a table, carried as space before, in the schema's
        // place: after w:pageBreakBefore, before w:ind.
        assert_eq!(
            written(|o| paragraph_properties(o, &p, true)),
            "<w:p><w:pPr><w:pStyle w:val=\"Signature\"/><w:keepNext/><w:pageBreakBefore/><w:spacing w:before=\"240\"/><w:ind w:rightChars=\"200\" w:right=\"629\"/></w:pPr>"
        );
        let out = written(|o| paragraph(o, &p));
        assert!(out.ends_with("江滨区财政局</w:t></w:r></w:p>"));
        assert_eq!(
            written(blank),
            "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr></w:p>"
        );
        assert_eq!(
            written(|o| blank_line(o, true, false)),
            "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:keepNext/></w:pPr></w:p>"
        );
        assert_eq!(
            written(|o| blank_line(o, false, true)),
            "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:spacing w:before=\"240\"/></w:pPr></w:p>"
        );
        assert_eq!(written(|o| blank_line(o, false, false)), written(blank));
    }

    #[test]
    fn styles_spell_the_typeset_styles() {
        let ppr = |k| written(|o| style_paragraph_properties(o, &ts::style(k)));
        assert_eq!(
            ppr(Kind::Body),
            "<w:ind w:firstLineChars=\"200\" w:firstLine=\"629\"/>"
        );
        assert_eq!(
            ppr(Kind::Title),
            "<w:snapToGrid w:val=\"0\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/>"
        );
        assert_eq!(ppr(Kind::Signature), "<w:jc w:val=\"right\"/>");
        assert_eq!(ppr(Kind::AttachmentNote), "");
        assert_eq!(
            ppr(Kind::TableText),
            "<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"360\" w:lineRule=\"exact\"/><w:jc w:val=\"left\"/>"
        );
        let h1 = written(|o| paragraph_style(o, Kind::Heading(1)));
        assert!(h1.starts_with(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
        ));
        assert!(
            h1.contains("<w:outlineLvl w:val=\"0\"/></w:pPr>")
                && h1.contains("w:eastAsia=\"黑体\"")
        );
        let styles = styles_xml();
        for kind in Kind::all() {
            let (id, _) = style_name(kind);
            assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "{id}");
        }
    }

    #[test]
    fn the_section_carries_the_grid() {
        assert_eq!(doc_grid_char_space(), -842);
        let out = written(|o| section_properties(o, true, false));
        assert!(out.contains(
            "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"579\" w:charSpace=\"-842\"/>"
        ));
        assert!(out.contains("w:footer=\"1307\""));
        assert!(written(|o| section_properties(o, false, true))
            .contains("r:id=\"rId7\"/><w:type w:val=\"nextPage\"/>"));
    }

    #[test]
    fn footers_put_the_number_one_character_in() {
        let odd = footer_xml(false);
        assert!(odd.contains("<w:ind w:right=\"280\"/><w:jc w:val=\"right\"/>"));
        assert!(odd.contains("<w:fldSimple w:instr=\" PAGE \">"));
        assert!(footer_xml(true).contains("<w:ind w:left=\"280\"/><w:jc w:val=\"left\"/>"));
        assert!(empty_footer_xml().ends_with("<w:pStyle w:val=\"Footer\"/></w:pPr></w:p></w:ftr>"));
    }

    #[test]
    fn the_font_table_gives_english_names() {
        let fonts = font_table_xml();
        assert!(fonts.contains("<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"FangSong_GB2312\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/>"));
        assert!(fonts.contains("<w:font w:name=\"Times New Roman\">"));
        assert_eq!(fonts.matches("<w:altName").count(), Face::ALL.len());
    }

    #[test]
    fn table_rows_split_only_when_tall_and_the_header_repeats() {
        let row = vec![vec!["序号".to_string()], vec![]];
        let out = written(|o| table_row(o, &row, &[1000, 7845], Row::Header));
        assert!(out.starts_with("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"));
        assert!(out.contains("<w:tcW w:w=\"7845\" w:type=\"dxa\"/>"));
        assert!(out.contains("<w:pStyle w:val=\"TableHeader\"/>"));
        assert!(out.contains("<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p></w:tc>"));
        let t = Table {
            widths: vec![1, 2, 3],
            header: vec![vec!["甲".into()], vec!["乙".into()], vec!["丙".into()]],
            rows: vec![],
        };
        let out = written(|o| table(o, &t));
        // The grid is the content-sized columns the layout uses too.
        let cols = ts::content_columns(&t);
        assert_eq!(cols.iter().sum::<u32>(), ts::TEXT_WIDTH);
        let grid: String = cols
            .iter()
            .map(|c| format!("<w:gridCol w:w=\"{c}\"/>"))
            .collect();
        assert!(
            out.contains(&format!("<w:tblGrid>{grid}</w:tblGrid>")),
            "{out}"
        );
        assert!(out.ends_with("</w:tbl>"));
        // A row taller than a third of a page lacks w:cantSplit; a short one keeps it.
        let long = "对照党章规定的党员标准逐条查找差距形成问题清单".repeat(6);
        let t = Table {
            widths: vec![1, 1, 1],
            header: t.header,
            rows: vec![
                vec![vec!["1".into()], vec!["短".into()], vec![long.clone()]],
                vec![vec!["2".into()], vec!["短".into()], vec!["短".into()]],
            ],
        };
        assert_eq!(
            ts::may_split(&t, &ts::content_columns(&t)),
            vec![true, false]
        );
        let out = written(|o| table(o, &t));
        assert_eq!(
            out.matches("<w:tr><w:trPr><w:cantSplit/></w:trPr>").count(),
            1
        );
        assert_eq!(out.matches("<w:tr><w:tc>").count(), 1);
        assert!(out.find("<w:tr><w:tc>") < out.find("<w:tr><w:trPr><w:cantSplit/></w:trPr>"));
    }

    /// The gap after a table rides on the next paragraph as its space
    /// before; before another table or at the end it stands as a spacer.
    #[test]
    fn the_gap_after_a_table_rides_on_the_next_paragraph() {
        use crate::document::{Block, Document};
        let t = Table {
            widths: vec![1, 1],
            header: vec![vec!["甲".into()], vec!["乙".into()]],
            rows: vec![],
        };
        let spacer = "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"240\" w:lineRule=\"exact\"/></w:pPr></w:p>";
        let heading = Block::Heading {
            level: 1,
            number: "二、".into(),
            text: "主要成效".into(),
            lead: None,
        };
        let doc = Document {
            blocks: vec![
                Block::Table(t.clone()),
                heading,
                Block::Table(t.clone()),
                Block::Table(t),
            ],
        };
        let xml = document_xml(&doc, None);
        assert!(
            xml.contains("</w:tbl><w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:keepNext/><w:spacing w:before=\"240\"/></w:pPr>"),
            "{xml}"
        );
        assert_eq!(
            xml.matches(&format!("</w:tbl>{spacer}<w:tbl>")).count(),
            1,
            "{xml}"
        );
        assert_eq!(
            xml.matches(&format!("</w:tbl>{spacer}<w:sectPr")).count(),
            1,
            "{xml}"
        );
        assert_eq!(xml.matches(spacer).count(), 2);
    }

    #[test]
    fn the_letterhead_is_red_with_its_rule() {
        let l = crate::document::Letterhead {
            copy_no: None,
            secrecy: None,
            urgency: None,
            issuer: "中共江滨区委".into(),
            number: "江委〔2026〕1号".into(),
            signer: Some("张三".into()),
        };
        let out = written(|o| letterhead(o, &l));
        assert!(out.contains(
            "<w:spacing w:before=\"1984\" w:after=\"0\" w:line=\"1344\" w:lineRule=\"exact\"/>"
        ));
        assert!(out.contains("<w:color w:val=\"FF0000\"/><w:sz w:val=\"112\"/>"));
        assert!(out.contains("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"11\" w:color=\"FF0000\"/></w:pBdr>"));
        assert!(out.contains("<w:tabs><w:tab w:val=\"left\" w:pos=\"314\"/><w:tab w:val=\"right\" w:pos=\"8531\"/></w:tabs>"));
        // the red rule's paragraph has no indents: the rule spans the block
        let number_line = &out[out.find("<w:pBdr>").unwrap()..];
        let number_line = &number_line[..number_line.find("</w:p>").unwrap()];
        assert!(!number_line.contains("<w:ind"), "{number_line}");
        assert!(out.contains("签发人："));
    }

    #[test]
    fn the_imprint_sits_between_rules_at_the_place_the_layout_chose() {
        let i = crate::document::Imprint {
            cc: Some("区委组织部".into()),
            printed: Some(crate::document::Printed {
                issuer: "江滨区财政局机关党委".into(),
                date: "2026年3月5日".into(),
            }),
        };
        let out = written(|o| imprint(o, &i, Some(ImprintPlace::LastPage { gap: 100.0 })));
        // 100 pt less the 2 pt LibreOffice's rules take beyond the rows.
        assert!(out.starts_with("<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"1960\""));
        assert!(
            out.contains("<w:top w:val=\"single\" w:sz=\"8\"")
                && out.contains("<w:insideH w:val=\"single\" w:sz=\"6\"")
        );
        assert_eq!(
            out.matches("<w:cantSplit/><w:trHeight w:val=\"579\" w:hRule=\"exact\"/>")
                .count(),
            2
        );
        assert!(out.contains("抄送：区委组织部。"));
        let own = written(|o| imprint(o, &i, Some(ImprintPlace::OwnPage { blank: 1 })));
        assert!(
            own.contains("<w:type w:val=\"nextPage\"/>") && own.contains("<w:pageBreakBefore/>")
        );
    }
}
