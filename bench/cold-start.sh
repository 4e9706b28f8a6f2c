#!/usr/bin/env bash
# Start-up time of 'llmsizer inspect llama-3.1-8b --json': the Native AOT binary beside the JIT build (framework-dependent
# Release publish, started through its apphost as 'llmsizer' would be by 'dotnet tool install'). Publishes either build
# into artifacts/ when it is missing, then runs hyperfine (Debian: apt-get install hyperfine) and writes the table to
# artifacts/cold-start.md. Usage, from anywhere: bench/cold-start.sh [extra hyperfine options, e.g. --runs 100]
set -euo pipefail
cd "$(dirname "$0")/.."
aot=artifacts/aot/llmsizer
jit=artifacts/jit/LlmSizer.Cli
[ -x "$aot" ] || dotnet publish src/LlmSizer.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot
[ -x "$jit" ] || dotnet publish src/LlmSizer.Cli -c Release -o artifacts/jit
command -v hyperfine >/dev/null || { echo "hyperfine not found (Debian/Ubuntu: apt-get install hyperfine)" >&2; exit 1; }

echo "$(uname -srm); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
# -N: no shell between hyperfine and the command, so the figures are the process's own start, run and exit.
hyperfine -N --warmup 3 --export-markdown artifacts/cold-start.md --export-json artifacts/cold-start.json "$@" \
  -n "AOT: $aot" "$aot inspect llama-3.1-8b --json" \
  -n "JIT: $jit" "$jit inspect llama-3.1-8b --json" \
  -n "JIT: dotnet ${jit}.dll" "dotnet ${jit}.dll inspect llama-3.1-8b --json"
cat artifacts/cold-start.md
# hyperfine's markdown gives the mean; the median and the CPU time (user + system, which other jobs on the machine inflate
# far less than wall time) come from its JSON.
python3 - <<'PY'
import json
print("\n| Command | Median [ms] | Mean [ms] | Min [ms] | User + system [ms] |\n|:---|---:|---:|---:|---:|")
for r in json.load(open("artifacts/cold-start.json"))["results"]:
    print(f"| `{r['command']}` | {r['median']*1e3:.1f} | {r['mean']*1e3:.1f} | {r['min']*1e3:.1f} | {(r['user'] + r['system'])*1e3:.1f} |")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
