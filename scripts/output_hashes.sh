#!/usr/bin/env bash
# Prints the SHA-256 of every file wenshu writes for the shipped fixtures
# (every paper as DOCX and PDF, and the roster batch with its merged file),
# so a refactoring can prove that no output byte changed:
#   bash scripts/output_hashes.sh > before.txt   # on the old commit
#   bash scripts/output_hashes.sh | diff before.txt -   # on the new one
# Uses the debug build unless WENSHU is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${WENSHU:-}
if [[ -z $bin ]]; then
  cargo build --quiet --locked
  bin=./target/debug/wenshu
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" render fixtures/*.yaml -o "$out/papers" >/dev/null
# Refused records still write their 补课清单.
for f in fixtures/refused/*.yaml; do
  "$bin" render "$f" -o "$out/refused" >/dev/null 2>&1 || true
done
"$bin" batch fixtures/batch/花名册-整改方案.yaml -o "$out/batch" --merge "$out/merged.pdf" >/dev/null 2>&1
# The manifests and the records of what wenshu wrote (.wenshu-written) are
# bookkeeping about the outputs, not outputs.
(cd "$out" && find . -type f ! -name 'manifest.*' ! -name '.wenshu-written' -print0 | sort -z | xargs -0 sha256sum)
