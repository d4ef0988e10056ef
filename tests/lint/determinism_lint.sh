#!/usr/bin/env bash
# Fails if sim/ or models/ (except sim/cli, the application that owns the seed thread pool) use a
# wall clock, unseeded randomness, threads, getenv, or unordered containers (whose iteration
# order could reach output or scheduling).
set -u
root=${1:-.}
cd "$root" || exit 2
pattern='std::chrono::(system|steady|high_resolution)_clock|std::random_device|\brand\(|\bsrand\(|\btime\((NULL|nullptr|0)\)|gettimeofday|clock_gettime|std::thread|std::jthread|std::async|pthread_create|getenv|unordered_(map|set|multimap|multiset)'
hits=$(grep -rnE "$pattern" sim models --include='*.h' --include='*.cc' | grep -v '^sim/cli/')
if [ -n "$hits" ]; then
  echo "determinism lint: banned names inside sim/ or models/:"
  echo "$hits"
  exit 1
fi
echo "determinism lint: clean ($(find sim models -name '*.cc' -o -name '*.h' | wc -l) files)"
