#!/usr/bin/env bash
# A longer run of one fuzz target, keeping what it finds (docs/reliability.md):
#   tests/fuzz/fuzz-long.sh <target> <seconds> [libFuzzer flags…]
# e.g. tests/fuzz/fuzz-long.sh fuzz_event 600. Needs build-fuzz/ (tests/fuzz/fuzz.sh
# builds it). New inputs accumulate in build-fuzz/fuzz-long/<target>/, so the
# next run starts where this one stopped; a crash is saved in
# build-fuzz/fuzz-artifacts/<target>-crash-… and ends the run (exit non-zero).
set -euo pipefail
cd "$(dirname "$0")/../../build-fuzz"
target=$1 seconds=$2
shift 2
mkdir -p "fuzz-long/$target" fuzz-artifacts
exec "tests/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
  -dict="fuzz-corpus/$target.dict" -artifact_prefix="fuzz-artifacts/$target-" -print_final_stats=1 \
  "$@" "fuzz-long/$target" "fuzz-corpus/$target"
