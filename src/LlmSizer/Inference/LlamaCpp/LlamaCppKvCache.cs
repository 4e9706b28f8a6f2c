using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// llama.cpp's KV cache (src/llama-kv-cache.cpp, llama-kv-cache-iswa.cpp, llama-model.cpp <c>create_memory</c>): per layer a
/// K tensor of <c>row(type_k, head_dim_k × kv_heads) × cells × streams</c> bytes and a V tensor likewise; one stream per
/// sequence. Full-attention layers hold n_ctx_seq cells. Architectures with interleaved sliding-window attention keep a second
/// cache for their window layers of <c>min(n_ctx_seq, pad256(window + n_ubatch))</c> cells; Llama 4's chunked layers
/// (<c>LLAMA_SWA_TYPE_CHUNKED</c>, chunk 8192) use the same second cache and the same cell count, since llama-kv-cache-iswa.cpp
/// sizes it from n_swa whatever the SWA type. With per-layer KV heads (<see cref="ModelSpec.KeyValueHeadsPerLayer"/>) each layer's
/// K row is head_dim × its own KV heads; so is its V row with flash attention, while without it (V stored transposed) every layer's
/// V is padded to the widest layer's, as llama-kv-cache.cpp does (n_embd_v_gqa_max, "padding V cache"); layers with no KV heads
/// keep no cache. Multi-head latent attention
/// (DeepSeek-2/3) caches one K row of kv_lora_rank + rope dims per token and no V. Each cache's tensors go to the device of their
/// layer, one buffer per device.
/// </summary>
internal static class LlamaCppKvCache
{
    /// <summary>
    /// The llama.cpp architectures whose graph uses interleaved SWA (Hugging Face model_type spellings): standard windows for
    /// Gemma 2/3, gpt-oss and Cohere2 (llama_kv_cache_iswa with LLAMA_SWA_TYPE_STANDARD), chunks for Llama 4 (LLAMA_SWA_TYPE_CHUNKED).
    /// </summary>
    private static readonly HashSet<string> SlidingWindowArchitectures = new(StringComparer.OrdinalIgnoreCase)
    {
        "gemma2", "gemma3", "gemma3_text", "gpt_oss", "gpt-oss", "cohere2", "llama4", "llama4_text",
    };

    /// <summary>Whether llama.cpp's graph honours <paramref name="spec"/>'s sliding window (else every layer attends to the whole context).</summary>
    internal static bool UsesSlidingWindow(ModelSpec spec) =>
        spec.SlidingWindow is not null && SlidingWindowArchitectures.Contains(spec.Architecture);

    public sealed record Buffer(string Cache, string Device, long Bytes, int Layers, long Cells, string Formula, IReadOnlyList<EstimateInput> Inputs);

    /// <summary>One KV cache of llama.cpp (the full-attention one, or the sliding-window one) with its cell count.</summary>
    public sealed record Cache(string Name, long Cells, IReadOnlyList<int> Layers);

    /// <summary>Bytes per cell of one layer: the K row and the V row (0 for MLA).</summary>
    public sealed record Rows(long KeyWidth, long ValueWidth, long KeyBytes, long ValueBytes);

    public static IReadOnlyList<Cache> Caches(ModelSpec spec, LlamaCppSettings settings, List<string> notes)
    {
        bool swa = UsesSlidingWindow(spec);
        if (spec.SlidingWindow is not null && !swa)
            notes.Add($"{spec.Architecture}: llama.cpp does not use the model's sliding window for this architecture and caches the whole context in every layer");
        // A layer with no KV heads keeps no cache (llama.cpp's has_kv / hybrid-memory filter skips it).
        var all = Enumerable.Range(0, spec.Layers).Where(l => spec.Mla is not null || spec.KeyValueHeadsAt(l) > 0).ToList();
        if (!swa)
            return [new Cache("KV", settings.ContextPerSequence, all)];

        var window = spec.SlidingWindow!;
        var slidingLayers = all.Where(spec.IsSlidingLayer).ToList();
        var fullLayers = all.Where(l => !spec.IsSlidingLayer(l)).ToList();
        // llama-kv-cache-iswa.cpp: window (× sequences only for a unified cache) + n_ubatch, padded to 256, at most the full size.
        long cells = Math.Min(settings.ContextPerSequence,
            Pad((long)window.WindowTokens + settings.MicroBatchTokens, LlamaCppSettings.ContextPadding));
        var caches = new List<Cache>();
        if (fullLayers.Count > 0)
            caches.Add(new Cache("KV", settings.ContextPerSequence, fullLayers));
        if (slidingLayers.Count > 0)
            caches.Add(new Cache("KV (sliding window)", cells, slidingLayers));
        if (window.Chunked && slidingLayers.Count > 0)
            notes.Add($"chunked attention: llama.cpp keeps a {window.WindowTokens}-token chunk plus one micro-batch for the {slidingLayers.Count} chunked layers, " +
                      "the same SWA cache size it gives a sliding window of that length (llama-kv-cache-iswa.cpp)");
        return caches;
    }

    /// <summary>
    /// The rows of the widest layer (the most KV heads), which bound every layer's: what the compute graph's transposed-V
    /// views and llama.cpp's V padding use. For a uniform model these are every layer's rows.
    /// </summary>
    public static Rows RowsOf(ModelSpec spec, LlamaCppSettings settings) => RowsFor(spec, settings, spec.EffectiveKeyValueHeads);

    /// <summary>The rows of layer <paramref name="layer"/>: its own KV heads for K (and for V with flash attention).</summary>
    public static Rows RowsAt(ModelSpec spec, LlamaCppSettings settings, int layer) =>
        RowsFor(spec, settings, spec.Mla is null ? spec.KeyValueHeadsAt(layer) : spec.EffectiveKeyValueHeads);

    private static Rows RowsFor(ModelSpec spec, LlamaCppSettings settings, int kvHeads)
    {
        long keyWidth, valueWidth;
        if (spec.Mla is { } mla)
        {
            // The latent cache: the compressed KV (kv_lora_rank) and the shared rope key, one "head", no V tensor.
            keyWidth = (long)mla.KvLoraRank + mla.QkRopeHeadDim;
            valueWidth = 0;
        }
        else
        {
            keyWidth = (long)spec.EffectiveHeadDim * kvHeads;
            // Without flash attention V is stored transposed and llama-kv-cache.cpp gives every layer the widest layer's V
            // (n_embd_v_gqa_max), so that one view stride serves all layers.
            valueWidth = settings.FlashAttention ? keyWidth : (long)spec.EffectiveHeadDim * spec.EffectiveKeyValueHeads;
        }
        CheckBlocks(settings.KeyType, spec.Mla is { } m ? (long)m.KvLoraRank + m.QkRopeHeadDim : spec.EffectiveHeadDim, keyWidth, "K", settings.FlashAttention);
        if (valueWidth > 0)
            CheckBlocks(settings.ValueType, spec.EffectiveHeadDim, valueWidth, "V", settings.FlashAttention);
        return new Rows(keyWidth, valueWidth, settings.KeyType.RowBytes(keyWidth), valueWidth == 0 ? 0 : settings.ValueType.RowBytes(valueWidth));
    }

    /// <summary>
    /// The cache buffers, one per cache and device. <paramref name="rows"/> (the widest layer's) sizes every layer of a uniform
    /// model; with per-layer KV heads each layer uses its own rows (<see cref="RowsAt"/>), and the formula sums the layers by width.
    /// </summary>
    public static IReadOnlyList<Buffer> Place(ModelSpec spec, LlamaCppSettings settings, IReadOnlyList<Cache> caches, Rows rows)
    {
        int gpuStart = settings.GpuStart(spec.Layers);
        var buffers = new List<Buffer>();
        int streams = settings.Sequences;
        bool perLayer = spec.Mla is null && spec.HasPerLayerKeyValueHeads;
        foreach (var cache in caches)
        {
            foreach (var (device, layers) in new[] { ("CPU", cache.Layers.Where(l => l < gpuStart).ToList()), ("GPU", cache.Layers.Where(l => l >= gpuStart).ToList()) })
            {
                if (layers.Count == 0)
                    continue;
                // Layers of equal rows, in order of first appearance.
                var widths = perLayer
                    ? layers.GroupBy(l => RowsAt(spec, settings, l)).Select(g => (Rows: g.Key, Layers: g.Count())).ToList()
                    : [(Rows: rows, Layers: layers.Count)];
                long bytes = 0;
                var terms = new List<string>();
                foreach (var (r, count) in widths)
                {
                    bytes = checked(bytes + (r.KeyBytes + r.ValueBytes) * cache.Cells * streams * count);
                    terms.Add($"{count} layers × {cache.Cells} cells × {streams} stream{(streams == 1 ? "" : "s")} × (K row {r.KeyBytes} B ({settings.KeyType.Name} × {r.KeyWidth}) + {ValueTerm(settings, r)})");
                }
                string formula = $"{string.Join(" + ", terms)} = {bytes:N0} bytes";
                var inputs = new List<EstimateInput>
                {
                    new("layers", layers.Count == spec.Layers ? $"{layers.Count} (all)" : $"{layers.Count} ({Ranges(layers)})"),
                    new("cells", $"{cache.Cells}"),
                    new("streams", $"{streams}"),
                    new("K row", string.Join("; ", widths.Select(w => $"{w.Rows.KeyBytes} bytes = {settings.KeyType.Name} × {w.Rows.KeyWidth}" + (perLayer ? $" ({w.Layers} layers)" : "")))),
                    new("V row", rows.ValueBytes == 0 ? "none (MLA caches the latent K only)"
                        : string.Join("; ", widths.Select(w => $"{w.Rows.ValueBytes} bytes = {settings.ValueType.Name} × {w.Rows.ValueWidth}" + (perLayer ? $" ({w.Layers} layers)" : "")))),
                };
                if (perLayer && !settings.FlashAttention)
                    inputs.Add(new("V padding", $"without flash attention every layer's V row is the widest layer's ({rows.ValueWidth} values; llama-kv-cache.cpp n_embd_v_gqa_max)"));
                buffers.Add(new Buffer(cache.Name, device, bytes, layers.Count, cache.Cells, formula, inputs));
            }
        }
        return buffers;
    }

    private static string ValueTerm(LlamaCppSettings settings, Rows r) => r.ValueBytes == 0
        ? "no V (latent cache)"
        : $"V row {r.ValueBytes} B ({settings.ValueType.Name} × {r.ValueWidth}{(settings.FlashAttention ? "" : ", stored transposed")})";

    /// <summary>With flash attention llama.cpp refuses a quantized cache whose head size is not whole blocks.</summary>
    private static void CheckBlocks(KvCacheType type, long headDim, long width, string which, bool flash)
    {
        if (flash && type.IsQuantized && headDim % type.BlockElements != 0)
            throw new UsageException($"{which} cache type {type.Name} packs {type.BlockElements} values per block, which does not divide the head size {headDim}; llama.cpp refuses this cache type for this model");
        if (!type.Fits(width))
            throw new UsageException($"{which} cache type {type.Name} packs {type.BlockElements} values per block, which does not divide a cache row of {width} values");
    }

    private static string Ranges(IReadOnlyList<int> layers)
    {
        var parts = new List<string>();
        for (int i = 0; i < layers.Count;)
        {
            int j = i;
            while (j + 1 < layers.Count && layers[j + 1] == layers[j] + 1)
                j++;
            parts.Add(i == j ? $"{layers[i]}" : $"{layers[i]}–{layers[j]}");
            i = j + 1;
        }
        return parts.Count > 6 ? $"{string.Join(", ", parts.Take(6))}, …" : string.Join(", ", parts);
    }

    private static long Pad(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
