#!/usr/bin/env bash
# Fails if a C++ file under sim/, models/ or tests/ is not as clang-format (the root
# .clang-format: Google base, 100 columns, include blocks) would write it. scripts/test installs
# clang-format (Debian 12's, version 14: other versions lay out a few constructs differently, so
# format with that one); the fix is `clang-format -i FILE`.
set -u
root=${1:-.}
cd "$root" || exit 2
command -v clang-format >/dev/null || { echo "format lint: clang-format is not installed (scripts/setup clang-format)"; exit 1; }
files=$(find sim models tests -name '*.cc' -o -name '*.h' | sort)
if ! clang-format --dry-run --Werror $files; then
  echo "format lint: the files above differ from clang-format's layout (run clang-format -i on them)"
  exit 1
fi
echo "format lint: clean ($(echo "$files" | wc -l) files)"
