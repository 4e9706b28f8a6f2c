using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// The context llama.cpp would build for a model and a set of options, with every default resolved the way
/// src/llama-context.cpp and common/common.h resolve it. Token counts are tokens.
/// </summary>
/// <param name="RequestedContext">Context asked for (or the default), before padding.</param>
/// <param name="ContextTokens">n_ctx: padded up to a multiple of 256, then made a multiple of the sequence count.</param>
/// <param name="ContextPerSequence">n_ctx_seq: cells per KV stream (each sequence has its own stream).</param>
/// <param name="Sequences">n_seq_max (<c>-np</c>).</param>
/// <param name="BatchTokens">n_batch: min(n_ctx, -b).</param>
/// <param name="MicroBatchTokens">n_ubatch: min(n_batch, -ub); the worst-case graph is reserved for this many tokens.</param>
/// <param name="FlashAttention">Whether flash attention is used.</param>
/// <param name="KeyType">K cache element type.</param>
/// <param name="ValueType">V cache element type.</param>
/// <param name="GpuLayers">-ngl resolved: 0 to layers + 1 (the output layer counts as one).</param>
/// <param name="Machine">Backend and CPU assumed.</param>
/// <param name="Mmap">CPU-resident weights are a view of the mapped file (--mmap) rather than read into a buffer (--no-mmap).</param>
internal sealed record LlamaCppSettings(
    int RequestedContext,
    int ContextTokens,
    int ContextPerSequence,
    int Sequences,
    int BatchTokens,
    int MicroBatchTokens,
    bool FlashAttention,
    KvCacheType KeyType,
    KvCacheType ValueType,
    int GpuLayers,
    int CpuMoeLayers,
    LlamaCppMachine Machine,
    bool Mmap,
    IReadOnlyList<EstimateInput> Inputs,
    IReadOnlyList<string> Notes)
{
    /// <summary>llama.cpp pads n_ctx (and each sequence's share) to this many cells (llama-context.cpp, since PR 17046).</summary>
    public const int ContextPadding = 256;

    /// <summary>common.h's defaults: -b 2048, -ub 512.</summary>
    public const int DefaultBatch = 2048, DefaultMicroBatch = 512;

    /// <summary>The context used when neither the options nor the model say one (llama.cpp's --fit never goes below 4096).</summary>
    public const int FallbackContext = 4096;

    /// <summary>First layer index on the GPU: max(layers + 1 − ngl, 0); the output layer (index = layers) is offloaded first.</summary>
    public int GpuStart(int layers) => Math.Max(layers + 1 - GpuLayers, 0);

    /// <summary>Tokens in the worst-case graph llama.cpp reserves compute buffers for: min(n_ctx, n_ubatch).</summary>
    public int ReserveTokens => Math.Min(ContextTokens, MicroBatchTokens);

    public static LlamaCppSettings Resolve(ModelSpec spec, InferenceOptions options, LlamaCppMachine? machine)
    {
        var inputs = new List<EstimateInput>();
        var notes = new List<string>();
        if (options.Sequences < 1)
            throw new UsageException($"sequences must be at least 1, got {options.Sequences}");
        int sequences = options.Sequences;

        int requested;
        if (options.ContextTokens is { } asked)
        {
            if (asked < 1)
                throw new UsageException($"context must be at least 1 token, got {asked}");
            requested = asked;
            inputs.Add(new("context (-c)", $"{asked} tokens (asked)"));
        }
        else if (spec.MaxContextTokens > 0)
        {
            requested = spec.MaxContextTokens;
            inputs.Add(new("context (-c)", $"{requested} tokens (llama.cpp's default -c 0: the model's training context)"));
            notes.Add($"no context given: llama.cpp's default (-c 0) is the model's full training context, {requested} tokens; pass a context to size a smaller one");
        }
        else
        {
            requested = FallbackContext;
            inputs.Add(new("context (-c)", $"{requested} tokens (default: the model states no training context)"));
            notes.Add($"no context given and the model states no training context: {FallbackContext} tokens assumed");
        }

        // llama-context.cpp: n_ctx up to a multiple of 256; with separate streams each sequence gets n_ctx / n_seq, padded again.
        long padded = Pad(requested, ContextPadding);
        long perSequence = Pad(padded / sequences, ContextPadding);
        if (perSequence == 0)
            throw new UsageException($"{sequences} sequences leave no cells of a {padded}-token context; llama.cpp refuses it (n_ctx_seq == 0)");
        long total = perSequence * sequences;
        if (total > int.MaxValue)
            throw new UsageException($"context {requested} × {sequences} sequences is beyond llama.cpp's 32-bit context size");
        int nCtx = (int)total, nCtxSeq = (int)perSequence;
        if (nCtx != requested)
            notes.Add(sequences == 1
                ? $"llama.cpp pads the context to a multiple of {ContextPadding}: {requested} → {nCtx} tokens"
                : $"llama.cpp pads each sequence's context to a multiple of {ContextPadding}: {requested} → {nCtxSeq} × {sequences} sequences = {nCtx} tokens");
        inputs.Add(new("n_ctx", $"{nCtx} (padded to {ContextPadding})"));
        inputs.Add(new("sequences (-np)", $"{sequences}, one KV stream each (kv_unified off, the default)"));
        if (sequences > 1)
            inputs.Add(new("n_ctx_seq", $"{nCtxSeq} cells per stream"));

        int batchAsked = options.BatchTokens ?? DefaultBatch;
        int ubatchAsked = options.MicroBatchTokens ?? DefaultMicroBatch;
        if (batchAsked < 1 || ubatchAsked < 1)
            throw new UsageException($"batch and micro-batch must be at least 1 token, got -b {batchAsked} -ub {ubatchAsked}");
        // A causal model's batch never exceeds the context; the micro-batch never exceeds the batch.
        int batch = Math.Min(nCtx, batchAsked);
        int ubatch = Math.Min(batch, ubatchAsked);
        inputs.Add(new("n_batch (-b)", $"{batch}{(options.BatchTokens is null ? " (default 2048" + (batch < 2048 ? ", capped at n_ctx)" : ")") : batch < batchAsked ? $" (asked {batchAsked}, capped at n_ctx)" : "")}"));
        inputs.Add(new("n_ubatch (-ub)", $"{ubatch}{(options.MicroBatchTokens is null ? " (default 512" + (ubatch < 512 ? ", capped at n_batch)" : ")") : ubatch < ubatchAsked ? $" (asked {ubatchAsked}, capped at n_batch)" : "")}"));

        var keyType = LlamaCppType(options.KvTypeK ?? "f16", "K");
        var valueType = options.KvTypeV is { } v ? LlamaCppType(v, "V") : keyType;

        bool flash;
        if (options.FlashAttention is { } fa)
        {
            flash = fa;
            if (!fa && valueType.IsQuantized)
                throw new UsageException(
                    $"a quantized V cache ({valueType.Name}) needs flash attention in llama.cpp: without it V is stored transposed and read " +
                    $"element by element, which block-quantized types cannot do, so llama.cpp refuses the context " +
                    $"(\"quantized V cache requires flash_attn to be enabled\"). Turn flash attention on, or use an f16, bf16 or f32 V cache.");
            inputs.Add(new("flash attention (-fa)", fa ? "on" : "off"));
        }
        else
        {
            // -fa auto: on wherever the backend runs the fused kernel (CPU, CUDA, Metal, Vulkan do); a quantized V forces it on.
            flash = true;
            inputs.Add(new("flash attention (-fa)", valueType.IsQuantized ? "on (auto; a quantized V cache requires it)" : "on (auto: CPU, CUDA, Metal and Vulkan support it)"));
        }
        inputs.Add(new("cache types (-ctk/-ctv)", $"K {keyType.Name}, V {valueType.Name}{(options.KvTypeK is null ? " (default f16)" : "")}"));

        int layers = spec.Layers;
        int ngl = options.GpuLayers ?? layers + 1;
        if (ngl < 0)
            throw new UsageException($"GPU layers must be 0 or more, got {ngl}");
        ngl = Math.Min(ngl, layers + 1);
        machine ??= LlamaCppMachine.DefaultFor(ngl);
        if (!machine.HasGpu && ngl > 0)
        {
            notes.Add($"the machine has no GPU backend: -ngl {ngl} offloads nothing");
            ngl = 0;
        }
        inputs.Add(new("GPU layers (-ngl)", options.GpuLayers is null
            ? $"{ngl} (all {layers} blocks + the output layer)"
            : $"{ngl} of {layers + 1} (the output layer counts as one and is offloaded first)"));
        int cpuMoe = options.CpuMoeLayers ?? 0;
        if (cpuMoe < 0 || cpuMoe > layers)
            throw new UsageException($"--cpu-moe-layers: expected 0 to {layers} (the model's layers), found {cpuMoe}");
        if (cpuMoe > 0 && spec.Moe is null)
            throw new UsageException($"--cpu-moe-layers keeps routed experts on the CPU, and {spec.Architecture} has none (it is a dense model); use --gpu-layers");
        if (cpuMoe > 0)
            inputs.Add(new("experts on the CPU (--n-cpu-moe)", $"the ffn_*_exps of layers 0–{cpuMoe - 1}"));
        inputs.Add(new("machine", machine.Describe()));
        inputs.Add(new("weights loading", options.Mmap
            ? "memory-mapped (llama.cpp's default --mmap)"
            : "read into an allocated CPU buffer (--no-mmap)"));

        return new LlamaCppSettings(requested, nCtx, nCtxSeq, sequences, batch, ubatch, flash, keyType, valueType, ngl, ngl > 0 ? cpuMoe : 0, machine, options.Mmap, inputs, notes);
    }

    private static KvCacheType LlamaCppType(string name, string which)
    {
        var type = KvCacheType.Parse(name);
        if (!type.InLlamaCpp)
            throw new UsageException(
                $"{type.Name} is a vLLM KV cache type; llama.cpp's {which} cache takes {string.Join(", ", KvCacheType.All.Where(t => t.InLlamaCpp).Select(t => t.Name))}",
                KvCacheType.All.Where(t => t.InLlamaCpp).Select(t => t.Name).Take(3).ToList());
        return type;
    }

    private static long Pad(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
