#!/usr/bin/env bash
# Installs what wenshu's examples and tests need, only where it is missing:
# the Rust toolchain must already be there (rustup); this adds LibreOffice
# (headless), poppler-utils, qpdf, free CJK fonts with fontconfig aliases for
# the mandated face names, and the Python readers used by the tests.
# Safe to run again: a complete machine is left untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v soffice   >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v qpdf      >/dev/null 2>&1 || need_apt+=(qpdf)
command -v zbarimg   >/dev/null 2>&1 || need_apt+=(zbar-tools)
command -v fc-list   >/dev/null 2>&1 || need_apt+=(fontconfig)
have_font() { command -v fc-list >/dev/null 2>&1 && fc-list ":family=$1" | grep -q .; }
have_font "Noto Serif CJK SC" || need_apt+=(fonts-noto-cjk)
have_font "AR PL UKai CN"     || need_apt+=(fonts-arphic-ukai)
# Times New Roman metrics for Latin text and digits (LibreOffice would fall
# back to the wider DejaVu Serif and break lines elsewhere than Word).
have_font "Liberation Serif"  || need_apt+=(fonts-liberation2)

# FandolFang is the only free FangSong (仿宋) face; Debian ships the Fandol
# faces inside texlive-lang-chinese (271 MB with its TeX dependencies). Take
# just the fonts out of the package instead of installing TeX.
fandol=/usr/local/share/fonts/wenshu-fandol
if ! have_font "FandolFang"; then
  command -v dpkg-deb >/dev/null || need_apt+=(dpkg)
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download texlive-lang-chinese >/dev/null 2>&1 || { apt-get update -qq && apt-get download texlive-lang-chinese >/dev/null; }; })
  mkdir -p "$fandol"
  dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb \
    | tar -x -C "$tmp" --wildcards './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol*.otf'
  install -m 644 "$tmp"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol*.otf "$fandol"/
  rm -rf "$tmp"
  fc-cache -f >/dev/null 2>&1 || true
fi

if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Map 仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312 … to the free faces.
conf=/etc/fonts/conf.d/60-wenshu.conf
if ! cmp -s fontconfig/wenshu-fonts.conf "$conf" 2>/dev/null; then
  install -m 644 fontconfig/wenshu-fonts.conf "$conf"
  fc-cache -f >/dev/null
fi

need_pip=()
python3 -c 'import docx' 2>/dev/null || need_pip+=(python-docx)
python3 -c 'import pdfplumber' 2>/dev/null || need_pip+=(pdfplumber)
python3 -c 'import openpyxl' 2>/dev/null || need_pip+=(openpyxl)
# The segmenter the title test checks line ends against (tests/support/check_titles_tables.py).
python3 -c 'import jieba' 2>/dev/null || need_pip+=(jieba)
command -v openxml-audit >/dev/null 2>&1 || need_pip+=(openxml-audit)
# The JSON Schemas of `wenshu schema` are checked by a real validator.
command -v check-jsonschema >/dev/null 2>&1 || need_pip+=(check-jsonschema)
if ((${#need_pip[@]})); then
  echo "setup: installing ${need_pip[*]}"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${need_pip[@]}"
fi
echo "setup: ok"
