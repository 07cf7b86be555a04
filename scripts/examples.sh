#!/usr/bin/env bash
# The README's example command: renders every shipped fixture into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked
mkdir -p out
./target/release/wenshu render fixtures/*.yaml -o out
./target/release/wenshu batch fixtures/batch/花名册-整改方案.yaml -o out/批量 --merge out/批量/合订本.pdf
echo "示例已生成到 out/ 目录（批量示例和合订本在 out/批量/）。"
