#!/usr/bin/env bash
# After fuzz/run.sh TARGET: copies every crash and hang afl-fuzz saved into fuzz/regressions/TARGET/ (which the test
# suite replays), with the queue's slowest and most allocating inputs as worst-*, and prints the run's figures.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:?usage: fuzz/collect.sh TARGET}"
run="fuzz/out/$target"
plain_harness=(dotnet fuzz/out/plain/LlmSizer.Fuzz.dll)
stats="$run/findings/default/fuzzer_stats"
field() { sed -n "s/^$1 *: *//p" "$stats"; }
regressions="fuzz/regressions/$target"
mkdir -p "$regressions"
found=0
for kind in crashes hangs; do
  for file in "$run/findings/default/$kind"/id:*; do
    [ -f "$file" ] || continue
    cp "$file" "$regressions/${kind%es}-$(sha1sum "$file" | cut -c1-16)"
    found=$((found + 1))
  done
done

# The inputs that cost the most (time, then bytes allocated) become regression files too: the bounds test replays them.
"${plain_harness[@]}" replay "$target" "$run/findings/default/queue"/id:* > "$run/replay.tsv" || true
for file in $(sort -t$'\t' -k3,3 -g -r "$run/replay.tsv" | head -n 2 | cut -f1) $(sort -t$'\t' -k4,4 -g -r "$run/replay.tsv" | head -n 2 | cut -f1); do
  cp "$file" "$regressions/worst-$(sha1sum "$file" | cut -c1-16)"
done

printf '%s: %s executions in %s s (%s/s), %s paths, %s crashes, %s hangs saved; %s files copied to %s\n' \
  "$target" "$(field execs_done)" "$(( $(field last_update) - $(field start_time) ))" "$(field execs_per_sec)" \
  "$(field corpus_count)" "$(field saved_crashes)" "$(field saved_hangs)" "$found" "$regressions" | tee -a fuzz/out/summary.log
