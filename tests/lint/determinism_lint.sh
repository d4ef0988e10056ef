#!/usr/bin/env bash
# Fails if sim/ or models/ (except sim/cli, the application that owns the seed thread pool) use a
# wall clock, unseeded randomness, threads, getenv, or unordered containers (whose iteration
# order could reach output or scheduling), or keep mutable static or thread_local variables
# (state that outlives a run, or that runs on --jobs threads would share).
set -u
root=${1:-.}
cd "$root" || exit 2
pattern='std::chrono::(system|steady|high_resolution)_clock|std::random_device|\brand\(|\bsrand\(|\btime\((NULL|nullptr|0)\)|gettimeofday|clock_gettime|std::thread|std::jthread|std::async|pthread_create|getenv|unordered_(map|set|multimap|multiset)'
# A static variable: `static` then a type and a name, then `=`, `;` or `{`, with no `(` before it
# (which would make it a function); const and constexpr ones hold no state. A line that says
# `determinism-lint: allowed` is let through (with a comment above it saying why).
mutable_static='^\s*(static|thread_local)\s+(?!const\b|constexpr\b)[^()]*\s\w+\s*(=|;|\{)|\bthread_local\b'
hits=$( (grep -rnE "$pattern" sim models --include='*.h' --include='*.cc'
         grep -rnP "$mutable_static" sim models --include='*.h' --include='*.cc') | grep -v '^sim/cli/' | grep -v 'determinism-lint: allowed')
if [ -n "$hits" ]; then
  echo "determinism lint: banned names inside sim/ or models/:"
  echo "$hits"
  exit 1
fi
echo "determinism lint: clean ($(find sim models -name '*.cc' -o -name '*.h' | wc -l) files)"
