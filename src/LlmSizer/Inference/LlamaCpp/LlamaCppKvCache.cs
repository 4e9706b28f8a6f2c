using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// llama.cpp's KV cache (src/llama-kv-cache.cpp, llama-kv-cache-iswa.cpp, llama-model.cpp <c>create_memory</c>): per layer a
/// K tensor of <c>row(type_k, head_dim_k × kv_heads) × cells × streams</c> bytes and a V tensor likewise; one stream per
/// sequence. Full-attention layers hold n_ctx_seq cells. Architectures with interleaved sliding-window attention keep a second
/// cache for their window layers of <c>min(n_ctx_seq, pad256(window + n_ubatch))</c> cells; Llama 4's chunked layers
/// (<c>LLAMA_SWA_TYPE_CHUNKED</c>, chunk 8192) use the same second cache and the same cell count, since llama-kv-cache-iswa.cpp
/// sizes it from n_swa whatever the SWA type. Multi-head latent attention
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

    public sealed record Buffer(string Cache, string Device, long Bytes, int Layers, long Cells, string Formula, IReadOnlyList<EstimateInput> Inputs);

    /// <summary>One KV cache of llama.cpp (the full-attention one, or the sliding-window one) with its cell count.</summary>
    public sealed record Cache(string Name, long Cells, IReadOnlyList<int> Layers);

    /// <summary>Bytes per cell of one layer: the K row and the V row (0 for MLA).</summary>
    public sealed record Rows(long KeyWidth, long ValueWidth, long KeyBytes, long ValueBytes);

    public static IReadOnlyList<Cache> Caches(ModelSpec spec, LlamaCppSettings settings, List<string> notes)
    {
        bool swa = spec.SlidingWindow is not null && SlidingWindowArchitectures.Contains(spec.Architecture);
        if (spec.SlidingWindow is not null && !swa)
            notes.Add($"{spec.Architecture}: llama.cpp does not use the model's sliding window for this architecture and caches the whole context in every layer");
        var all = Enumerable.Range(0, spec.Layers).ToList();
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

    public static Rows RowsOf(ModelSpec spec, LlamaCppSettings settings)
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
            keyWidth = (long)spec.EffectiveHeadDim * spec.EffectiveKeyValueHeads;
            valueWidth = keyWidth;
        }
        CheckBlocks(settings.KeyType, spec.Mla is { } m ? (long)m.KvLoraRank + m.QkRopeHeadDim : spec.EffectiveHeadDim, keyWidth, "K", settings.FlashAttention);
        if (valueWidth > 0)
            CheckBlocks(settings.ValueType, spec.EffectiveHeadDim, valueWidth, "V", settings.FlashAttention);
        return new Rows(keyWidth, valueWidth, settings.KeyType.RowBytes(keyWidth), valueWidth == 0 ? 0 : settings.ValueType.RowBytes(valueWidth));
    }

    public static IReadOnlyList<Buffer> Place(ModelSpec spec, LlamaCppSettings settings, IReadOnlyList<Cache> caches, Rows rows)
    {
        int gpuStart = settings.GpuStart(spec.Layers);
        var buffers = new List<Buffer>();
        int streams = settings.Sequences;
        foreach (var cache in caches)
        {
            foreach (var (device, layers) in new[] { ("CPU", cache.Layers.Where(l => l < gpuStart).ToList()), ("GPU", cache.Layers.Where(l => l >= gpuStart).ToList()) })
            {
                if (layers.Count == 0)
                    continue;
                long perLayer = checked((rows.KeyBytes + rows.ValueBytes) * cache.Cells * streams);
                long bytes = checked(perLayer * layers.Count);
                string v = rows.ValueBytes == 0
                    ? "no V (latent cache)"
                    : $"V row {rows.ValueBytes} B ({settings.ValueType.Name} × {rows.ValueWidth}{(settings.FlashAttention ? "" : ", stored transposed")})";
                string formula = $"{layers.Count} layers × {cache.Cells} cells × {streams} stream{(streams == 1 ? "" : "s")} × (K row {rows.KeyBytes} B ({settings.KeyType.Name} × {rows.KeyWidth}) + {v}) = {bytes:N0} bytes";
                var inputs = new List<EstimateInput>
                {
                    new("layers", layers.Count == spec.Layers ? $"{layers.Count} (all)" : $"{layers.Count} ({Ranges(layers)})"),
                    new("cells", $"{cache.Cells}"),
                    new("streams", $"{streams}"),
                    new("K row", $"{rows.KeyBytes} bytes = {settings.KeyType.Name} × {rows.KeyWidth}"),
                    new("V row", rows.ValueBytes == 0 ? "none (MLA caches the latent K only)" : $"{rows.ValueBytes} bytes = {settings.ValueType.Name} × {rows.ValueWidth}"),
                };
                buffers.Add(new Buffer(cache.Name, device, bytes, layers.Count, cache.Cells, formula, inputs));
            }
        }
        return buffers;
    }

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
