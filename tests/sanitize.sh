#!/usr/bin/env bash
# The test suite under the sanitizers (docs/reliability.md). Not part of
# deploy/run-tests.sh: each tree takes ~30+ CPU-minutes to build on 2 cores.
#
#   tests/sanitize.sh asan   ASan+UBSan tree in build-asan/, then every test
#   tests/sanitize.sh tsan   TSan tree in build-tsan/, then the core, bus, fanout,
#                            session, net and integration tests (the gateway and
#                            demo backend they start are built with TSan too;
#                            nats-server is Go, not instrumented)
#
#   SANITIZE_TARGETS="core_tests bus_tests"   build only these (and run only
#                            what they hold): a quick check of the script itself
#   extra arguments go to ctest, e.g. `tests/sanitize.sh asan -R Config`
#
# Every instrumented process, including the gateways and backends the
# integration tests start, writes its reports to <tree>/sanitizer-reports/;
# a report fails the run even when the test that caused it passed (a child's
# report never reaches ctest otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh reliability  # clang and its sanitizer runtimes
kind=${1:?usage: tests/sanitize.sh asan|tsan [ctest args…]}
shift

common="-fno-omit-frame-pointer -O1 -g1"
case "$kind" in
  asan)
    tree=build-asan
    flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined $common"
    # Uses up the file descriptors on purpose, and the sanitizer runtime needs some.
    # deploy.container_files compares the Dockerfile's packages with what the
    # gateway loads: Debian's clang links without --as-needed (its GCC with), so
    # this tree's gateway also loads libboost_system, which it uses none of.
    exclude="Listener.OutOfDescriptors|deploy.container_files"
    targets="all"
    ;;
  tsan)
    tree=build-tsan
    flags="-fsanitize=thread $common"
    exclude="Listener.OutOfDescriptors"  # as above
    targets="core_tests bus_tests fanout_tests session_tests net_tests integration_tests"
    ;;
  *)
    echo "usage: tests/sanitize.sh asan|tsan [ctest args…]" >&2
    exit 2
    ;;
esac
targets=${SANITIZE_TARGETS:-$targets}

# clang, as the fuzz build: with GCC 12's runtime, UBSan's reports ignore
# log_path when ASan is linked too, and those of the gateways the integration
# tests start would be lost with their logs.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$tree" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="${flags%% *}" "${launcher[@]}" >/dev/null
# shellcheck disable=SC2086  # a list of targets
cmake --build "$tree" -j2 --target $targets

reports="$PWD/$tree/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
# Only the kind's own: the TSan runtime reads UBSAN_OPTIONS too, and its
# log_path named TSan's reports ubsan.<pid>.
if [ "$kind" = asan ]; then
  export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0"
  export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
else
  export TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=0:second_deadlock_stack=1"
fi

selection=()
if [ "$targets" != "all" ]; then
  # The tests of the binaries built: a binary's name is its tests' label (tests/CMakeLists.txt).
  # shellcheck disable=SC2086
  built=$(printf '%s\n' $targets | sed -n 's/_tests$//p' | paste -sd'|')
  selection=(-L "^($built)$")
fi
status=0
(cd "$tree" && ctest -j2 --timeout 900 --output-on-failure "${selection[@]}" -E "$exclude" "$@") || status=$?

if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports (in $reports):"
  for f in "$reports"/*; do
    echo "== $f"
    head -40 "$f"
  done
  status=1
fi
exit $status
