#!/usr/bin/env bash
# The README's example command: renders every shipped fixture into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked
# The release build, in $CARGO_TARGET_DIR when that is set.
wenshu="${CARGO_TARGET_DIR:-target}/release/wenshu"
mkdir -p out
"$wenshu" render fixtures/*.yaml -o out
"$wenshu" batch fixtures/batch/花名册-整改方案.yaml -o out/批量 --merge out/批量/合订本.pdf
echo "示例已生成到 out/ 目录（批量示例和合订本在 out/批量/）。"
