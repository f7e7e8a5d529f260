#!/bin/sh
# fuzz.sh - the long fuzzing campaign (docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]
#
# Builds ./build-fuzz (clang, libFuzzer, ASan + UBSan), makes the seeds,
# then runs each harness for SECONDS (default 600) on one core, keeping
# what it learns in fuzz-corpus/<harness>/ (not committed) and any crash,
# leak, timeout or OOM input in fuzz-findings/<harness>/.  Each finding
# becomes a regression test (tests/test_hostile.c).  Prints one line per
# harness: executions and exec/s, for docs/fuzzing.md.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-600}
[ $# -gt 0 ] && shift
harnesses=${*:-"mil protobuf pymil bytes blob manifest npy run"}

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DANELINT_FUZZ=ON \
	-DANELINT_SANITIZE=ON -DANELINT_TESTS=OFF >/dev/null
for h in $harnesses; do
	cmake --build build-fuzz -j2 --target "fuzz_$h" >/dev/null
done
python3 scripts/fuzz_seeds.py build-fuzz/fuzz/seeds >/dev/null

for h in $harnesses; do
	mkdir -p "fuzz-corpus/$h" "fuzz-findings/$h"
	log="fuzz-findings/$h.log"
	# -fork would survive a finding and go on; one process keeps the
	# exec/s figure comparable from run to run.
	"build-fuzz/fuzz/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=1048576 -dict=fuzz/mil.dict -print_final_stats=1 \
		-artifact_prefix="fuzz-findings/$h/" "fuzz-corpus/$h" "build-fuzz/fuzz/seeds/$h" \
		>"$log" 2>&1 || echo "fuzz: $h stopped on a finding (see $log)"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "fuzz: $h: ${runs:-?} executions, ${rate:-?} exec/s in ${secs} s"
done
