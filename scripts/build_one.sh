#!/usr/bin/env bash
# Build a one-chapter book (the preface, one chapter, the bibliography) into OUT, strictly,
# with the chapter executed afresh. For authors checking glue, labels and citations without
# executing the whole book:   scripts/build_one.sh chapters/02_the_recurrent_cell.ipynb /tmp/jb02
set -euo pipefail
chapter=${1:?chapter path}; out=${2:?output folder}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out/chapters"
cp "$root/_config.yml" "$root/references.bib" "$out/"
cp "$root/chapters/intro.md" "$root/chapters/bibliography.md" "$root/$chapter" "$out/chapters/"
cp -r "$root/chapters/images" "$out/chapters/" 2>/dev/null || true
cp -r "$root/rnnbook" "$out/"  # chapters {literalinclude} the library's source
cp -r "$root/_ext" "$out/"  # the local Sphinx extension _config.yml loads
name=$(basename "$chapter"); name=${name%.*}
cat > "$out/_toc.yml" <<TOC
format: jb-book
root: chapters/intro
chapters:
  - file: chapters/$name
  - file: chapters/bibliography
TOC
cd "$out"
status=0
jupyter-book build . -W -n --keep-going > build.log 2>&1 || status=$?
grep -vE "MdParserConfig|NbParserConfig|IPKernelApp" build.log | grep -iE "warning|error|finished|succeeded" || true
echo "HTML: $out/_build/html/chapters/$name.html (log: $out/build.log)"
exit "$status"
