#!/usr/bin/env bash
# Fuzzes one LlmSizer parser with AFL++ through SharpFuzz (fuzz/README.md).
#   fuzz/run.sh TARGET [SECONDS] [MAX_EXECS]      e.g. fuzz/run.sh gguf 600 1000000
# Builds the harness, instruments LlmSizer.dll, writes the seed corpus with the test writers, runs afl-fuzz until the
# time or the execution count is reached, copies every crash and hang into fuzz/regressions/TARGET/ (which the test
# suite replays) together with the slowest and most allocating inputs of the queue, and prints the run's figures.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:?usage: fuzz/run.sh TARGET [SECONDS] [MAX_EXECS]; fuzz/run.sh list shows the targets}"
seconds="${2:-600}"
max_execs="${3:-0}"
out="fuzz/out"
bin="$out/bin"
plain="$out/plain"
tools="$out/tools"

if ! command -v afl-fuzz >/dev/null; then
  echo "installing afl++ (Debian package)" >&2
  apt-get install -y -qq afl++ >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 1; }
fi
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# Build once per source change; instrument the library under test only (the harness and the runtime stay plain).
stamp="$(find src/LlmSizer fuzz/LlmSizer.Fuzz tests/LlmSizer.Tests/Support \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' \) \
  -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-16)"
if [ "$(cat "$bin/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$bin" "$plain"
  mkdir -p "$out"
  dotnet build fuzz/LlmSizer.Fuzz -c Release -o "$plain" -nologo >"$out/build.log" 2>&1 || {
    echo "the harness did not build; the end of $out/build.log:" >&2; tail -20 "$out/build.log" >&2; exit 1; }
  cp -r "$plain" "$bin"
  "$tools/sharpfuzz" "$bin/LlmSizer.dll" >/dev/null
  echo "$stamp" > "$bin/.stamp"
fi
# The instrumented copy writes to afl's coverage map and only runs under afl-fuzz; seeds and replays use the plain one.
harness=(dotnet "$bin/LlmSizer.Fuzz.dll")
plain_harness=(dotnet "$plain/LlmSizer.Fuzz.dll")

if [ "$target" = list ]; then
  "${plain_harness[@]}" list
  exit 0
fi

run="$out/$target"
rm -rf "$run"
"${plain_harness[@]}" seeds "$target" "$run/seeds" tests/LlmSizer.Tests/Fixtures/configs

limits=(-V "$seconds")
[ "$max_execs" -gt 0 ] && limits+=(-E "$max_execs")
# The .NET host is not instrumented by afl's compiler; SharpFuzz reports coverage from the instrumented library.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  afl-fuzz -i "$run/seeds" -o "$run/findings" -t 1000 -m none "${limits[@]}" -- "${harness[@]}" run "$target" >"$run/afl.log" 2>&1 || {
    echo "afl-fuzz failed; the end of $run/afl.log:" >&2; tail -20 "$run/afl.log" >&2; exit 1; }

fuzz/collect.sh "$target"
