#!/usr/bin/env bash
# Checks the dotnet tool route: packs the framework-dependent tool (LlmSizer.Tool) into artifacts/nupkg, installs it from
# there with --tool-path and with --global (into a scratch DOTNET_CLI_HOME, leaving ~/.dotnet/tools alone), and runs it:
# inspect (equal to 'dotnet run' of the same source), a PNG chart (SkiaSharp's native library from the package), and
# 'serve' (the page's assets are embedded in the package's LlmSizer.Web.dll). Usage: scripts/tool-check.sh (needs curl)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

rm -f artifacts/nupkg/LlmSizer.Tool.*.nupkg
dotnet pack src/LlmSizer.Cli -c Release -o artifacts/nupkg
# --ignore-failed-sources: the package comes from artifacts/nupkg; a tool package has no dependencies to fetch.
dotnet tool install --tool-path "$work/tools" --add-source artifacts/nupkg --ignore-failed-sources LlmSizer.Tool
tool="$work/tools/llmsizer"

"$tool" inspect 7b --json >"$work/tool.json"
dotnet run --project src/LlmSizer.Cli -c Release --no-launch-profile -- inspect 7b --json >"$work/run.json"
cmp "$work/tool.json" "$work/run.json" && echo "inspect 7b --json: the installed tool prints what 'dotnet run' prints ($(wc -c <"$work/tool.json") bytes)"

"$tool" estimate llama-3.1-8b --plot "$work/curve.png" >/dev/null
head -c 8 "$work/curve.png" | od -An -c | grep -q 'P   N   G' && echo "plot: PNG of $(wc -c <"$work/curve.png") bytes"

port=$((20000 + RANDOM % 20000))
"$tool" serve --urls "http://127.0.0.1:$port" >/dev/null 2>&1 & server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/" -o "$work/index.html" && break; sleep 0.1; done
grep -qi '<html' "$work/index.html"
asset=$(grep -o 'assets/[A-Za-z0-9._/-]*' "$work/index.html" | head -1)
curl -fs "http://127.0.0.1:$port/$asset" -o /dev/null
curl -fs "http://127.0.0.1:$port/api/inspect?model=7b" -o "$work/api.json"
echo "serve: page, /$asset and /api/inspect answered"
kill "$server"; server=

DOTNET_CLI_HOME="$work/home" dotnet tool install --global --add-source artifacts/nupkg --ignore-failed-sources LlmSizer.Tool
"$work/home/.dotnet/tools/llmsizer" inspect 7b --json | cmp - "$work/run.json" && echo "--global: installed and runs"
DOTNET_CLI_HOME="$work/home" dotnet tool uninstall --global LlmSizer.Tool
