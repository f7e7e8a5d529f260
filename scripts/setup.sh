#!/bin/sh
# setup.sh - install what is missing (Debian, as root; idempotent), build,
# and optionally run every test.
#
#   scripts/setup.sh            build ./build (release) for use
#   scripts/setup.sh --test     build ./build-test with ASan + UBSan and run ctest,
#                               then ./build-fuzz (clang) and each fuzz harness's
#                               smoke run (fuzz/CMakeLists.txt, a few seconds each)
set -eu
cd "$(dirname "$0")/.."

PACKAGES="libopenblas-dev build-essential cmake pkg-config flex bison libprotobuf-c-dev protobuf-c-compiler
libxml2-dev libcmocka-dev libjson-c-dev zlib1g-dev python3-protobuf protobuf-compiler"
# clang and libFuzzer serve the fuzz build of --test only.
[ "${1:-}" = "--test" ] && PACKAGES="$PACKAGES clang libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = "--test" ]; then
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DANELINT_SANITIZE=ON >/dev/null
	cmake --build build-test -j "$jobs"
	ctest --test-dir build-test --output-on-failure -j "$jobs"
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DANELINT_FUZZ=ON \
		-DANELINT_SANITIZE=ON -DANELINT_TESTS=OFF >/dev/null
	cmake --build build-fuzz -j "$jobs"
	ctest --test-dir build-fuzz/fuzz --output-on-failure
else
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DANELINT_TESTS=OFF >/dev/null
	cmake --build build -j "$jobs"
fi
