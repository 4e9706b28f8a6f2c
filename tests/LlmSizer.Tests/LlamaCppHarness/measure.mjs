// Loads GGUF files in llama.cpp through node-llama-cpp's prebuilt CPU binaries and reports the buffers llama.cpp
// allocates, as llama.cpp itself logs them. Used by LlmSizer's tests (tests/LlmSizer.Tests/Inference/LlamaCpp).
//
// Input (stdin): {"models": [{"id", "path", "gpuLayers", "mmap", "contexts": [{"id", "contextSize", "batchSize", "sequences",
//                 "flashAttention", "typeK", "typeV"}]}]}   (typeK/typeV: ggml type ids; 1 = f16)
// Output (stdout): one JSON object per context, then one {"systemInfo", "llamaCpp"} line.
//
// Why the low-level bindings: node-llama-cpp's LlamaModel/LlamaContext first run a memory-fitting simulation (a second
// load with no_alloc) and tie n_ubatch to batchSize anyway; the addon classes load exactly once with the options given.
// The binding copies batchSize into both n_batch and n_ubatch, so every measured case has n_batch = n_ubatch.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import fs from "node:fs";

let pending = "";
const llama = await getLlama({
    gpu: false,
    build: "never",
    skipDownload: true,
    logLevel: LlamaLogLevel.debug,
    logger: (_level, message) => { pending += message.endsWith("\n") ? message : message + "\n"; },
});

// Log callbacks arrive asynchronously; a short pause lets the lines of the operation just awaited come in.
async function takeLines() {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const lines = pending.split("\n");
    pending = "";
    return lines;
}

function mib(lines, pattern) {
    return lines.map((l) => l.match(pattern)).filter(Boolean).map((m) => ({ buffer: m[1], mib: Number(m[2]) }));
}

function intAfter(lines, pattern) {
    const line = lines.find((l) => pattern.test(l));
    return line === undefined ? null : Number(line.split("=")[1]);
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const bindings = llama._bindings;

for (const m of request.models) {
    await takeLines();
    const model = new bindings.AddonModel(m.path, { gpuLayers: m.gpuLayers ?? 0, useMmap: m.mmap ?? true, useMlock: false });
    const loaded = await model.init();
    const modelLines = await takeLines();
    if (!loaded) {
        for (const c of m.contexts)
            console.log(JSON.stringify({ model: m.id, context: c.id, error: modelLines.filter((l) => /error|failed|missing/i.test(l)).join(" | ") }));
        continue;
    }
    const modelBytes = model.getMemoryBreakdown();
    const modelBuffers = mib(modelLines, /load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB/);
    for (const c of m.contexts) {
        const context = new bindings.AddonContext(model, {
            contextSize: c.contextSize,
            batchSize: c.batchSize,
            sequences: c.sequences ?? 1,
            flashAttention: c.flashAttention,
            kvCacheKeyType: c.typeK ?? 1,
            kvCacheValueType: c.typeV ?? 1,
            swaFullCache: false,
        });
        let created = false;
        let thrown = null;
        try {
            created = await context.init();
        } catch (e) {
            thrown = String(e);
        }
        const contextLines = await takeLines();
        if (!created) {
            console.log(JSON.stringify({ model: m.id, context: c.id,
                error: thrown ?? contextLines.filter((l) => /error|failed|requires/i.test(l)).join(" | ") }));
            try { await context.dispose(); } catch { /* never created */ }
            continue;
        }
        const contextBytes = context.getMemoryBreakdown();
        await context.dispose();
        // The context's destructor logs the compute buffer again with four decimals (about 100-byte resolution).
        let disposeLines = await takeLines();
        for (let i = 0; i < 20 && !disposeLines.some((l) => /compute buffer size (is|of)/.test(l)); i++)
            disposeLines = disposeLines.concat(await takeLines());
        const lines = contextLines.concat(disposeLines);
        console.log(JSON.stringify({
            model: m.id,
            context: c.id,
            modelBytes: modelBytes.cpuRam + modelBytes.gpuVram,
            modelBuffers,
            // KV buffers, and the recurrent-state buffers of hybrid and recurrent models (llama_memory_recurrent's RS buffer).
            kvBuffers: mib(lines, /llama_(?:kv_cache|memory_recurrent):\s+(\S+) (?:KV|RS) buffer size =\s+([\d.]+) MiB/),
            computeBuffers: mib(lines, /sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB/),
            computeBuffersFine: mib(lines, /(\S+) compute buffer size (?:is|of)\s+([\d.]+) MiB/),
            outputBuffers: mib(lines, /llama_context:\s+(\S+)\s+output buffer size =\s+([\d.]+) MiB/),
            // KV cache + compute buffers of this context, exact (llama_context::memory_breakdown).
            contextBytes: contextBytes.cpuRam + contextBytes.gpuVram,
            nCtx: intAfter(lines, /llama_context: n_ctx\s+=/),
            nCtxSeq: intAfter(lines, /llama_context: n_ctx_seq\s+=/),
            nBatch: intAfter(lines, /llama_context: n_batch\s+=/),
            nUbatch: intAfter(lines, /llama_context: n_ubatch\s+=/),
            kvCaches: lines.filter((l) => /llama_kv_cache: size =/.test(l)).map((l) => l.trim()),
        }));
    }
    await model.dispose();
}

const pkg = JSON.parse(fs.readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8"));
const release = JSON.parse(fs.readFileSync(new URL("./node_modules/node-llama-cpp/llama/llama.cpp.info.json", import.meta.url), "utf8"));
console.log(JSON.stringify({ systemInfo: llama.systemInfo, nodeLlamaCpp: pkg.version, llamaCpp: release.tag, llamaCppRepo: release.llamaCppGithubRepo }));
await llama.dispose();
