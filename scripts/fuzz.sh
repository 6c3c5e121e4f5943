#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/fuzz_*.c) with clang into build-fuzz/
# and runs each for FUZZ_SECONDS (default 15: the brief run inside the test
# suite; `scripts/dev.sh fuzz` runs 600 s each). Seeds come from
# fuzz/corpus/NAME/ when present; new inputs go to build-fuzz/corpus/NAME/.
# A crash fails the run and leaves the reproducer in build-fuzz/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
secs=${FUZZ_SECONDS:-15}
ls fuzz/fuzz_*.c >/dev/null 2>&1 || { echo "fuzz.sh: no fuzz targets"; exit 0; }
CC=clang cmake -S . -B build-fuzz -DKS_FUZZ=ON -DKS_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# fuzz_encoder reads the normal build's encoder (the fuzz build makes none)
[ -f build/share/encoder-en.kse ] && export KS_ENCODER="$here/build/share/encoder-en.kse"
failed=0
for src in fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  cmake --build build-fuzz --target "$name" -j"$(nproc)" >/dev/null
  mkdir -p "build-fuzz/corpus/$name"
  seeds=()
  [ -d "fuzz/corpus/$name" ] && seeds+=("fuzz/corpus/$name")
  echo "fuzz: $name for ${secs}s"
  if ! (cd build-fuzz && "./$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
        -print_final_stats=0 "corpus/$name" "${seeds[@]/#/$here/}" 2>"$name.log"); then
    echo "fuzz: $name FAILED; see build-fuzz/$name.log"; tail -30 "build-fuzz/$name.log"; failed=1
  fi
done
exit $failed
