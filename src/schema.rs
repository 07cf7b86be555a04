//! JSON Schemas (draft 2020-12) of every kind, for editors.
//!
//! Owns one declarative field table per kind — each key, what it holds,
//! whether it is required, a Chinese description — and the JSON Schema
//! generated from it, which `wenshu schema` prints and yaml-language-server
//! uses to complete and check fields while a user types. The decoders in
//! `paper`, `record` and `roster` stay the judges of a file: the tables take
//! their enums and limits from the decoders' own constants, and the tests
//! below feed the decoders every key of every table (and the decoders' own
//! lists of known keys back to the tables), so that a schema never rejects
//! what wenshu accepts nor lists a key wenshu refuses.
//!
//! A schema may accept more than wenshu does (a rule across fields, a date
//! that does not exist): it checks shapes, not the campaign's rules. It
//! never reads a YAML file.

use serde_json::{json, Map, Value};

use crate::paper::analysis::{AREAS, BASIC_VIEWS, CADRE_VIEWS, UNIT_CAUSES};
use crate::paper::limits;
use crate::paper::rectification::CATEGORIES;
use crate::paper::Phase;
use crate::record::read::{ACTIVITIES, ANALYSIS_STATES, HANDLINGS, PLAN_STATES, VERDICTS};
use crate::record::tally::{MAX_BALLOTS, PHASE_SURVEY, SATISFACTION};

/// The kinds `wenshu kinds` lists, the roster included: each has a schema.
pub fn names() -> Vec<&'static str> {
    crate::kinds::KINDS.iter().map(|k| k.name).collect()
}

/// The schema's kind for a name as `wenshu new` takes it (a bare
/// `党性分析材料` is the personal one, `总结` the 阶段小结).
pub fn canonical(kind: &str) -> Option<&'static str> {
    let name = crate::starter::listed_name(kind);
    names().into_iter().find(|n| *n == name)
}

/// The JSON Schema of a kind (a name of [`names`]).
pub fn schema(kind: &str) -> Option<Value> {
    let kind = canonical(kind)?;
    let root = root_object(kind)?;
    let mut v = object_schema(&root);
    let obj = v.as_object_mut().expect("an object schema");
    let mut head = Map::new();
    head.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    head.insert("title".into(), json!(kind));
    head.insert("description".into(), json!(about(kind)));
    head.append(obj);
    Some(Value::Object(head))
}

/// The schema as a file's text: pretty JSON ending with a newline.
pub fn text(kind: &str) -> Option<String> {
    let v = schema(kind)?;
    let mut s = serde_json::to_string_pretty(&v).expect("a JSON value serialises");
    s.push('\n');
    Some(s)
}

fn about(kind: &str) -> String {
    let doc = crate::kinds::KINDS
        .iter()
        .find(|k| k.name == kind)
        .map_or("", |k| k.doc);
    format!("wenshu「{kind}」的输入文件。{doc}")
}

// ---- the field tables ----

/// What a field holds, as its decoder reads it.
#[derive(Clone)]
pub(crate) enum Ty {
    /// One line of text of at most this many characters.
    Text(usize),
    /// One line matching a pattern, and how the pattern is said.
    Pattern(usize, &'static str, &'static str),
    /// Paragraphs: one text (blank lines separate paragraphs) or a list.
    Paras,
    Date,
    YesNo,
    Choice(Vec<&'static str>),
    Phase(Vec<u8>),
    Count,
    Hours,
    /// One line, or a list of lines.
    Lines,
    /// Member names; a list, unique, maybe empty.
    Names {
        may_be_empty: bool,
    },
    List(Box<Ty>, usize),
    Obj(Object),
    /// A count per grade.
    Counts(&'static [&'static str]),
    /// One grade per ballot.
    Ballots(&'static [&'static str]),
    /// Counts or ballots.
    Tally(&'static [&'static str]),
    /// A form's member list: the path of a table or 阶段记录, or a list of
    /// names or of `{姓名, 职务, 所在支部}`.
    Members,
    /// Forms counted back by serial: `{表单, 文件}`; or, `or_file`, a CSV
    /// file's path.
    Returned {
        or_file: bool,
    },
    /// Accepted and not read (kept so that a shared file passes).
    Ignored,
    /// 共同字段: a paper's fields, completed by each row.
    Shared,
    /// 列: table column → field path.
    Columns,
}

#[derive(Clone)]
pub(crate) struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

/// A mapping: its fields, and rules across them (JSON Schema `allOf` items).
#[derive(Clone, Default)]
pub(crate) struct Object {
    pub fields: Vec<Field>,
    pub all_of: Vec<Value>,
}

fn req(key: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        required: true,
        doc,
    }
}

fn opt(key: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        required: false,
        doc,
    }
}

fn obj(fields: Vec<Field>) -> Ty {
    Ty::Obj(Object {
        fields,
        all_of: Vec::new(),
    })
}

fn kind_field(values: &[&'static str]) -> Field {
    req(
        "文种",
        Ty::Choice(values.to_vec()),
        "文种，固定写法，请勿修改",
    )
}

/// A key the bare 文种 needs and the kind's own name implies (`文种:
/// 党性分析材料-单位` stands for `文种: 党性分析材料` with `类型: 单位`).
fn required_with_bare_kind(bare: &str, key: &str) -> Value {
    json!({
        "if": {"properties": {"文种": {"const": bare}}, "required": ["文种"]},
        "then": {"required": [key]}
    })
}

/// The top-level mapping of a kind; `None` for a kind without a table.
pub(crate) fn root_object(kind: &str) -> Option<Object> {
    let plain = |mut fields: Vec<Field>| {
        fields.extend(frame());
        Object {
            fields,
            all_of: Vec::new(),
        }
    };
    if let Some(form_kind) = crate::forms::NAMES.iter().find(|n| **n == kind) {
        return Some(plain(form(form_kind)));
    }
    Some(match kind {
        "两个具体" => plain(two_specifics()),
        "党性分析材料-个人" => analysis(true),
        "党性分析材料-单位" => analysis(false),
        "整改方案-个人" => rectification(true),
        "整改方案-单位" => rectification(false),
        "转段申请" => plain(transfer()),
        "阶段小结" => summary(),
        "花名册" => roster(),
        "阶段记录-1" => record(1),
        "阶段记录-2" => record(2),
        "阶段记录-3" => record(3),
        _ => return None,
    })
}

/// 版头, 版记 and 附件, which every paper may have (paper/frame.rs).
fn frame() -> Vec<Field> {
    vec![
        opt(
            "版头",
            obj(vec![
                opt(
                    "份号",
                    Ty::Pattern(6, "^[0-9]{6}$", "6 位阿拉伯数字，如 000012"),
                    "份号：6 位阿拉伯数字",
                ),
                opt(
                    "密级",
                    Ty::Pattern(20, "^\\s*(绝密|机密|秘密)", "以 绝密、机密 或 秘密 开头"),
                    "密级：绝密、机密 或 秘密（可加★和保密期限）",
                ),
                opt("紧急程度", Ty::Choice(vec!["特急", "加急"]), "紧急程度"),
                req("发文机关", Ty::Text(limits::UNIT), "发文机关全称"),
                req(
                    "发文字号",
                    Ty::Pattern(
                        40,
                        "^\\s*[^〔第\\s][^〔第]*〔[0-9]{4}〕[1-9][0-9]*号\\s*$",
                        "机关代字〔年份〕序号号，如 区先教〔2026〕3号",
                    ),
                    "发文字号，如 区先教〔2026〕3号（六角括号，年份写全，序号不加“第”和前导0）",
                ),
                opt("签发人", Ty::Text(limits::NAME), "签发人姓名（上行文）"),
            ]),
            "版头（可选）：发文机关标志、发文字号等",
        ),
        opt(
            "版记",
            obj(vec![
                opt("抄送", Ty::Text(limits::LINE), "抄送机关"),
                req("印发机关", Ty::Text(limits::UNIT), "印发机关"),
                req("印发日期", Ty::Date, "印发日期"),
            ]),
            "版记（可选）：抄送、印发机关和印发日期",
        ),
        opt(
            "附件",
            Ty::List(
                Box::new(obj(vec![
                    req(
                        "标题",
                        Ty::Pattern(limits::LINE, "[^。，；：.,\\s]\\s*$", "末尾不加标点符号"),
                        "附件名称，末尾不加标点（GB/T 9704 7.3.4）",
                    ),
                    req("内容", Ty::Paras, "附件正文"),
                ])),
                20,
            ),
            "附件（可选）：每项一个附件，从新页开始印",
        ),
    ]
}

fn section(heading_required: bool) -> Ty {
    let heading = if heading_required { req } else { opt };
    obj(vec![
        heading("标题", Ty::Text(limits::HEADING), "小标题，不超过30字"),
        req("内容", Ty::Paras, "内容"),
    ])
}

fn signature() -> Field {
    opt(
        "落款",
        Ty::Text(limits::UNIT),
        "落款；不写时用单位名称（个人材料用姓名）",
    )
}

fn two_specifics() -> Vec<Field> {
    vec![
        kind_field(&["两个具体"]),
        req("单位", Ty::Text(limits::UNIT), "单位全称"),
        req("日期", Ty::Date, "成文日期"),
        req(
            "制定经过",
            Ty::Paras,
            "制定经过：大讨论的组织和征求意见情况",
        ),
        req(
            "具体要求",
            Ty::List(Box::new(section(false)), limits::ITEMS),
            "保持先进性的具体要求，每项一条",
        ),
        req(
            "不合格表现",
            Ty::List(Box::new(section(false)), limits::ITEMS),
            "不合格党员的具体表现，每项一条",
        ),
        signature(),
    ]
}

fn member(with_record: bool) -> Ty {
    let mut fields = vec![
        req("姓名", Ty::Text(limits::NAME), "党员姓名"),
        opt(
            "职务",
            Ty::Text(limits::POST),
            "单位及职务，如 区财政局国库科科员（可选：文书中不印出）",
        ),
        req("所在支部", Ty::Text(limits::UNIT), "所在党支部全称"),
    ];
    if with_record {
        fields.extend([
            req("入党时间", Ty::Date, "入党时间"),
            opt(
                "领导干部",
                Ty::YesNo,
                "是否领导干部：是 | 否（不写为否）；领导干部的二查须有权力观、地位观、利益观",
            ),
            opt(
                "离退休",
                Ty::YesNo,
                "离退休职工党员写 是（离退休党员“可以不作”党性分析，写了的照常接受）",
            ),
        ]);
    } else {
        fields.extend([
            opt(
                "入党时间",
                Ty::Ignored,
                "整改方案不用此项（可与党性分析材料共用党员信息）",
            ),
            opt("领导干部", Ty::Ignored, "整改方案不用此项"),
            opt("离退休", Ty::Ignored, "整改方案不用此项"),
        ]);
    }
    obj(fields)
}

fn parts(required: &[&'static str], optional: &[&'static str]) -> Ty {
    let fields = required
        .iter()
        .map(|&k| req(k, Ty::Paras, "这一方面的内容"))
        .chain(
            optional
                .iter()
                .map(|&k| opt(k, Ty::Paras, "这一方面的内容（领导干部必填）")),
        )
        .collect();
    obj(fields)
}

fn analysis(personal: bool) -> Object {
    let mut fields = Vec::new();
    if personal {
        fields.push(kind_field(&["党性分析材料", "党性分析材料-个人"]));
        fields.push(opt(
            "类型",
            Ty::Choice(vec!["个人"]),
            "个人（不写时默认为个人）",
        ));
        fields.push(req("党员", member(true), "党员信息"));
    } else {
        fields.push(kind_field(&["党性分析材料", "党性分析材料-单位"]));
        fields.push(opt(
            "类型",
            Ty::Choice(vec!["单位"]),
            "单位（领导班子）材料；文种写「党性分析材料」时必填",
        ));
        fields.push(req("单位", Ty::Text(limits::UNIT), "单位全称"));
    }
    fields.extend([
        req("日期", Ty::Date, "成文日期"),
        req("开头", Ty::Paras, "开头：学习动员阶段的收获和征求意见情况"),
        req(
            "一找",
            parts(&AREAS, &[]),
            "一找：从思想、组织、工作、作风四个方面查找问题",
        ),
        if personal {
            req(
                "二查",
                parts(&BASIC_VIEWS, &CADRE_VIEWS),
                "二查：从世界观、人生观、价值观剖析主观原因（领导干部还有权力观、地位观、利益观）",
            )
        } else {
            req(
                "二查",
                parts(&UNIT_CAUSES, &[]),
                "二查：从领导班子的思想建设、组织建设、作风建设、制度执行剖析原因（L45、L48）",
            )
        },
        req(
            "三明确",
            obj(vec![
                req("努力方向", Ty::Paras, "努力方向"),
                req(
                    "整改措施",
                    Ty::List(Box::new(Ty::Text(limits::PARAGRAPH)), limits::ITEMS),
                    "整改措施，每项一条",
                ),
            ]),
            "三明确：努力方向和整改措施",
        ),
        signature(),
    ]);
    fields.extend(frame());
    let mut all_of = Vec::new();
    if !personal {
        all_of.push(required_with_bare_kind("党性分析材料", "类型"));
    }
    if personal {
        // A leading cadre's 二查 has all six views.
        let all_views: Vec<&str> = BASIC_VIEWS.iter().chain(&CADRE_VIEWS).copied().collect();
        all_of.push(json!({
            "if": {
                "properties": {"党员": {"properties": {"领导干部": {"enum": ["是", "true", "True", "yes", true]}}, "required": ["领导干部"]}},
                "required": ["党员"]
            },
            "then": {"properties": {"二查": {"required": all_views}}}
        }));
    }
    Object { fields, all_of }
}

fn rectification(personal: bool) -> Object {
    let mut item = vec![
        req("问题", Ty::Text(limits::PARAGRAPH), "存在的具体问题"),
        req("目标", Ty::Text(limits::PARAGRAPH), "整改要达到的目标"),
        req("措施", Ty::Lines, "具体措施：一条写一行，多条写成列表"),
        req("类别", Ty::Choice(CATEGORIES.to_vec()), "整改类别"),
        opt("完成时限", Ty::Date, "完成时限；类别为限期整改时必填"),
        opt("协调单位", Ty::Lines, "需协调的单位；类别为协调解决时必填"),
        opt("挂牌", Ty::YesNo, "是否列入挂牌整改：是 | 否（不写为否）"),
    ];
    if personal {
        item.extend([
            opt("责任人", Ty::Text(limits::NAME), "责任人；不写时为本人"),
            opt("责任领导", Ty::Ignored, "个人方案不用此项"),
            opt("责任部门", Ty::Ignored, "个人方案不用此项"),
        ]);
    } else {
        item.extend([
            req("责任领导", Ty::Text(limits::NAME), "责任领导"),
            req("责任部门", Ty::Text(limits::UNIT), "责任部门"),
            opt(
                "责任人",
                Ty::Ignored,
                "单位方案不用此项（写责任领导和责任部门）",
            ),
        ]);
    }
    let item = Ty::Obj(Object {
        fields: item,
        all_of: vec![
            json!({
                "if": {"properties": {"类别": {"const": "限期整改"}}, "required": ["类别"]},
                "then": {"required": ["完成时限"]}
            }),
            json!({
                "if": {"properties": {"类别": {"const": "协调解决"}}, "required": ["类别"]},
                "then": {"required": ["协调单位"]}
            }),
        ],
    });
    let mut approval = vec![
        req("公示范围", Ty::Text(limits::UNIT), "公示范围"),
        req("公示日期", Ty::Date, "公示日期"),
    ];
    if personal {
        approval.extend([
            req(
                "通过会议",
                Ty::Pattern(limits::UNIT, "党员大会", "须为支部党员大会"),
                "通过的会议，如 机关第一党支部党员大会",
            ),
            req("通过日期", Ty::Date, "通过日期，不早于公示日期"),
            opt("批准机关", Ty::Ignored, "个人方案不用此项"),
            opt("批准日期", Ty::Ignored, "个人方案不用此项"),
        ]);
    } else {
        approval.extend([
            req("批准机关", Ty::Text(limits::UNIT), "批准的上级党组织"),
            req("批准日期", Ty::Date, "批准日期，不早于公示日期"),
            opt("通过会议", Ty::Ignored, "单位方案不用此项"),
            opt("通过日期", Ty::Ignored, "单位方案不用此项"),
        ]);
    }
    let mut fields = Vec::new();
    if personal {
        fields.extend([
            kind_field(&["整改方案", "整改方案-个人"]),
            opt("类型", Ty::Choice(vec!["个人"]), "个人（不写时默认为个人）"),
            req("党员", member(false), "党员信息"),
            opt("单位", Ty::Text(limits::UNIT), "单位全称（可选）"),
        ]);
    } else {
        fields.extend([
            kind_field(&["整改方案", "整改方案-单位"]),
            opt(
                "类型",
                Ty::Choice(vec!["单位"]),
                "单位方案；文种写「整改方案」时必填",
            ),
            req("单位", Ty::Text(limits::UNIT), "单位全称"),
        ]);
    }
    fields.extend([
        req("日期", Ty::Date, "成文日期"),
        opt("总体要求", Ty::Paras, "整改的依据、原则和总体目标（可选）"),
        req(
            "整改事项",
            Ty::List(Box::new(item), limits::ITEMS),
            "整改事项，每项一个问题",
        ),
        opt("保障措施", Ty::Paras, "保证整改落实的措施（可选）"),
        req(
            "审批",
            obj(approval),
            if personal {
                "审批：支部内公示、支部党员大会通过"
            } else {
                "审批：本单位公示、上级党组织批准"
            },
        ),
        signature(),
    ]);
    fields.extend(frame());
    Object {
        fields,
        all_of: if personal {
            Vec::new()
        } else {
            vec![required_with_bare_kind("整改方案", "类型")]
        },
    }
}

const PHONE: &str = "^[0-9\\-—－ （）()、,，转]+$";

fn transfer() -> Vec<Field> {
    vec![
        kind_field(&["转段申请"]),
        req("单位", Ty::Text(limits::UNIT), "单位全称"),
        req(
            "阶段",
            Ty::Phase(vec![1, 2]),
            "结束的阶段：1（学习动员）或 2（分析评议）",
        ),
        opt(
            "主送",
            Ty::Text(limits::UNIT),
            "主送机关（请示只能主送一个机关）；不写为区委先教办",
        ),
        req("抄送", Ty::Text(limits::LINE), "抄送：本单位所属的督导组"),
        req("日期", Ty::Date, "成文日期"),
        req(
            "工作情况",
            Ty::List(Box::new(section(true)), limits::ITEMS),
            "本阶段的工作情况，每项一个小标题",
        ),
        req("主要成效", Ty::Paras, "主要成效"),
        req("存在不足", Ty::Paras, "存在的不足"),
        req("联系人", Ty::Text(limits::NAME), "联系人（附注）"),
        req(
            "联系电话",
            Ty::Pattern(limits::PHONE, PHONE, "数字、连字符和括号"),
            "联系电话（附注）",
        ),
        signature(),
    ]
}

/// The fields of a printed form (forms/).
fn form(kind: &'static str) -> Vec<Field> {
    use crate::forms::{ballot, notice, opinion};
    let unit = req("单位", Ty::Text(limits::UNIT), "单位全称");
    let title = opt(
        "标题",
        Ty::Text(limits::LINE),
        "标题；不写时按单位和文种生成",
    );
    let copies = |doc| req("份数", Ty::Count, doc);
    let serials = [
        opt(
            "编号前缀",
            Ty::Pattern(6, "^\\s*[A-Z0-9]{1,6}\\s*$", "1至6位大写字母或数字"),
            "编号前缀（可选）：1至6位大写字母或数字",
        ),
        opt("起始编号", Ty::Count, "起始编号（可选），默认 1"),
    ];
    let phone = |required: bool| {
        let f = if required { req } else { opt };
        f(
            "联系电话",
            Ty::Pattern(limits::PHONE, PHONE, "数字、连字符和括号"),
            "联系电话",
        )
    };
    let contact = opt("联系人", Ty::Text(limits::NAME), "联系人");
    let mut fields = vec![kind_field(&[kind]), unit];
    match kind {
        "评议表" => fields.extend([
            title,
            req(
                "被评议单位",
                Ty::List(Box::new(Ty::Text(limits::UNIT)), limits::ITEMS),
                "逐一评议的部门单位",
            ),
            opt(
                "代表",
                Ty::List(
                    Box::new(obj(vec![
                        req("姓名", Ty::Text(limits::NAME), "代表姓名"),
                        opt("类别", Ty::Choice(opinion::CATEGORIES.to_vec()), "代表类别"),
                        opt("工作单位", Ty::Text(limits::UNIT), "工作单位"),
                    ])),
                    2000,
                ),
                "代表名单，每名代表一份（与「份数」二选一）",
            ),
            opt("份数", Ty::Count, "空白评议表份数（与「代表」二选一）"),
            req("反馈截止", Ty::Date, "代表反馈意见的截止日期"),
            contact,
            phone(false),
        ]),
        "征求意见表" => fields.extend([
            title,
            opt("说明", Ty::Paras, "表头说明；不写时用默认说明"),
            opt(
                "征求内容",
                Ty::List(Box::new(Ty::Text(limits::HEADING)), 8),
                "征求意见的栏目",
            ),
            copies("印制份数"),
            req("反馈方式", Ty::Text(limits::LINE), "反馈方式，接在“请”之后"),
            opt("截止日期", Ty::Date, "截止日期"),
            contact,
            phone(false),
        ]),
        "民主测评票" => fields.extend([
            title,
            opt("日期", Ty::Date, "测评日期；不写则留空由测评人填写"),
            opt(
                "形式",
                Ty::Choice(ballot::FORMS.to_vec()),
                "一表多人（默认）或每人一票",
            ),
            req(
                "名单",
                Ty::Members,
                "被测评的在职党员：逐人列出，或花名册表格、阶段记录的路径",
            ),
            copies("一表多人：测评人数；每人一票：每名党员印几张"),
        ]),
        "满意度问卷" | "问卷测评表" => fields.extend([
            title,
            opt(
                "对象",
                Ty::Text(limits::LINE),
                "调查对象，默认本单位全体党员和群众代表",
            ),
            opt("日期", Ty::Date, "测评日期；不写则留空由填表人填写"),
            copies("印制份数，每名被调查者一份"),
        ]),
        "公示" => fields.extend([
            req(
                "公示内容",
                Ty::Choice(notice::SUBJECTS.to_vec()),
                "党性分析材料 或 整改方案",
            ),
            req(
                "类型",
                Ty::Choice(notice::WHOSE.to_vec()),
                "个人（公示名单中党员的材料）或 单位",
            ),
            opt("名单", Ty::Members, "类型为个人时：公示的党员名单"),
            req("公示范围", Ty::Text(limits::UNIT), "公示范围"),
            req("开始日期", Ty::Date, "公示开始日期"),
            req("结束日期", Ty::Date, "公示结束日期"),
            opt("公示地点", Ty::Text(limits::LINE), "公示地点"),
            req("反馈方式", Ty::Text(limits::LINE), "反馈方式，接在“请”之后"),
            req("联系人", Ty::Text(limits::NAME), "联系人"),
            phone(true),
            signature(),
            req("日期", Ty::Date, "成文日期"),
        ]),
        _ => fields.extend([
            req("日期", Ty::Date, "公开承诺的日期"),
            req(
                "党员",
                Ty::List(
                    Box::new(obj(vec![
                        opt("姓名", Ty::Text(limits::NAME), "姓名（不写整改方案时必填）"),
                        opt("职务", Ty::Text(limits::POST), "职务"),
                        opt(
                            "承诺",
                            Ty::List(Box::new(Ty::Text(limits::PARAGRAPH)), limits::ITEMS),
                            "承诺事项，每项一条",
                        ),
                        opt(
                            "整改方案",
                            Ty::Text(limits::LINE),
                            "本人整改方案文件的路径（承诺取自其整改事项的目标）",
                        ),
                    ])),
                    2000,
                ),
                "承诺的党员，每人一页",
            ),
        ]),
    }
    if matches!(kind, "评议表" | "民主测评票" | "满意度问卷" | "问卷测评表") {
        fields.extend(serials);
    }
    fields
}

fn summary() -> Object {
    let mut fields = vec![
        kind_field(&["阶段小结", "总结"]),
        req("单位", Ty::Text(limits::UNIT), "单位全称"),
        req(
            "阶段",
            Ty::Phase(vec![1, 2, 3]),
            "阶段：1、2、3 或 学习动员、分析评议、整改提高",
        ),
        opt("主送", Ty::Text(limits::UNIT), "主送机关（可选）"),
        req("日期", Ty::Date, "成文日期"),
        req(
            "主要工作",
            Ty::List(Box::new(section(true)), limits::ITEMS),
            "主要工作，每项一个小标题",
        ),
        req("主要成效", Ty::Paras, "主要成效"),
        req("存在问题", Ty::Paras, "存在的问题"),
        req("下步打算", Ty::Paras, "下步打算"),
        signature(),
    ];
    fields.extend(frame());
    Object {
        fields,
        all_of: vec![json!({
            "if": {"properties": {"文种": {"const": "总结"}}, "required": ["文种"]},
            "then": {"properties": {"阶段": phase_schema(&[3])}}
        })],
    }
}

fn roster() -> Object {
    Object {
        fields: vec![
            kind_field(&["花名册"]),
            req(
                "花名册",
                Ty::Text(260),
                "表格文件（CSV 或 XLSX），路径相对于本文件",
            ),
            opt("工作表", Ty::Text(60), "XLSX 的工作表名称（可选）"),
            opt(
                "共同字段",
                Ty::Shared,
                "每份文书共有的字段；不用「模板」时必填，且须含「文种」",
            ),
            req("列", Ty::Columns, "表格列名: 字段路径，如 姓名: 党员.姓名"),
            opt(
                "模板",
                Ty::Text(260),
                "单位自己的 Word 模板（.docx），每行填写一份（见 wenshu fill）",
            ),
            opt(
                "文件名",
                Ty::Text(200),
                "用「模板」时每份的文件名，可含 {{ 字段 }}，如 评议表-{{ 姓名 }}",
            ),
        ],
        all_of: vec![json!({
            "if": {"not": {"required": ["模板"]}},
            "then": {"required": ["共同字段"], "properties": {"共同字段": {"required": ["文种"]}}}
        })],
    }
}

/// A 阶段记录 of one phase (record/read.rs).
fn record(phase: u8) -> Object {
    let closes_with_request = phase < 3;
    let request = if closes_with_request { req } else { opt };
    let own_name = ["阶段记录-1", "阶段记录-2", "阶段记录-3"][usize::from(phase - 1)];
    let mut fields = vec![
        kind_field(&[crate::record::KIND, own_name]),
        opt("阶段", Ty::Phase(vec![phase]), "本记录的阶段；文种写「阶段记录」时必填"),
        req("单位", Ty::Text(limits::UNIT), "单位或党组织全称"),
        req("日期", Ty::Date, "小结（和转段申请）的成文日期"),
        opt("主送", Ty::Text(limits::UNIT), "主送机关（只能一个）；不写为区委先教办"),
        request("抄送", Ty::Text(limits::LINE), "抄送：本单位所属的督导组"),
        request("联系人", Ty::Text(limits::NAME), "联系人（转段申请的附注）"),
        request(
            "联系电话",
            Ty::Pattern(limits::PHONE, PHONE, "数字、连字符和括号"),
            "联系电话（转段申请的附注）",
        ),
        signature(),
        opt("补课期限", Ty::Date, "有规则未达标时补课的期限；不写为日期后15天"),
        opt(
            "开始日期",
            Ty::Date,
            "本阶段开始的日期；第二、三阶段写了「转段同意」或「上阶段记录」时可不写，按同意转段的日期（或上阶段记录的日期）计",
        ),
        req(
            "党员",
            Ty::List(Box::new(record_member(phase)), 10_000),
            "本单位全体党员，每人一项",
        ),
        opt("专栏", Ty::Count, "本阶段专栏出刊的期数"),
        opt("征求意见", Ty::Count, "征求意见建议的条数"),
        opt("谈心谈话", Ty::Count, "谈心谈话的人次"),
        req("主要成效", Ty::Paras, "主要成效"),
        req("存在不足", Ty::Paras, "存在的不足"),
        req("下步打算", Ty::Paras, "下步打算"),
        opt(
            "其他工作",
            Ty::List(Box::new(section(true)), limits::ITEMS),
            "本阶段的其他工作，写入小结和转段申请",
        ),
        opt(
            "例外",
            Ty::List(
                Box::new(obj(vec![
                    req(
                        "规则",
                        Ty::Choice(crate::record::rules::exceptable_ids(Phase(phase))),
                        "规则名称，见 wenshu check 核对表第一列（必须补课的规则不能例外）",
                    ),
                    req("理由", Ty::Text(limits::LINE), "未能达到的原因"),
                    req("批准", Ty::Text(limits::UNIT), "批准的机关"),
                    req("批准日期", Ty::Date, "批准日期，不晚于记录的日期"),
                ])),
                limits::ITEMS,
            ),
            "经上级批准的例外，每条规则一项",
        ),
    ];
    if phase > 1 {
        fields.push(opt(
            "转段同意",
            obj(vec![
                req("机关", Ty::Text(limits::UNIT), "同意转入本阶段的上级机关"),
                req("日期", Ty::Date, "同意的日期"),
            ]),
            "上级同意转入本阶段的机关和日期",
        ));
        fields.push(opt(
            "上阶段记录",
            Ty::Text(limits::LINE),
            "上一阶段的阶段记录文件（相对于本文件），其日期即转段申请之日，本阶段不早于此开始",
        ));
    }
    fields.extend(frame());
    fields.extend(match phase {
        1 => study(),
        2 => evaluation(),
        _ => rectification_facts(),
    });
    Object {
        fields,
        all_of: vec![required_with_bare_kind(crate::record::KIND, "阶段")],
    }
}

fn record_member(phase: u8) -> Ty {
    let mut fields = vec![
        req("姓名", Ty::Text(limits::NAME), "姓名（同名者加以区分）"),
        opt("支部", Ty::Text(limits::UNIT), "所在支部"),
        opt("离退休", Ty::YesNo, "离退休职工党员写 是"),
        opt("缺席", Ty::Text(limits::LINE), "未参加本阶段的原因"),
        opt(
            "不能书写",
            Ty::YesNo,
            "因病、年老等不能书写的写 是（不要求心得和书面材料）",
        ),
    ];
    fields.extend(match phase {
        1 => vec![opt("心得", Ty::Count, "撰写学习心得的篇数")],
        2 => vec![
            opt("党性分析", Ty::Choice(ANALYSIS_STATES.to_vec()), "党性分析材料的情况（不写按未撰写计）"),
            opt("重写", Ty::YesNo, "经重点帮助重写了党性分析材料的写 是"),
            opt(
                "测评",
                Ty::Tally(SATISFACTION),
                "民主评议测评票：各等次票数，如 {满意: 20, 基本满意: 3, 不满意: 0}，或每票一项的列表",
            ),
            opt("评定", Ty::Choice(VERDICTS.to_vec()), "支部的评定"),
            opt("处理意见", Ty::Text(limits::LINE), "不合格党员的组织处理意见"),
        ],
        _ => vec![
            opt("整改方案", Ty::Choice(PLAN_STATES.to_vec()), "个人整改方案的情况（不写按未制定计）"),
            opt("评定", Ty::Choice(VERDICTS.to_vec()), "分析评议阶段的评定"),
            opt("组织处理", Ty::Choice(HANDLINGS.to_vec()), "对不合格党员或不愿宣誓者的组织处理"),
        ],
    });
    obj(fields)
}

fn study() -> Vec<Field> {
    let activity = Ty::Obj(Object {
        fields: vec![
            opt("日期", Ty::Date, "日期"),
            opt("场次", Ty::Count, "场次"),
            opt("说明", Ty::Text(limits::LINE), "说明"),
            opt(
                "覆盖人数",
                Ty::Count,
                "覆盖的党员人数（与「未覆盖」二选一）",
            ),
            opt(
                "未覆盖",
                Ty::Names { may_be_empty: true },
                "未覆盖的党员姓名，全部覆盖写 []（与「覆盖人数」二选一）",
            ),
        ],
        all_of: vec![json!({"oneOf": [{"required": ["覆盖人数"]}, {"required": ["未覆盖"]}]})],
    });
    vec![
        opt(
            "学习",
            Ty::List(
                Box::new(obj(vec![
                    req("日期", Ty::Date, "学习日期"),
                    req("学时", Ty::Hours, "学时：大于0、不超过24，最多一位小数"),
                    opt("集中培训", Ty::YesNo, "是否集中培训日：是 | 否"),
                    opt("内容", Ty::Text(limits::LINE), "学习内容"),
                ])),
                10_000,
            ),
            "学习记录，每次一项",
        ),
        opt(
            "五个覆盖",
            obj(ACTIVITIES
                .iter()
                .map(|&a| opt(a, activity.clone(), "这项活动覆盖党员的情况"))
                .collect()),
            "五个覆盖：动员报告、领导党课、理论辅导、先进事迹报告、大讨论",
        ),
        opt(
            "两个具体",
            obj(vec![
                req("公布日期", Ty::Date, "两个具体的公布日期"),
                opt("讨论场次", Ty::Count, "讨论场次"),
            ]),
            "两个具体的公布情况",
        ),
        opt("布标", Ty::Count, "布标（横幅）数"),
    ]
}

fn survey(grades: &'static [&'static str]) -> Ty {
    Ty::Obj(Object {
        fields: vec![
            req("日期", Ty::Date, "测评日期"),
            opt("发放", Ty::Count, "发放的份数"),
            opt(
                "对象",
                obj(vec![
                    req("党员", Ty::Count, "发给党员的份数（满意度测评：全体党员每人一份）"),
                    req("群众代表", Ty::Count, "发给群众代表的份数"),
                ]),
                "测评对象：发给党员和群众代表各多少份（L59、L66）；不写则「测评对象」规则未达标",
            ),
            opt("计数", Ty::Counts(grades), "各等次的票数"),
            opt("选票", Ty::Ballots(grades), "每票一项的列表"),
            opt("文件", Ty::Text(limits::LINE), "CSV 文件（相对于本文件），须有「评价」列，每行一票"),
            opt(
                "回收",
                Ty::Returned { or_file: false },
                "按编号收回的问卷：表单（印制用的问卷文件）和文件（CSV，须有「编号」和「评价」列，每行一张）",
            ),
        ],
        all_of: vec![json!({"oneOf": [
            {"required": ["计数"]}, {"required": ["选票"]}, {"required": ["文件"]}, {"required": ["回收"]}
        ]})],
    })
}

fn evaluation() -> Vec<Field> {
    vec![
        opt(
            "万人评风",
            Ty::List(
                Box::new(obj(vec![
                    req("姓名", Ty::Text(limits::NAME), "代表姓名"),
                    req("征求人数", Ty::Count, "该代表征求意见的人数"),
                ])),
                10_000,
            ),
            "万人评风代表，每人一项",
        ),
        opt(
            "单位党性分析",
            obj(vec![
                opt("公示范围", Ty::Text(limits::UNIT), "公示范围"),
                opt("公示日期", Ty::Date, "公示日期"),
            ]),
            "单位党性分析材料的公示",
        ),
        opt(
            "离退休组织生活会",
            obj(vec![
                req("日期", Ty::Date, "日期"),
                req("参加人数", Ty::Count, "参加的离退休党员人数"),
            ]),
            "离退休党员专题组织生活会",
        ),
        opt(
            "专题民主生活会",
            obj(vec![req("日期", Ty::Date, "日期")]),
            "领导班子专题民主生活会",
        ),
        opt("满意度测评", survey(PHASE_SURVEY), "本阶段的满意度测评"),
        opt(
            "民主测评票",
            Ty::Returned { or_file: true },
            "民主测评票 CSV 文件（相对于本文件，须有「姓名」和「评价」列，每行一票），或按编号收回的测评票：表单（印制用的民主测评票文件）和文件（CSV，须有「编号」列）",
        ),
    ]
}

fn rectification_facts() -> Vec<Field> {
    vec![
        opt(
            "支部党员大会",
            Ty::List(
                Box::new(obj(vec![
                    req("支部", Ty::Text(limits::UNIT), "支部"),
                    req("公示日期", Ty::Date, "个人整改方案的公示日期"),
                    req("通过日期", Ty::Date, "支部党员大会通过的日期"),
                ])),
                10_000,
            ),
            "通过个人整改方案的支部党员大会，每个支部一项",
        ),
        opt(
            "单位整改方案",
            obj(vec![
                opt("公示范围", Ty::Text(limits::UNIT), "公示范围"),
                opt("公示日期", Ty::Date, "公示日期"),
                opt("批准机关", Ty::Text(limits::UNIT), "批准的上级党组织"),
                opt("批准日期", Ty::Date, "批准日期"),
                opt("向社会公开日期", Ty::Date, "向社会公开的日期"),
                opt("公开承诺", Ty::YesNo, "是否作出公开承诺"),
            ]),
            "单位整改方案的公示、批准和公开",
        ),
        req("部门", Ty::YesNo, "本单位是否为政府部门：是 | 否"),
        opt(
            "建章立制",
            Ty::List(Box::new(Ty::Text(limits::LINE)), 200),
            "本阶段建立或修订的制度，每项一条",
        ),
        opt(
            "承诺宣誓",
            obj(vec![
                req("日期", Ty::Date, "公开承诺和重温入党誓词的日期"),
                opt(
                    "未参加",
                    Ty::Names { may_be_empty: true },
                    "未参加的党员（须在党员名单中）",
                ),
            ]),
            "公开承诺和宣誓",
        ),
        opt("问卷测评", survey(SATISFACTION), "群众满意度问卷测评"),
        opt(
            "表彰",
            obj(vec![
                opt(
                    "优秀党员",
                    Ty::Names {
                        may_be_empty: false,
                    },
                    "受表彰的优秀党员（须在党员名单中）",
                ),
                opt(
                    "先进党组织",
                    Ty::List(Box::new(Ty::Text(limits::UNIT)), limits::ITEMS),
                    "受表彰的先进党组织",
                ),
            ]),
            "表彰",
        ),
    ]
}

// ---- JSON Schema ----

/// YAML values that read as 是 (and as 否); YAML 1.1 booleans included.
const YES: &[&str] = &["是", "true", "True", "yes"];
const NO: &[&str] = &["否", "false", "False", "no"];

/// The start of a starter's placeholder, refused anywhere in a value.
const PLACEHOLDER: &str = "【请填写";

/// Every scalar is text to wenshu: `12`, `2.5` and `true` are read as typed.
fn scalar_types() -> Value {
    json!(["string", "number", "boolean"])
}

/// A text that still holds a placeholder; `not` of it refuses the text.
fn not_placeholder() -> Value {
    json!({"type": "string", "pattern": PLACEHOLDER})
}

fn object_schema(o: &Object) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in &o.fields {
        let mut s = type_schema(&f.ty);
        let desc = if f.required {
            required.push(f.key);
            format!("{}（必填）", f.doc)
        } else {
            s = nullable(s);
            format!("{}（可选）", f.doc)
        };
        s["description"] = json!(desc);
        props.insert(f.key.into(), s);
    }
    let mut v = json!({
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false,
    });
    if !o.all_of.is_empty() {
        v["allOf"] = json!(o.all_of);
    }
    v
}

/// An optional field may be written empty (`键:`), which reads as absent.
fn nullable(mut s: Value) -> Value {
    let m = s.as_object_mut().expect("an object schema");
    if let Some(any) = m.get_mut("anyOf").and_then(Value::as_array_mut) {
        any.push(json!({"type": "null"}));
    } else if let Some(values) = m.get_mut("enum").and_then(Value::as_array_mut) {
        values.push(Value::Null);
    } else if let Some(t) = m.get_mut("type") {
        let mut types = match t.take() {
            Value::Array(a) => a,
            one => vec![one],
        };
        types.push(json!("null"));
        *t = Value::Array(types);
    }
    s
}

fn text_schema(max: usize) -> Value {
    json!({
        "type": scalar_types(),
        "minLength": 1,
        "maxLength": max,
        "not": not_placeholder(),
    })
}

fn phase_schema(phases: &[u8]) -> Value {
    let mut values = Vec::new();
    for &p in phases {
        let numeral = ["一", "二", "三"][usize::from(p - 1)];
        values.extend([
            json!(p),
            json!(p.to_string()),
            json!(numeral),
            json!(Phase(p).name()),
        ]);
    }
    json!({ "enum": values })
}

fn counts_schema(grades: &[&str]) -> Value {
    let props: Map<String, Value> = grades
        .iter()
        .map(|g| (g.to_string(), nullable(type_schema(&Ty::Count))))
        .collect();
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

fn ballots_schema(grades: &[&str]) -> Value {
    json!({"type": "array", "items": {"enum": grades}})
}

fn type_schema(ty: &Ty) -> Value {
    match ty {
        Ty::Text(max) => text_schema(*max),
        Ty::Pattern(max, pattern, said) => {
            let mut s = text_schema(*max);
            s["pattern"] = json!(pattern);
            s["$comment"] = json!(said);
            s
        }
        Ty::Paras => json!({
            "anyOf": [
                {"type": scalar_types(), "minLength": 1, "not": not_placeholder()},
                {"type": "array", "minItems": 1,
                 "items": {"type": scalar_types(), "minLength": 1, "not": not_placeholder()}},
            ],
            "$comment": "一段或多段文字（段间空一行），或每项一段的列表",
        }),
        Ty::Date => json!({
            "type": "string",
            "pattern": "^\\s*([0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9〇零○ＯO一二三四五六七八九]{4}年[0-9〇零○ＯO一二三四五六七八九十]{1,3}月[0-9〇零○ＯO一二三四五六七八九十]{1,3}日)\\s*$",
            "examples": ["2026-03-20", "2026年3月20日", "二〇二六年三月二十日"],
        }),
        Ty::YesNo => {
            let mut values: Vec<Value> = YES.iter().chain(NO).map(|v| json!(v)).collect();
            values.extend([json!(true), json!(false)]);
            json!({ "enum": values })
        }
        Ty::Choice(values) => json!({ "enum": values }),
        Ty::Phase(phases) => phase_schema(phases),
        Ty::Count => json!({
            "type": ["integer", "string"],
            "minimum": 0,
            "maximum": MAX_BALLOTS,
            "pattern": "^\\s*[0-9]+\\s*$",
        }),
        Ty::Hours => json!({
            "type": ["number", "string"],
            "exclusiveMinimum": 0,
            "maximum": 24,
            "pattern": "^\\s*[0-9]{1,2}(\\.[0-9])?\\s*$",
        }),
        Ty::Lines => json!({
            "anyOf": [
                text_schema(limits::PARAGRAPH),
                {"type": "array", "minItems": 1, "maxItems": limits::ITEMS,
                 "items": text_schema(limits::PARAGRAPH)},
            ],
        }),
        Ty::Names { may_be_empty } => json!({
            "type": "array",
            "minItems": if *may_be_empty { 0 } else { 1 },
            "uniqueItems": true,
            "items": text_schema(limits::NAME),
        }),
        Ty::List(item, max) => json!({
            "type": "array",
            "minItems": 1,
            "maxItems": max,
            "items": type_schema(item),
        }),
        Ty::Obj(o) => object_schema(o),
        Ty::Counts(grades) => counts_schema(grades),
        Ty::Ballots(grades) => ballots_schema(grades),
        Ty::Tally(grades) => json!({"anyOf": [counts_schema(grades), ballots_schema(grades)]}),
        Ty::Members => {
            let member = object_schema(&Object {
                fields: vec![
                    req("姓名", Ty::Text(limits::NAME), "姓名"),
                    opt("职务", Ty::Text(limits::POST), "职务"),
                    opt("所在支部", Ty::Text(limits::UNIT), "所在支部"),
                ],
                all_of: Vec::new(),
            });
            json!({"anyOf": [
                text_schema(limits::LINE),
                {"type": "array", "minItems": 1, "items": {"anyOf": [text_schema(limits::NAME), member]}},
            ]})
        }
        Ty::Returned { or_file } => {
            let returned = object_schema(&Object {
                fields: vec![
                    req(
                        "表单",
                        Ty::Text(limits::LINE),
                        "印制时用的表单文件（相对于本文件）",
                    ),
                    req(
                        "文件",
                        Ty::Text(limits::LINE),
                        "收回的票逐张录入的 CSV 文件（相对于本文件），须有「编号」列",
                    ),
                ],
                all_of: Vec::new(),
            });
            if *or_file {
                json!({"anyOf": [text_schema(limits::LINE), returned]})
            } else {
                returned
            }
        }
        Ty::Ignored => json!({}),
        Ty::Shared => json!({"type": "object"}),
        Ty::Columns => json!({"type": "object", "additionalProperties": text_schema(100)}),
    }
}

#[cfg(test)]
mod tests {
    //! The tables against the decoders: every key a table lists is known to
    //! its decoder, every key the decoder knows is listed (or refused by the
    //! decoder with an error), and every enum value of a table is accepted.

    use std::collections::BTreeSet;

    use super::*;
    use crate::diag::{Code, Diagnostic};
    use crate::input::{self, Node, Source, Value as Yaml, YamlDoc};

    /// A key far from every real key, so that the decoder suggests none and
    /// lists the keys it knows instead.
    const PROBE: &str = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

    /// A valid document of each kind, and of each variant the decoders tell
    /// apart (a leading cadre, 总结, a letterhead, attachments).
    const BASES: &[(&str, &str)] = &[
        ("两个具体", "fixtures/两个具体.yaml"),
        ("党性分析材料-个人", "fixtures/党性分析材料-个人.yaml"),
        ("党性分析材料-个人", "fixtures/党性分析材料-领导干部.yaml"),
        ("党性分析材料-单位", "fixtures/党性分析材料-单位.yaml"),
        ("整改方案-个人", "fixtures/整改方案-个人.yaml"),
        ("整改方案-单位", "fixtures/整改方案-单位.yaml"),
        ("转段申请", "fixtures/转段申请-1.yaml"),
        ("转段申请", "fixtures/转段申请-2.yaml"),
        ("阶段小结", "fixtures/阶段小结-1.yaml"),
        ("阶段小结", "fixtures/阶段小结-2.yaml"),
        ("阶段小结", "fixtures/总结-3.yaml"),
        ("阶段记录-1", "fixtures/阶段记录-1.yaml"),
        ("阶段记录-2", "fixtures/阶段记录-2.yaml"),
        ("阶段记录-3", "fixtures/阶段记录-3.yaml"),
        ("阶段记录-1", "fixtures/refused/阶段记录-1-学时不足.yaml"),
        (
            "阶段记录-2",
            "fixtures/refused/阶段记录-2-满意度测评补课.yaml",
        ),
        ("阶段记录-3", "fixtures/refused/阶段记录-3-问卷不满意.yaml"),
        ("评议表", "fixtures/forms/评议表.yaml"),
        ("征求意见表", "fixtures/forms/征求意见表.yaml"),
        ("民主测评票", "fixtures/forms/民主测评票.yaml"),
        ("民主测评票", "fixtures/forms/民主测评票-每人一票.yaml"),
        ("满意度问卷", "fixtures/forms/满意度问卷.yaml"),
        ("问卷测评表", "fixtures/forms/问卷测评表.yaml"),
        ("公示", "fixtures/forms/公示-党性分析材料.yaml"),
        ("公示", "fixtures/forms/公示-整改方案-单位.yaml"),
        ("承诺书", "fixtures/forms/承诺书.yaml"),
    ];

    /// One step into a YAML tree: a key, or the first item of a list.
    #[derive(Clone, Debug)]
    enum Step {
        Key(String),
        First,
    }

    fn field_path(steps: &[Step]) -> String {
        let mut s = String::new();
        for step in steps {
            match step {
                Step::Key(k) => s = crate::input::typed::join(&s, k),
                Step::First => s.push_str("[1]"),
            }
        }
        s
    }

    fn node_at<'a>(node: &'a mut Node, steps: &[Step]) -> &'a mut Node {
        let Some((first, rest)) = steps.split_first() else {
            return node;
        };
        let next = match (first, &mut node.value) {
            (Step::Key(k), Yaml::Map(entries)) => entries
                .iter_mut()
                .find(|(key, _)| key.value == Yaml::Str(k.clone()))
                .map(|(_, v)| v)
                .expect("the step's key"),
            (Step::First, Yaml::Seq(items)) => &mut items[0],
            _ => panic!("no {first:?} here"),
        };
        node_at(next, rest)
    }

    struct Base {
        src: Source,
        docs: Vec<YamlDoc>,
    }

    impl Base {
        fn load(rel: &str) -> Base {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
            let src = input::read_source(&path).expect("a fixture");
            let docs = input::parse_yaml(&src).expect("a fixture parses");
            assert_eq!(docs.len(), 1, "{rel}: one document");
            let base = Base { src, docs };
            assert!(base.decode(|_| {}).is_empty(), "{rel}: a valid base");
            base
        }

        /// The input errors after `edit` changed the document.
        fn decode(&self, edit: impl FnOnce(&mut Node)) -> Vec<Diagnostic> {
            let mut docs: Vec<YamlDoc> = self
                .docs
                .iter()
                .map(|d| YamlDoc {
                    root: d.root.clone(),
                    index: d.index,
                })
                .collect();
            edit(&mut docs[0].root);
            match crate::kinds::decode_file(&self.src, &docs, &crate::record::District::default()) {
                Ok(_) => Vec::new(),
                Err(errors) => errors,
            }
        }

        /// The errors with `key: value` added to the mapping at `steps`.
        fn with_key(&self, steps: &[Step], key: &str, value: &str) -> Vec<Diagnostic> {
            self.decode(|root| {
                let map = node_at(root, steps);
                let pos = map.pos;
                let Yaml::Map(entries) = &mut map.value else {
                    panic!("a mapping at {}", field_path(steps));
                };
                let scalar = |s: &str| Node {
                    pos,
                    value: Yaml::Str(s.to_string()),
                };
                entries.push((scalar(key), scalar(value)));
            })
        }

        /// The errors with the scalar at `steps` replaced by `value`.
        fn with_value(&self, steps: &[Step], value: &str) -> Vec<Diagnostic> {
            self.decode(|root| node_at(root, steps).value = Yaml::Str(value.to_string()))
        }

        fn has(&self, steps: &[Step]) -> Option<&Node> {
            let mut node = &self.docs[0].root;
            for step in steps {
                node = match (step, &node.value) {
                    (Step::Key(k), Yaml::Map(entries)) => {
                        &entries
                            .iter()
                            .find(|(key, _)| key.value == Yaml::Str(k.clone()))?
                            .1
                    }
                    (Step::First, Yaml::Seq(items)) => items.first()?,
                    _ => return None,
                };
            }
            Some(node)
        }
    }

    /// The keys the decoder knows in the mapping at `steps`, from its
    /// message about an unknown key.
    fn known_keys(base: &Base, steps: &[Step]) -> BTreeSet<String> {
        let field = crate::input::typed::join(&field_path(steps), PROBE);
        let errors = base.with_key(steps, PROBE, "1");
        let d = errors
            .iter()
            .find(|d| d.code == Code::UnknownField && d.field.as_deref() == Some(&field))
            .unwrap_or_else(|| panic!("{field}: the probe was not reported: {errors:?}"));
        let list = d
            .message
            .split_once("此处可用的字段：")
            .unwrap_or_else(|| panic!("{field}: no list of known keys: {}", d.message))
            .1;
        list.split('、').map(|k| k.trim().to_string()).collect()
    }

    /// Checks the mapping at `steps` against `object`, then every nested
    /// mapping the base document has.
    fn walk(base: &Base, rel: &str, steps: &mut Vec<Step>, object: &Object, seen: &mut usize) {
        *seen += 1;
        let at = format!("{rel}: {}", field_path(steps));
        let known = known_keys(base, steps);
        let listed: BTreeSet<String> = object.fields.iter().map(|f| f.key.to_string()).collect();
        let unknown: Vec<&String> = listed.difference(&known).collect();
        assert!(
            unknown.is_empty(),
            "{at}: the schema lists keys the decoder does not know: {unknown:?}"
        );
        for key in known.difference(&listed) {
            // A key the decoder knows but refuses (another phase's) is
            // rightly absent from the schema: the decoder must say so.
            let mut at_key = steps.clone();
            at_key.push(Step::Key(key.clone()));
            assert!(
                base.has(&at_key).is_none(),
                "{at}: the base has「{key}」, which the schema lacks"
            );
            let field = crate::input::typed::join(&field_path(steps), key);
            let errors = base.with_key(steps, key, "1");
            assert!(
                errors.iter().any(|d| d.field.as_deref() == Some(&field)),
                "{at}: the decoder accepts「{key}」, which the schema lacks"
            );
        }
        for f in &object.fields {
            steps.push(Step::Key(f.key.to_string()));
            check_values(base, &at, steps, &f.ty);
            match &f.ty {
                Ty::Obj(inner)
                    if matches!(
                        base.has(steps),
                        Some(Node {
                            value: Yaml::Map(_),
                            ..
                        })
                    ) =>
                {
                    walk(base, rel, steps, inner, seen)
                }
                Ty::List(item, _) => {
                    if let Ty::Obj(inner) = item.as_ref() {
                        steps.push(Step::First);
                        if matches!(
                            base.has(steps),
                            Some(Node {
                                value: Yaml::Map(_),
                                ..
                            })
                        ) {
                            walk(base, rel, steps, inner, seen);
                        }
                        steps.pop();
                    }
                }
                _ => {}
            }
            steps.pop();
        }
    }

    /// Every enum value of a field the base has is accepted where it stands.
    fn check_values(base: &Base, at: &str, steps: &[Step], ty: &Ty) {
        if !matches!(
            base.has(steps),
            Some(Node {
                value: Yaml::Str(_),
                ..
            })
        ) {
            return;
        }
        // 总结's 阶段 is narrowed to 3 by the table's `allOf` rule.
        let summary = base
            .has(&[Step::Key("文种".into())])
            .is_some_and(|n| n.value == Yaml::Str("总结".into()));
        if summary && matches!(ty, Ty::Phase(_)) {
            return;
        }
        if !matches!(ty, Ty::Choice(_) | Ty::YesNo | Ty::Phase(_)) {
            return;
        }
        let field = field_path(steps);
        for v in type_schema(ty)["enum"].as_array().expect("an enum") {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let errors = base.with_value(steps, &text);
            let wrong: Vec<&Diagnostic> = errors
                .iter()
                .filter(|d| d.field.as_deref() == Some(field.as_str()))
                .collect();
            assert!(
                wrong.is_empty(),
                "{at}: {field}: the schema's「{text}」is refused: {wrong:?}"
            );
        }
    }

    #[test]
    fn every_key_and_enum_of_the_tables_matches_its_decoder() {
        let mut seen = 0;
        for (kind, rel) in BASES {
            let base = Base::load(rel);
            walk(
                &base,
                rel,
                &mut Vec::new(),
                &root_object(kind).unwrap(),
                &mut seen,
            );
        }
        // Mappings checked, nested ones included: a base that stopped
        // reaching its nested mappings would show here.
        assert!(seen > 60, "only {seen} mappings checked");
    }

    /// The roster is read from its file (its table lies beside it): the
    /// probe goes into a copy of the example roster.
    #[test]
    fn the_roster_table_matches_the_roster_reader() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/batch");
        let dir = std::env::temp_dir().join(format!("wenshu-schema-roster-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["花名册-整改方案.yaml", "第一党支部党员名单.csv"] {
            std::fs::copy(root.join(f), dir.join(f)).unwrap();
        }
        let yaml = dir.join("花名册-整改方案.yaml");
        let text = std::fs::read_to_string(&yaml).unwrap();
        std::fs::write(&yaml, format!("{text}{PROBE}: 1\n")).unwrap();
        let errors = crate::roster::read(&yaml)
            .err()
            .expect("the probe is refused");
        let _ = std::fs::remove_dir_all(&dir);
        let d = errors
            .iter()
            .find(|d| d.code == Code::UnknownField)
            .unwrap_or_else(|| panic!("{errors:?}"));
        let known: BTreeSet<String> = d
            .message
            .split_once("此处可用的字段：")
            .expect("a list of known keys")
            .1
            .split('、')
            .map(|k| k.trim().to_string())
            .collect();
        let listed: BTreeSet<String> = root_object("花名册")
            .unwrap()
            .fields
            .iter()
            .map(|f| f.key.to_string())
            .collect();
        assert_eq!(known, listed);
    }

    #[test]
    fn every_kind_of_wenshu_kinds_has_a_schema() {
        for k in crate::kinds::KINDS {
            let s = schema(k.name).unwrap_or_else(|| panic!("{}", k.name));
            assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert_eq!(s["additionalProperties"], false);
        }
        assert_eq!(canonical("总结"), Some("阶段小结"));
        assert!(schema("党性分析").is_none());
    }

    #[test]
    fn fields_carry_chinese_descriptions_and_required_lists() {
        let s = schema("整改方案-单位").unwrap();
        assert!(s["properties"]["整改事项"]["description"]
            .as_str()
            .unwrap()
            .contains("必填"));
        let required: Vec<&str> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(required.contains(&"审批") && !required.contains(&"落款"));
        let item = &s["properties"]["整改事项"]["items"];
        assert_eq!(item["properties"]["类别"]["enum"], json!(CATEGORIES));
    }
}
