//! Starter YAML for `wenshu new`: every field with a Chinese explanation.

/// The starter for a kind name as listed by `wenshu kinds`, or a short
/// name of [`listed_name`].
pub fn starter(kind: &str) -> Option<&'static str> {
    let name = listed_name(kind);
    STARTERS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The name `wenshu kinds` lists for a name a user may type: a bare
/// `党性分析材料` or `整改方案` means the personal variant, `总结` the
/// 阶段小结, a bare `阶段记录` the first phase's record. `wenshu schema`
/// takes the same names.
pub fn listed_name(kind: &str) -> &str {
    match kind {
        "党性分析材料" => "党性分析材料-个人",
        "整改方案" => "整改方案-个人",
        "总结" => "阶段小结",
        "阶段记录" => "阶段记录-1",
        k => k,
    }
}

pub const STARTERS: &[(&str, &str)] = &[
    ("两个具体", include_str!("../templates/new/两个具体.yaml")),
    (
        "党性分析材料-个人",
        include_str!("../templates/new/党性分析材料-个人.yaml"),
    ),
    (
        "党性分析材料-单位",
        include_str!("../templates/new/党性分析材料-单位.yaml"),
    ),
    (
        "整改方案-个人",
        include_str!("../templates/new/整改方案-个人.yaml"),
    ),
    (
        "整改方案-单位",
        include_str!("../templates/new/整改方案-单位.yaml"),
    ),
    ("转段申请", include_str!("../templates/new/转段申请.yaml")),
    ("阶段小结", include_str!("../templates/new/阶段小结.yaml")),
    (
        "阶段记录-1",
        include_str!("../templates/new/阶段记录-1.yaml"),
    ),
    (
        "阶段记录-2",
        include_str!("../templates/new/阶段记录-2.yaml"),
    ),
    (
        "阶段记录-3",
        include_str!("../templates/new/阶段记录-3.yaml"),
    ),
    ("花名册", include_str!("../templates/new/花名册.yaml")),
    ("评议表", include_str!("../templates/new/评议表.yaml")),
    (
        "征求意见表",
        include_str!("../templates/new/征求意见表.yaml"),
    ),
    (
        "民主测评票",
        include_str!("../templates/new/民主测评票.yaml"),
    ),
    (
        "满意度问卷",
        include_str!("../templates/new/满意度问卷.yaml"),
    ),
    (
        "问卷测评表",
        include_str!("../templates/new/问卷测评表.yaml"),
    ),
    ("公示", include_str!("../templates/new/公示.yaml")),
    ("承诺书", include_str!("../templates/new/承诺书.yaml")),
];
