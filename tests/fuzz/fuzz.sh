#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang in build-fuzz/ (only
# the libraries they test: core, config, adapters, auth; ASan+UBSan, -O1) and
# runs each one for a bounded time over its corpus (`ctest -L fuzz`): a crash,
# a sanitizer report, a leak or a hang fails. The normal build replays the same
# inputs without libFuzzer (its fuzz.* tests); this is the fuzzing itself.
#   FUZZ_SECONDS=5   how long each target mutates after replaying its inputs
# Longer runs of one target: docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/install-deps.sh reliability  # clang and its runtimes
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-fuzz -DGANGWAY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Fuzz \
  -DGANGWAY_FUZZ_SECONDS="${FUZZ_SECONDS:-5}" "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j2
cd build-fuzz && ctest -L fuzz -j2 --output-on-failure
