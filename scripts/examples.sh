#!/usr/bin/env bash
# The README's example command: renders every shipped fixture into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked
mkdir -p out
./target/release/wenshu render fixtures/*.yaml -o out
echo "示例已生成到 out/ 目录。"
