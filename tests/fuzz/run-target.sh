#!/usr/bin/env bash
# One bounded run of a fuzz target (the ctest tests labelled `fuzz`):
#   run-target.sh <fuzzer> <seconds> <seed corpus> <artifacts dir> <replay dir>...
# First every input of the replay dirs (the committed regressions, the large
# generated inputs) runs once, whole; then the fuzzer mutates for <seconds>
# starting from the seed corpus (and <seed corpus>.dict if there is one).
# Exits non-zero on a crash, a sanitizer report, a leak or a hang; the input
# is then saved in <artifacts dir>/<fuzzer>-crash-… (see docs/reliability.md).
set -euo pipefail
fuzzer=$1 seconds=$2 seeds=$3 artifacts=$4
shift 4
name=$(basename "$fuzzer")
mkdir -p "$artifacts"
common=(-timeout=20 -rss_limit_mb=2048 -artifact_prefix="$artifacts/$name-")

replay=()
for dir in "$@"; do
  if [ -d "$dir" ]; then
    while IFS= read -r -d '' f; do replay+=("$f"); done < <(find "$dir" -type f ! -name '*.md' -print0 | sort -z)
  fi
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ ${#replay[@]} -gt 0 ]; then
  echo "== $name: replaying ${#replay[@]} inputs"
  if ! "$fuzzer" "${common[@]}" "${replay[@]}" >"$scratch/replay.log" 2>&1; then
    grep -v '^Running: \|^Executed ' "$scratch/replay.log"
    echo "$name: a replayed input fails (above)"
    exit 1
  fi
fi

# New inputs go to a scratch directory: the seeds stay as generated.
mkdir -p "$scratch/new"
opts=("${common[@]}" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1)
[ -s "$seeds.dict" ] && opts+=(-dict="$seeds.dict")
echo "== $name: fuzzing for ${seconds}s from $seeds"
"$fuzzer" "${opts[@]}" "$scratch/new" "$seeds"
