#!/usr/bin/env bash
# Times `llmsizer inspect FILE --json` beside the JavaScript readers people use for the same headers, as whole
# processes with hyperfine, on the same synthetic files, and prints a markdown table of medians and ratios.
#
#   bench/compare-readers.sh            (RUNS=20 by default; RUNS=50 bench/compare-readers.sh for more)
#
# Needs node, npm, hyperfine (apt-get install -y hyperfine) and the .NET SDK. It installs the npm packages pinned in
# bench/readers/package.json into $LLMSIZER_BENCH_CACHE (default ~/.cache/llmsizer-bench) without running their
# scripts, writes the files there once with the benchmark project's `write-files` command (the test suite's GGUF and
# safetensors writers), and times:
#   - llmsizer: the Native AOT build in artifacts/aot when present, and the JIT build in artifacts/jit (published here
#     when missing: dotnet publish src/LlmSizer.Cli -c Release -o artifacts/jit);
#   - GGUF: @huggingface/gguf's gguf() with allowLocalFile, node-llama-cpp's readGgufFileInfo;
#   - safetensors: @huggingface/hub's parseSafetensorsMetadata, its fetch answered from the local folder (the package
#     reads only from the Hub; node-llama-cpp and @huggingface/gguf do not read safetensors).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${LLMSIZER_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llmsizer-bench}
runs=${RUNS:-20}
mkdir -p "$cache"

for tool in node npm hyperfine dotnet; do
    command -v "$tool" >/dev/null || { echo "compare-readers: $tool is missing (hyperfine: apt-get install -y hyperfine)" >&2; exit 1; }
done

# The npm packages, one folder per package.json so a version bump installs afresh.
hash=$(sha256sum "$root/bench/readers/package.json" | cut -c1-12)
readers="$cache/readers-$hash"
if [[ ! -f "$readers/.installed" ]]; then
    mkdir -p "$readers"
    cp "$root/bench/readers/package.json" "$readers/"
    (cd "$readers" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts --no-audit --no-fund \
        --no-package-lock --loglevel=error >&2)
    touch "$readers/.installed"
fi
cp "$root"/bench/readers/*.mjs "$readers/"

# The files, rewritten when the writers change.
hash=$(cat "$root"/bench/LlmSizer.Benchmarks/BenchmarkFiles.cs "$root"/tests/LlmSizer.Tests/Support/{GgufWriter,GgufModels,SafetensorsWriter,SafetensorsShapes}.cs | sha256sum | cut -c1-12)
files="$cache/files-$hash"
if [[ ! -f "$files/.written" ]]; then
    dotnet run -c Release --project "$root/bench/LlmSizer.Benchmarks" -- write-files "$files" >&2
    touch "$files/.written"
fi
gguf="$files/qwen2-83l.gguf"
safetensors="$files/llama-2-7b-5-shards"

# llmsizer: Native AOT first when it is built, then the JIT build.
jit="$root/artifacts/jit/LlmSizer.Cli"
[[ -x "$jit" ]] || dotnet publish "$root/src/LlmSizer.Cli" -c Release -o "$root/artifacts/jit" >&2
builds=()
for aot in "$root/artifacts/aot/llmsizer" "$root/artifacts/aot/LlmSizer.Cli"; do
    [[ -x "$aot" ]] && { builds+=("Native AOT=$aot"); break; }
done
builds+=("JIT=$jit")

# Every reader must accept the files before it is timed.
for build in "${builds[@]}"; do
    "${build#*=}" inspect "$gguf" --json >/dev/null
    "${build#*=}" inspect "$safetensors" --json >/dev/null
done
(cd "$readers" && node hf-gguf.mjs "$gguf" && node node-llama-cpp-gguf.mjs "$gguf" && node hf-safetensors.mjs "$safetensors") >&2

version() { node -p "require('$readers/node_modules/$1/package.json').version"; }
hyperfine_args=(--warmup 3 --runs "$runs" --shell=none --style basic)
gguf_commands=() safetensors_commands=()
for build in "${builds[@]}"; do
    gguf_commands+=(-n "llmsizer inspect --json (${build%%=*})" "${build#*=} inspect $gguf --json")
    safetensors_commands+=(-n "llmsizer inspect --json (${build%%=*})" "${build#*=} inspect $safetensors --json")
done
gguf_commands+=(-n "@huggingface/gguf $(version @huggingface/gguf) gguf()" "node $readers/hf-gguf.mjs $gguf")
gguf_commands+=(-n "node-llama-cpp $(version node-llama-cpp) readGgufFileInfo" "node $readers/node-llama-cpp-gguf.mjs $gguf")
safetensors_commands+=(-n "@huggingface/hub $(version @huggingface/hub) parseSafetensorsMetadata" "node $readers/hf-safetensors.mjs $safetensors")

load=$(cut -d' ' -f1-3 /proc/loadavg)
results="$cache/results"
mkdir -p "$results"
hyperfine "${hyperfine_args[@]}" --export-json "$results/gguf.json" "${gguf_commands[@]}" >&2
hyperfine "${hyperfine_args[@]}" --export-json "$results/safetensors.json" "${safetensors_commands[@]}" >&2

echo "llmsizer builds timed: ${builds[*]}"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average before: $load, after: $(cut -d' ' -f1-3 /proc/loadavg); node $(node --version); hyperfine $(hyperfine --version | cut -d' ' -f2)"
echo
node "$readers/summarize.mjs" "GGUF, 152k vocab, 999 tensors=$results/gguf.json" "safetensors, 5 shards + index + config=$results/safetensors.json"
