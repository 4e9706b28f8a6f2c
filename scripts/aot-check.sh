#!/usr/bin/env bash
# Checks the Native AOT binary against the JIT build: the same --json output, byte for byte, and the same exit code, for
# representative commands (catalog, bare size, GGUF and safetensors files, every command, an error); then a chart and the
# web server (page, API, OpenAPI document, an error). Publishes both builds into artifacts/ when they are missing.
# Usage: scripts/aot-check.sh            (from the repository root; needs python3 and curl)
# The model files are the benchmark's (written by the test suite's GGUF and safetensors writers; sparse, headers only).
set -euo pipefail
cd "$(dirname "$0")/.."
aot=artifacts/aot/llmsizer
jit=artifacts/jit/LlmSizer.Cli.dll
[ -x "$aot" ] || dotnet publish src/LlmSizer.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot
[ -f "$jit" ] || dotnet publish src/LlmSizer.Cli -c Release -o artifacts/jit

work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet run -c Release --project bench/LlmSizer.Benchmarks -- write-files "$work" >/dev/null
gguf="$work/qwen2-83l.gguf"
shards="$work/llama-2-7b-5-shards"

commands=(
  "models --json"
  "devices --json"
  "inspect llama-3.1-8b --json"
  "inspect 7b --json"
  "inspect deepseek-v3 --json"
  "inspect $gguf --json"
  "inspect $shards --json"
  "inspect $shards/model-00001-of-00005.safetensors --json"
  "estimate llama-3.1-8b --context 32768 --weights Q4_K_M --json"
  "estimate $gguf --context 2048 --json"
  "estimate qwen3-30b-a3b --engine vllm --gpu-memory 80GB --json"
  "estimate llama-3.1-70b --engine transformers --weights nf4 --json"
  "fit llama-3.1-70b --device rtx-4090x2 --ram 64GB --json"
  "fit gpt-oss-20b --tiers --json"
  "compare llama-3.1-8b qwen3-8b:Q8_0 --device rtx-4090 --json"
  "train llama-3.1-8b --method qlora --device rtx-4090 --json"
  "train llama-3.1-70b --device h100 --zero 3 --recompute full --tokens 2T --json"
  "sample --example --temperature 0.7 --top-k 40 --top-p 0.9 --draws 200 --seed 1 --json"
  "scan --dir $work --json"
  "inspect no-such-model --json"
  "estimate 7b --context abc --json"
  "inspect $work/missing.gguf --json"
)
failed=0
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086 # the command's words are meant to split
  a_rc=0; "$aot" $c >"$work/aot.out" 2>"$work/aot.err" || a_rc=$?
  j_rc=0; dotnet "$jit" $c >"$work/jit.out" 2>"$work/jit.err" || j_rc=$?
  note=""
  if [ "$a_rc" = "$j_rc" ] && ! cmp -s "$work/aot.out" "$work/jit.out"; then
    # The AOT binary targets the portable x86-64-v2 baseline (128-bit SIMD); the JIT uses the widest vectors the CPU has, and
    # a vectorized sum (TensorPrimitives in the sampler's entropy) rounds its last bit by the vector width. The JIT limited
    # to the same instruction set must then print exactly what the binary prints.
    j_rc=0; DOTNET_EnableAVX2=0 dotnet "$jit" $c >"$work/jit.out" 2>"$work/jit.err" || j_rc=$?
    note=" (the JIT run with DOTNET_EnableAVX2=0: the default JIT's wider vectors change the last digit of a SIMD sum)"
  fi
  if [ "$a_rc" != "$j_rc" ] || ! cmp -s "$work/aot.out" "$work/jit.out" || ! cmp -s "$work/aot.err" "$work/jit.err"; then
    echo "DIFFERS (exit $a_rc vs $j_rc): llmsizer ${c//$work/TMP}"; diff "$work/aot.out" "$work/jit.out" | head -5 || true; failed=1
  else
    echo "same ($(wc -c <"$work/aot.out") bytes, exit $a_rc): llmsizer ${c//$work/TMP}$note"
  fi
done

# Charts: SkiaSharp's native library beside the binary draws PNG and SVG.
"$aot" estimate llama-3.1-8b --plot "$work/curve.png" >/dev/null
"$aot" fit llama-3.1-8b --device rtx-4090 --plot "$work/matrix.svg" >/dev/null
head -c 8 "$work/curve.png" | od -An -c | grep -q 'P   N   G' && grep -q '<svg' "$work/matrix.svg" \
  && echo "charts: PNG $(wc -c <"$work/curve.png") bytes, SVG $(wc -c <"$work/matrix.svg") bytes" || { echo "charts FAILED"; failed=1; }

# The web server: the page, an API answer equal to the CLI's, the OpenAPI document, a 400 problem.
port=$((20000 + RANDOM % 20000))
"$aot" serve --urls "http://127.0.0.1:$port" >"$work/serve.log" 2>&1 & server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" -o "$work/index.html" && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$port/api/inspect?model=llama-3.1-8b" -o "$work/api.json"
curl -fs "http://127.0.0.1:$port/openapi/v1.json" -o "$work/openapi.json"
# As the page does: the header's bytes (5.9 MB of the 11.6 GB sparse file) and the file's full length.
head -c 8000000 "$gguf" >"$work/header.gguf"
curl -fs -F "file=@$work/header.gguf;filename=qwen2-83l.gguf" -F "lengths=$(stat -c %s "$gguf")" "http://127.0.0.1:$port/api/uploads" -o "$work/upload.json"
"$aot" inspect "$gguf" --json >"$work/gguf.json"
code=$(curl -s -o "$work/problem.json" -w '%{http_code}' "http://127.0.0.1:$port/api/estimate?model=7b&contxt=1")
"$aot" inspect llama-3.1-8b --json >"$work/cli.json"
# The JIT build's OpenAPI document must be the same (the AOT build turns off MVC's reflection-based model metadata).
dotnet "$jit" serve --urls "http://127.0.0.1:$((port + 1))" >/dev/null 2>&1 & jit_server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$((port + 1))/openapi/v1.json" -o "$work/openapi-jit.json" && break; sleep 0.1; done
kill "$jit_server"
sed -i "s|127.0.0.1:$((port + 1))/|127.0.0.1:$port/|" "$work/openapi-jit.json"   # the servers entry names the port
cmp -s "$work/openapi.json" "$work/openapi-jit.json" && echo "OpenAPI document: same as the JIT build's" || { echo "OpenAPI document DIFFERS"; diff <(python3 -m json.tool "$work/openapi.json") <(python3 -m json.tool "$work/openapi-jit.json") | head -20; failed=1; }
python3 - "$work" "$code" <<'PY' || failed=1
import json, sys
w, code = sys.argv[1], sys.argv[2]
same = json.load(open(f"{w}/api.json")) == json.load(open(f"{w}/cli.json"))
paths = sorted(json.load(open(f"{w}/openapi.json"))["paths"])
problem = json.load(open(f"{w}/problem.json"))
page = "<html" in open(f"{w}/index.html").read().lower()
upload = json.load(open(f"{w}/upload.json"))["report"]["parameters"]["total"]
on_disk = json.load(open(f"{w}/gguf.json"))["parameters"]["total"]
print(f"serve: page {page}; /api/inspect equals the CLI's JSON: {same}; upload of the GGUF's header: {upload:,} parameters "
      f"(inspect of the file: {on_disk:,}); "
      f"OpenAPI paths {paths}; bad parameter -> {code} {problem.get('detail', problem)}")
sys.exit(0 if same and page and upload == on_disk and code == "400" and "/api/inspect" in paths else 1)
PY
exit $failed
