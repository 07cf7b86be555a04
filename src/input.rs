//! Input: bytes on disk → located YAML trees.
//!
//! Owns everything between a path and a tree of [`Node`]s that remembers where
//! each value stood: the size cap, the text encoding (UTF-8 with or without BOM,
//! CRLF, and GBK/GB18030 from Notepad), the YAML syntax, and the alias budget.
//! It never interprets a value: what a key means is the `paper` module's job.
//!
//! Why not serde_norway here: serde deserialisers stop at the first error and
//! carry no position for a value that parsed but is wrong (a deadline missing on
//! a 限期整改 item), and the libyaml family expands aliases before anyone can
//! count them. We read events from yaml-rust2 (with their markers) and build
//! the tree ourselves, charging every node an alias produces to a budget.

mod mistakes;
pub mod typed;

use std::path::Path;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

use crate::diag::{token_chars, Code, Diagnostic, Pos, Severity};

/// Largest input file accepted. A paper is a few KB; a multi-document file of
/// a thousand papers stays well under this.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most nodes one file may expand to, aliases included. Ten times a large
/// legitimate file; a quadratic alias fan-out hits it after a few ms.
pub const NODE_BUDGET: usize = 2_000_000;
/// Most nodes that aliases alone may add. Papers have no use for large
/// anchors; this stops a 42 KB fan-out before it allocates anything big.
pub const ALIAS_BUDGET: usize = 100_000;
/// Most bytes of text one file may expand to, aliases included: four times
/// the largest file. Counting nodes alone let one 300 KB anchored string,
/// aliased 20,000 times, grow past 3.8 GB.
pub const MAX_EXPANDED_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting of lists and tables accepted. The deepest paper field is
/// four levels down (阶段记录 › 测评 › 项目 › 票); everything after parsing
/// walks trees recursively, so a file nested 200,000 deep would overflow the
/// stack. The tree is built without recursion and refused at this depth.
pub const MAX_DEPTH: usize = 64;

/// A file's text, decoded, with the information needed to quote its lines.
#[derive(Debug)]
pub struct Source {
    /// The path as the user wrote it, used in every message.
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |e| e - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }

    /// `pos`, or the end of the text if it lies past it: the parser puts
    /// the end of a file without a final line break on a line after the
    /// last, which no one could find.
    pub fn clamp(&self, pos: Pos) -> Pos {
        let last = self.line_starts.len();
        if pos.line <= last {
            return pos;
        }
        let col = self.line(last).map_or(0, |l| l.chars().count()) + 1;
        Pos { line: last, col }
    }

    /// The byte offset of `pos` in the text.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let line = self.line(pos.line)?;
        let start = *self.line_starts.get(pos.line - 1)?;
        let within = line
            .char_indices()
            .nth(pos.col.checked_sub(1)?)
            .map_or(line.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The position of byte offset `offset` in the text.
    pub fn pos_of(&self, offset: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(1, |t| t.chars().count() + 1);
        Pos { line, col }
    }

    /// The byte range of the token at `pos`: from its first character up
    /// to the next key colon or comma on its line (see [`token_chars`]).
    pub fn span(&self, pos: Pos) -> Option<std::ops::Range<usize>> {
        let line = self.line(pos.line)?;
        let line_start = *self.line_starts.get(pos.line - 1)?;
        let col = pos.col.checked_sub(1)?;
        let mut chars = line.char_indices().skip(col);
        let (first, _) = chars.next()?;
        let token = token_chars(line, col);
        let end = line[first..]
            .char_indices()
            .nth(token)
            .map_or(line.len(), |(i, _)| first + i);
        Some(line_start + first..line_start + end)
    }

    /// An input error at `pos` in this file, quoting the line.
    pub fn error(&self, pos: Pos, field: Option<&str>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: Code::InvalidValue,
            file: self.name.clone(),
            pos: Some(pos),
            span: self.span(pos),
            field: field.map(str::to_string),
            message: message.into(),
            source_line: self.line(pos.line).map(str::to_string),
            hints: Vec::new(),
            shared: false,
        }
    }
}

/// A user's config file of wenshu: the file the environment variable `env`
/// names (whether or not it exists: naming a missing file is an error for
/// the reader to report), else `wenshu/{name}` in the user's config folder
/// (`$XDG_CONFIG_HOME`, or `~/.config`) if it is there.
pub fn config_file(env: &str, name: &str) -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(std::path::PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("wenshu").join(name)).filter(|p| p.is_file())
}

/// Why a file could not be read, said in Chinese by its `Display`.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    Denied,
    Directory,
    /// A FIFO, a device, a socket: reading one could block or never end.
    NotRegular(&'static str),
    /// The size, and the cap.
    TooLarge(u64, u64),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "文件不存在"),
            ReadError::Denied => write!(f, "没有读取权限"),
            ReadError::Directory => write!(f, "这是一个目录，不是文件"),
            ReadError::NotRegular(kind) => write!(f, "这是{kind}，不是普通文件"),
            ReadError::TooLarge(n, max) => write!(f, "文件过大（{n} 字节），超过上限 {max} 字节"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadError::Denied,
            _ => ReadError::Io(e),
        }
    }
}

/// Why an I/O operation on a file failed, in Chinese.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        _ => e.to_string(),
    }
}

/// What kind of not-a-regular-file `meta` describes, or `None` for a
/// regular file.
fn irregular(meta: &std::fs::Metadata) -> Option<ReadError> {
    let ft = meta.file_type();
    if ft.is_file() {
        return None;
    }
    if ft.is_dir() {
        return Some(ReadError::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some(ReadError::NotRegular("命名管道（FIFO）"));
        }
        if ft.is_char_device() || ft.is_block_device() {
            return Some(ReadError::NotRegular("设备文件"));
        }
        if ft.is_socket() {
            return Some(ReadError::NotRegular("套接字"));
        }
    }
    Some(ReadError::NotRegular("特殊文件"))
}

/// Reads a whole regular file of at most [`MAX_FILE_BYTES`]: every file
/// wenshu reads comes through here. A directory, FIFO, device or socket
/// (also behind a symlink) is refused before it is opened, so nothing can
/// block or stream forever; the opened file is checked again (it may have
/// been swapped meanwhile) and read no further than the cap.
pub fn read_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    let read = read_limited(path, MAX_FILE_BYTES);
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            let sha256 = read.as_ref().ok().map(|b| sha256_hex(b));
            reads.push((path.to_path_buf(), sha256));
        }
    });
    read
}

/// A file read while [`recording`]: its path, and the SHA-256 of the bytes
/// read (`None`: it could not be read).
pub type FileRead = (std::path::PathBuf, Option<String>);

thread_local! {
    /// The files [`read_capped`] read on this thread while [`recording`]
    /// runs; `None` when nothing records.
    static READS: std::cell::RefCell<Option<Vec<FileRead>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns, with its result, every file it read with the hash
/// of what it read (each once, in the order first read): a paper depends on
/// the files its input names (a previous phase's record, a ballot CSV) as
/// much as on the input, and a batch that resumes must see when one of them
/// changed — without reading them again. A recording inside another adds
/// its files to the outer one too.
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<FileRead>) {
    let outer = READS.with(|r| r.replace(Some(Vec::new())));
    let out = f();
    let mut reads = READS.with(|r| r.replace(outer)).unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    reads.retain(|(p, _)| seen.insert(p.clone()));
    READS.with(|r| {
        if let Some(outer) = r.borrow_mut().as_mut() {
            outer.extend(reads.iter().cloned());
        }
    });
    (out, reads)
}

/// [`read_capped`] with another cap, for wenshu's own records (a batch's
/// manifest), which grow with the batch.
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if let Some(why) = irregular(&meta) {
        return Err(why);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(meta.len(), max));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // A FIFO swapped in after the check must not block the open.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if let Some(why) = irregular(&meta) {
        return Err(why);
    }
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// Reads and decodes a file. Refuses files over the cap and anything that
/// is not a regular file before reading them.
pub fn read_source(path: &Path) -> Result<Source, Diagnostic> {
    let name = path.display().to_string();
    let bytes = read_capped(path).map_err(|e| match e {
        ReadError::Directory => {
            Diagnostic::whole_file(&name, Code::Unreadable, "这是一个目录，不是 YAML 文件")
        }
        ReadError::TooLarge(..) => Diagnostic::whole_file(&name, Code::TooLarge, e.to_string())
            .with_help("请把文件拆分成几个较小的文件"),
        e => Diagnostic::whole_file(&name, Code::Unreadable, format!("无法读取文件：{e}")),
    })?;
    let text = decode(&name, &bytes)?;
    Ok(Source::new(name, text))
}

/// UTF-8 (BOM optional) is taken as is. Anything else is tried as GB18030,
/// which is what Notepad on Chinese Windows saves as "ANSI"; it is accepted
/// only if it decodes without a single replacement *and* then reads as a
/// paper (it names the key 文种), so mojibake cannot reach a paper.
pub fn decode(name: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            Diagnostic::whole_file(name, Code::Encoding, "文件是 UTF-16 编码，无法读取")
                .with_help("请在记事本中“另存为”，编码选择 UTF-8"),
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map_or((String::new(), true), |t| (t.into_owned(), false));
            if had_errors || !text.contains("文种") {
                return Err(Diagnostic::whole_file(
                    name,
                    Code::Encoding,
                    "文件不是 UTF-8 编码，也不能确认是 GBK/GB18030 编码",
                )
                .with_help("请在记事本中“另存为”，编码选择 UTF-8"));
            }
            text
        }
    };
    if text.contains('\0') {
        return Err(Diagnostic::whole_file(
            name,
            Code::Encoding,
            "文件含有空字符（NUL），不是文本文件",
        ));
    }
    // CRLF and lone CR become LF so line numbers and block scalars agree.
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// A YAML value and where it stood.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An empty value, `~` or `null`.
    Null,
    /// Every scalar stays text: `2026-01-05`, `1` and `是` are the paper's to
    /// interpret, never YAML's.
    Str(String),
    Seq(Vec<Node>),
    /// Keys in file order; duplicates are kept so that they can be reported.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A short Chinese name for the node's type, for "expected … found …".
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "空值",
            Value::Str(_) => "文字",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值表",
        }
    }
}

/// Calls `f` with every scalar of the documents and its field path
/// (`整改事项[2].完成时限`), in file order. Trees are at most [`MAX_DEPTH`]
/// deep, so the recursion is bounded.
pub fn visit_scalars(docs: &[YamlDoc], f: &mut impl FnMut(&Node, &str)) {
    fn walk(n: &Node, path: &str, f: &mut impl FnMut(&Node, &str)) {
        match &n.value {
            Value::Str(_) => f(n, path),
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{}]", i + 1), f);
                }
            }
            Value::Map(entries) => {
                for (k, v) in entries {
                    let key = match &k.value {
                        Value::Str(s) => s.as_str(),
                        _ => "?",
                    };
                    let p = if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(v, &p, f);
                }
            }
            Value::Null => {}
        }
    }
    for d in docs {
        walk(&d.root, "", f);
    }
}

/// The field path and position of the value that holds the first occurrence
/// of `c` in the file: the scalar that starts last before it. Used to locate
/// problems found after templating (a character no font has).
pub fn locate_char(src: &Source, docs: &[YamlDoc], c: char) -> Option<(Pos, String)> {
    let offset = src.text.find(c)?;
    let at = src.pos_of(offset);
    let mut best: Option<(Pos, String)> = None;
    visit_scalars(docs, &mut |n, path| {
        if n.pos <= at && best.as_ref().is_none_or(|(p, _)| n.pos >= *p) {
            best = Some((n.pos, path.to_string()));
        }
    });
    best.map(|(_, path)| (at, path))
}

/// Characters no paper may hold: control characters other than tab and
/// line feed (an ESC would reach the terminal, the others print as boxes)
/// and Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …), which no
/// font draws.
pub fn is_forbidden(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && c != '\t' && c != '\n')
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
}

/// One located error for every text value that holds a forbidden
/// character, naming the character.
pub fn check_characters(src: &Source, docs: &[YamlDoc]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    visit_scalars(docs, &mut |n, path| {
        let Value::Str(text) = &n.value else { return };
        if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
            let what = if c.is_control() {
                "控制字符"
            } else {
                "非字符码位"
            };
            errors.push(
                src.error(
                    n.pos,
                    Some(path),
                    format!("含有不能用于文书的{what} U+{:04X}", c as u32),
                )
                .with_code(Code::Unprintable)
                .with_help("这类字符看不见或显示为方框，多是从别处复制带来的；请删去后重新输入"),
            );
        }
    });
    errors
}

/// One YAML document of a stream, i.e. one paper.
#[derive(Debug)]
pub struct YamlDoc {
    pub root: Node,
    /// 1-based index in the file, for messages about multi-document files.
    pub index: usize,
}

/// Parses every document of a file. A syntax error, or a blown budget, ends
/// the reading: past it, nothing can be trusted. A syntax error is said
/// through the Chinese users' usual mistakes when any is found (a
/// full-width colon, full-width spaces or tabs in indentation), each at its
/// own line, else as the parser's message in Chinese.
pub fn parse_yaml(src: &Source) -> Result<Vec<YamlDoc>, Vec<Diagnostic>> {
    let mut parser = Parser::new_from_str(&src.text);
    let mut b = Builder::default();
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => return Err(syntax_error(src, &e)),
        };
        let pos = src.clamp(Pos {
            line: mark.line().max(1),
            col: mark.col() + 1,
        });
        let event = match event {
            Event::Scalar(text, TScalarStyle::Plain, anchor, tag) if text.contains(' ') => {
                let text = unfold_wide(src, pos, &text).unwrap_or(text);
                Event::Scalar(text, TScalarStyle::Plain, anchor, tag)
            }
            other => other,
        };
        match b.event(event, pos) {
            Ok(true) => break,
            Ok(false) => {}
            Err(over) => return Err(vec![over.diagnostic(src, pos)]),
        }
    }
    Ok(b.docs)
}

fn syntax_error(src: &Source, e: &yaml_rust2::ScanError) -> Vec<Diagnostic> {
    let mistakes = mistakes::scan(src);
    if !mistakes.is_empty() {
        return mistakes;
    }
    let m = e.marker();
    let pos = src.clamp(Pos {
        line: m.line().max(1),
        col: m.col() + 1,
    });
    vec![src
        .error(
            pos,
            None,
            format!("YAML 语法错误：{}", mistakes::translate(e.info())),
        )
        .with_code(Code::Syntax)]
}

/// YAML folds a plain scalar that spans lines, putting a space at each line
/// break. Between two Chinese characters (or full-width punctuation) that
/// space is not the user's: "认真学习了党章，⏎  撰写心得" means "…党章，撰写心得".
/// Rebuilds the folds from the source lines and drops those spaces; `None`
/// when the scalar sits on one line or the source cannot be matched.
fn unfold_wide(src: &Source, pos: Pos, value: &str) -> Option<String> {
    let wide = |c: Option<char>| c.is_some_and(|c| crate::diag::cell_width(c) == 2);
    let wide_punct = |c: Option<char>| {
        c.is_some_and(|c| matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF65 | 0x2014 | 0x2026 | 0x201C..=0x201D | 0x2018..=0x2019))
    };
    let first: String = src.line(pos.line)?.chars().skip(pos.col - 1).collect();
    let first = first.trim_end();
    let mut rest = value.strip_prefix(first)?;
    if rest.is_empty() {
        return None;
    }
    let mut out = first.to_string();
    for line in (pos.line + 1..).map_while(|l| src.line(l)) {
        let seg = line.trim();
        if seg.is_empty() {
            rest = rest.strip_prefix('\n')?;
            out.push('\n');
            continue;
        }
        if !out.ends_with('\n') {
            rest = rest.strip_prefix(' ')?;
            let (before, after) = (out.chars().last(), seg.chars().next());
            let chinese = wide(before) && wide(after);
            if !(chinese || wide_punct(before) || wide_punct(after)) {
                out.push(' ');
            }
        }
        rest = rest.strip_prefix(seg)?;
        out.push_str(seg);
        if rest.is_empty() {
            return Some(out);
        }
    }
    None
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// A budget the file blew while its tree was being built.
enum Over {
    Nodes,
    AliasNodes(usize),
    Bytes(usize),
    Depth,
    UnknownAnchor,
}

impl Over {
    fn diagnostic(&self, src: &Source, pos: Pos) -> Diagnostic {
        let alias_help = "文书用不到大型锚点与别名（& 与 *）；请直接写出内容";
        let (message, help) = match self {
            Over::Nodes => (format!("文件节点过多（超过 {NODE_BUDGET} 个）"), alias_help),
            Over::AliasNodes(n) => (
                format!("别名展开超出预算：别名共展开 {n} 个以上节点（上限 {ALIAS_BUDGET}），已停止读取"),
                alias_help,
            ),
            Over::Bytes(n) => (
                format!("别名展开超出预算：展开后的文字超过 {n} 字节（上限 {MAX_EXPANDED_BYTES}），已停止读取"),
                alias_help,
            ),
            Over::Depth => (
                format!("列表与键值表嵌套超过 {MAX_DEPTH} 层，已停止读取"),
                "文书的字段最多嵌套几层；请检查缩进或多余的「- 」「[」「{」",
            ),
            Over::UnknownAnchor => (
                "引用了未定义的锚点".to_string(),
                "别名 * 前须有对应的锚点 &",
            ),
        };
        src.error(pos, None, message)
            .with_code(Code::Budget)
            .with_help(help)
    }
}

/// Builds trees from events without recursion, refusing nesting past
/// [`MAX_DEPTH`], materialising aliases by copy and charging each copy's
/// nodes and bytes to the budgets *before* copying.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    docs: Vec<YamlDoc>,
    /// anchor id → (node, its size)
    anchors: std::collections::HashMap<usize, (Node, Size)>,
    nodes: usize,
    alias_nodes: usize,
    /// Bytes of scalar text in the trees so far, aliases included.
    bytes: usize,
}

/// What a subtree costs: its nodes and the bytes of its scalars.
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
}

/// The size of a finished subtree; its depth is at most [`MAX_DEPTH`].
fn size_of(n: &Node) -> Size {
    let mut size = Size {
        nodes: 1,
        bytes: match &n.value {
            Value::Str(s) => s.len(),
            _ => 0,
        },
    };
    let mut add = |c: &Node| {
        let s = size_of(c);
        size.nodes += s.nodes;
        size.bytes += s.bytes;
    };
    match &n.value {
        Value::Seq(items) => items.iter().for_each(&mut add),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            add(k);
            add(v);
        }),
        _ => {}
    }
    size
}

impl Builder {
    /// Returns `Ok(true)` at the end of the stream.
    fn event(&mut self, event: Event, pos: Pos) -> Result<bool, Over> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
            Event::Scalar(text, style, anchor, tag) => {
                let size = Size {
                    nodes: 1,
                    bytes: text.len(),
                };
                self.bytes += size.bytes;
                let value = scalar_value(text, style, tag.as_ref());
                self.finish(Node { pos, value }, anchor, size)?;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                return Err(Over::Depth)
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                pos,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                pos,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { pos, anchor, items }) => (
                        Node {
                            pos,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        pos,
                        anchor,
                        entries,
                        ..
                    }) => (
                        Node {
                            pos,
                            value: Value::Map(entries),
                        },
                        anchor,
                    ),
                    None => return Ok(false),
                };
                let size = if anchor > 0 {
                    size_of(&node)
                } else {
                    Size::default()
                };
                self.finish(node, anchor, size)?;
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(Over::UnknownAnchor);
                };
                let size = *size;
                self.alias_nodes += size.nodes;
                self.bytes += size.bytes;
                if self.alias_nodes > ALIAS_BUDGET {
                    return Err(Over::AliasNodes(self.alias_nodes));
                }
                if self.nodes + size.nodes > NODE_BUDGET {
                    return Err(Over::Nodes);
                }
                if self.bytes > MAX_EXPANDED_BYTES {
                    return Err(Over::Bytes(self.bytes));
                }
                let mut copy = node.clone();
                copy.pos = pos;
                self.nodes += size.nodes;
                self.push(copy);
                return Ok(false);
            }
        }
        Ok(false)
    }

    fn finish(&mut self, node: Node, anchor: usize, size: Size) -> Result<(), Over> {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET {
            return Err(Over::Nodes);
        }
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.push(node);
        Ok(())
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => {
                let index = self.docs.len() + 1;
                self.docs.push(YamlDoc { root: node, index });
            }
        }
    }
}

fn scalar_value(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    let plain = style == TScalarStyle::Plain && tag.is_none();
    if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        Value::Null
    } else {
        Value::Str(text)
    }
}

/// The SHA-256 of some bytes as lowercase hex: how resume recognises an
/// input and an output it already wrote.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<YamlDoc>, Diagnostic> {
        parse_yaml(&Source::new("t.yaml", text.to_string())).map_err(|mut d| d.remove(0))
    }

    #[test]
    fn positions_are_one_based_characters() {
        let docs = parse("文种: 两个具体\n单位: 某单位\n").unwrap();
        let Value::Map(entries) = &docs[0].root.value else {
            panic!()
        };
        assert_eq!(entries[1].0.pos, Pos { line: 2, col: 1 });
        assert_eq!(entries[1].1.pos, Pos { line: 2, col: 5 });
    }

    #[test]
    fn an_error_at_the_end_of_a_file_stands_on_its_last_line() {
        let err = parse("文种: 两个具体\n单位").unwrap_err();
        assert_eq!(err.pos, Some(Pos { line: 2, col: 3 }), "{}", err.message);
        assert_eq!(err.source_line.as_deref(), Some("单位"));
    }

    #[test]
    fn multi_document_streams() {
        let docs = parse("a: 1\n---\na: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].index, 2);
    }

    #[test]
    fn quadratic_alias_fan_out_is_refused_quickly() {
        let n = 1000;
        let mut y = String::from("a: &a [");
        y.push_str(&vec!["x"; n].join(","));
        y.push_str("]\nb: [");
        y.push_str(&vec!["*a"; n].join(","));
        y.push_str("]\n");
        let start = std::time::Instant::now();
        let err = parse(&y).unwrap_err();
        assert!(err.message.contains("别名展开超出预算"), "{}", err.message);
        assert!(start.elapsed().as_millis() < 1000);
    }

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_starts() {
        let ok = format!("a:\n  {}x\n", "- ".repeat(MAX_DEPTH - 1));
        assert!(parse(&ok).is_ok());
        let deep = format!("单位:\n  {}x\n", "- ".repeat(200_000));
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("嵌套超过 64 层"), "{}", err.message);
        // The 64th list opens at column 3 + 2 × 63 of line 2.
        assert_eq!(
            err.pos,
            Some(Pos {
                line: 2,
                col: 3 + 2 * 63
            })
        );
        // The scanner counts flow levels itself and stops at 256 first.
        let flow = format!("单位: {}\n", "[".repeat(100_000));
        let err = parse(&flow).unwrap_err();
        assert!(err.message.contains("层次嵌套过深"), "{}", err.message);
        assert_eq!(err.pos.map(|p| p.line), Some(1));
        let maps = format!(
            "a:\n{}",
            (1..200)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>()
        );
        assert!(parse(&maps).unwrap_err().message.contains("嵌套超过"));
    }

    #[test]
    fn alias_expansion_is_charged_by_the_byte() {
        let big = "长".repeat(100_000); // 300 KB
        let mut y = format!("a: &a {big}\nb: [");
        y.push_str(&vec!["*a"; 20_000].join(","));
        y.push_str("]\n");
        let start = std::time::Instant::now();
        let err = parse(&y).unwrap_err();
        assert!(err.message.contains("展开后的文字超过"), "{}", err.message);
        assert!(err.pos.is_some_and(|p| p.line == 2));
        assert!(start.elapsed().as_secs() < 5);
        // A few aliases of a modest anchor are still fine.
        let y = format!("a: &a {}\nb: [*a, *a, *a]\n", "字".repeat(1000));
        assert!(parse(&y).is_ok());
    }

    #[test]
    fn control_characters_and_noncharacters_are_located() {
        let src = Source::new(
            "t.yaml",
            "单位: \"某\\e[31m单位\"\n事项:\n  - 好\n  - 坏\u{FFFF}\n标题: 换\t行\n".into(),
        );
        let docs = parse_yaml(&src).unwrap();
        let errors = check_characters(&src, &docs);
        let short: Vec<String> = errors.iter().map(Diagnostic::short).collect();
        assert_eq!(
            short,
            [
                "t.yaml:1:5: 「单位」含有不能用于文书的控制字符 U+001B",
                "t.yaml:4:5: 「事项[2]」含有不能用于文书的非字符码位 U+FFFF",
            ]
        );
        for c in [
            '\u{0}',
            '\u{7}',
            '\u{7f}',
            '\u{85}',
            '\u{FDD0}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            assert!(is_forbidden(c), "{:X}", c as u32);
        }
        for c in ['\t', '\n', '中', '\u{FFFD}', '\u{20000}'] {
            assert!(!is_forbidden(c), "{:X}", c as u32);
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read_and_never_past_the_cap() {
        let dir = std::env::temp_dir().join(format!("wenshu-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("x.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_capped(&fifo), Err(ReadError::NotRegular(_))));
        let zero = dir.join("zero.yaml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let err = read_source(&zero).unwrap_err();
        assert_eq!(err.message, "无法读取文件：这是设备文件，不是普通文件");
        assert!(matches!(read_capped(&dir), Err(ReadError::Directory)));
        let big = dir.join("big.yaml");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(read_capped(&big), Err(ReadError::TooLarge(..))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gbk_is_decoded_only_when_it_is_a_paper() {
        let (bytes, _, _) = encoding_rs::GBK.encode("文种: 两个具体\n单位: 某单位\n");
        assert!(decode("x", &bytes).unwrap().contains("某单位"));
        let (bytes, _, _) = encoding_rs::GBK.encode("随便什么内容");
        assert!(decode("x", &bytes).is_err());
    }

    #[test]
    fn bom_and_crlf() {
        let t = decode("x", b"\xEF\xBB\xBFa: 1\r\nb: 2\r\n").unwrap();
        assert_eq!(t, "a: 1\nb: 2\n");
    }
}
