#!/usr/bin/env bash
# Build the book strictly into OUT, executing only the notebooks whose code changed since the
# repository's execution cache (_build/.jupyter_cache, filled by `make test` or `make book`):
# for authors checking a chapter's glue, labels and citations, with every other chapter's
# labels, equations and cross-document glue available, without executing the whole book.
#   scripts/build_one.sh chapters/02_the_recurrent_cell.ipynb /tmp/jb02
# Without a cache every notebook is executed (as slow as `make book`). The chapter named is the
# page whose path is printed at the end; it is executed when its code changed since the cache.
set -euo pipefail
chapter=${1:?chapter path}; out=${2:?output folder}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"; mkdir -p "$out"
# the book's sources as git sees them: tracked files and new files not ignored
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$out")
if [ -d "$root/_build/.jupyter_cache" ]; then
  mkdir -p "$out/_build"; cp -r "$root/_build/.jupyter_cache" "$out/_build/"
else
  echo "no execution cache in $root/_build: every notebook will be executed" >&2
fi
name=$(basename "$chapter"); name=${name%.*}
cd "$out"
status=0
jupyter-book build . -W -n --keep-going > build.log 2>&1 || status=$?
grep -vE "MdParserConfig|NbParserConfig|IPKernelApp" build.log \
  | grep -iE "warning|error|finished|succeeded|executing" || true
echo "HTML: $out/_build/html/chapters/$name.html (log: $out/build.log)"
exit "$status"
