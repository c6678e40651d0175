#!/usr/bin/env bash
# Runs fuzz targets of .build-fuzz/debug/firebreak-fuzz (built by `make fuzz-build`) one after the other.
#
#   Fuzz/run.sh [target...]            every target when none is named
#   FUZZ_SECONDS=60                    time per target (libFuzzer -max_total_time)
#   FUZZ_RUNS=                         stop a target after this many executions (libFuzzer -runs), if set
#   FUZZ_EXTRA=                        more libFuzzer flags
#
# Corpora live in .build-fuzz/corpus/<target> (seeded by Fuzz/seed.py, grown by the fuzzer), crash, timeout
# out-of-memory and leak inputs go to .build-fuzz/artifacts/, each run's output to .build-fuzz/logs/<target>.log.
# Fuzz/lsan.supp holds the leaks that are not Firebreak's (Foundation's). The exit code is non-zero when any
# target found something; each finding's file is printed.
set -u
cd "$(dirname "$0")/.."
FUZZ=.build-fuzz
BIN=$FUZZ/debug/firebreak-fuzz
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
ALL="http firehose-body gzip cwl flow-line flow-line-custom alb-line s3access-line cloudfront-log cloudtrail aws-json sigma template-json template-yaml playbook config"
TARGETS=${*:-$ALL}

[ -x "$BIN" ] || { echo "run.sh: $BIN is missing; run make fuzz-build" >&2; exit 2; }
mkdir -p "$FUZZ/artifacts" "$FUZZ/logs"

# Per target: the longest input, and a dictionary.
max_len() {
    case $1 in
        flow-line|flow-line-custom|alb-line|s3access-line) echo 4096 ;;
        cloudfront-log) echo 65536 ;;
        http) echo 65536 ;;
        sigma|playbook|config) echo 65536 ;;
        *) echo 1048576 ;;
    esac
}
dict() {
    case $1 in
        http) echo Fuzz/dict/http.dict ;;
        firehose-body|cwl|cloudtrail|aws-json|gzip) echo Fuzz/dict/json.dict ;;
        flow-line|flow-line-custom) echo Fuzz/dict/flow.dict ;;
        alb-line) echo Fuzz/dict/alb.dict ;;
        s3access-line) echo Fuzz/dict/s3access.dict ;;
        cloudfront-log) echo Fuzz/dict/cloudfront.dict ;;
        *) echo Fuzz/dict/yaml.dict ;;
    esac
}

failed=0
summary=""
for target in $TARGETS; do
    corpus=$FUZZ/corpus/$target
    mkdir -p "$corpus"
    log=$FUZZ/logs/$target.log
    runs=()
    [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
    echo "== $target: ${SECONDS_PER_TARGET}s (log: $log)"
    # shellcheck disable=SC2086
    LSAN_OPTIONS=suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS} \
    SWIFT_BACKTRACE=enable=no FIREBREAK_FUZZ_TARGET=$target "$BIN" "$corpus" \
        -max_total_time="$SECONDS_PER_TARGET" "${runs[@]}" -max_len="$(max_len "$target")" -dict="$(dict "$target")" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$FUZZ/artifacts/$target-" \
        ${FUZZ_EXTRA:-} >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corpus_files=$(find "$corpus" -type f | wc -l)
    line=$(printf '%-17s exit %-3s executions %-10s cov %-6s ft %-7s corpus %s' "$target" "$status" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus_files")
    echo "   $line"
    summary+="$line"$'\n'
    if [ "$status" -ne 0 ]; then
        failed=1
        grep -E '^==[0-9]+== ERROR|^SUMMARY|Fatal error|ERROR: libFuzzer' "$log" | head -5 | sed 's/^/   /'
        artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
        for artifact in $artifacts; do
            echo "   FOUND: $artifact"
            echo "   replay: FIREBREAK_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no $BIN $artifact"
            echo "       or: swift build --product firebreak-fuzz && .build/debug/firebreak-fuzz $target $artifact"
        done
        [ -z "$artifacts" ] && echo "   (no artifact written; see $log)"
    fi
done
echo "== summary"
printf '%s' "$summary"
exit $failed
