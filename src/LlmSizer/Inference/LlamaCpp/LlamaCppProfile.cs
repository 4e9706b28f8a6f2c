using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Models;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// llama.cpp's memory for one model: the model buffers per device under <c>-ngl</c>, the KV cache, the compute buffers and
/// the output (logits) buffer — the four kinds of buffer llama.cpp allocates and logs (<c>model buffer size</c>,
/// <c>KV buffer size</c>, <c>compute buffer size</c>, <c>output buffer size</c>). Rules read from llama.cpp's source (the
/// release node-llama-cpp 3.22.1 bundles) and checked against that build's own numbers; docs/METHOD.md ("llama.cpp") gives
/// each rule and its source, docs/ACCURACY.md the measured error. Bytes throughout; every item names its device
/// (<c>CPU</c> = system memory, <c>GPU</c> = device memory).
/// </summary>
public static class LlamaCppProfile
{
    /// <summary>Item names, as the buffers llama.cpp logs.</summary>
    public const string HostWeights = "model buffer CPU", MappedWeights = "model buffer CPU_Mapped", RepackedWeights = "model buffer CPU_REPACK", GpuWeights = "model buffer GPU",
        KvCache = "KV buffer", RecurrentState = "RS buffer", ComputeBuffer = "compute buffer", OutputBuffer = "output buffer (logits)";

    /// <summary>
    /// Estimates llama.cpp's memory for <paramref name="spec"/> with the weights <paramref name="weights"/> (the GGUF layout:
    /// the tensors of a GGUF file, or a predicted inventory with llama.cpp's tensor names, in file order) run with
    /// <paramref name="options"/>. The machine is a GPU build when any layer is offloaded and a CPU-only x86-64 AVX2 build when
    /// none is (<see cref="LlamaCppMachine.DefaultFor"/>); the other overload takes it explicitly.
    /// </summary>
    /// <exception cref="UsageException">An option llama.cpp refuses (a quantized V cache without flash attention, a vLLM cache type…).</exception>
    public static MemoryEstimate Estimate(ModelSpec spec, TensorInventory weights, InferenceOptions options) =>
        Estimate(spec, weights, options, machine: null);

    /// <summary>As <see cref="Estimate(ModelSpec, TensorInventory, InferenceOptions)"/>, on <paramref name="machine"/> (null: the default for the options).</summary>
    public static MemoryEstimate Estimate(ModelSpec spec, TensorInventory weights, InferenceOptions options, LlamaCppMachine? machine)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Engine != InferenceEngine.LlamaCpp)
            throw new UsageException($"the llama.cpp profile estimates --engine llama.cpp, not {options.Engine}");
        if (!string.Equals(weights.Format, "gguf", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"llama.cpp loads GGUF weights; this inventory is {weights.Format} (predict the GGUF layout first)");

        var settings = LlamaCppSettings.Resolve(spec, options, machine);
        var notes = new List<string>(settings.Notes);
        var items = new List<EstimateItem>();
        const string loadSource = "llama.cpp src/llama-model.cpp load_tensors (layer placement, i_gpu_start), src/llama-model-loader.cpp create_tensor and get_mapping_range";

        foreach (var b in LlamaCppWeights.Place(weights, spec.Layers, settings, notes))
        {
            string name = b.Name switch
            {
                "CPU_Mapped" => MappedWeights,
                "CPU" => HostWeights,
                "CPU_REPACK" => RepackedWeights,
                _ => GpuWeights,
            };
            string source = b.Name switch
            {
                "CPU_REPACK" => "ggml/src/ggml-cpu/repack.cpp (which types each CPU repacks), " + loadSource,
                "GPU" => "ggml/src/ggml-cuda/ggml-cuda.cu (allocation size: 128-byte alignment, MATRIX_ROW_PADDING 512), " + loadSource,
                _ => loadSource,
            };
            items.Add(new EstimateItem(name, MemoryCategory.Weights, b.Bytes, b.Formula,
                [new("tensors", $"{b.Tensors}"), new("ngl", $"{settings.GpuLayers}")], source, b.Device));
        }

        var caches = LlamaCppKvCache.Caches(spec, settings, notes);
        var rows = LlamaCppKvCache.RowsOf(spec, settings);
        foreach (var b in LlamaCppKvCache.Place(spec, settings, caches, rows))
            items.Add(new EstimateItem(b.Cache == "KV" ? KvCache : $"{KvCache} (sliding window)", MemoryCategory.KvCache, b.Bytes, b.Formula, b.Inputs,
                "llama.cpp src/llama-kv-cache.cpp (K/V tensors per layer and stream), src/llama-kv-cache-iswa.cpp (sliding-window cells), src/llama-context.cpp (n_ctx padding)",
                b.Device));
        foreach (var b in LlamaCppRecurrentState.Place(spec, settings))
            items.Add(new EstimateItem(RecurrentState, MemoryCategory.KvCache, b.Bytes, b.Formula, b.Inputs,
                "llama.cpp src/llama-memory-recurrent.cpp (r and s tensors per recurrent layer), src/llama-hparams.cpp (n_embd_r, n_embd_s), src/llama-model.cpp create_memory (one row per sequence)",
                b.Device));
        if (spec.Recurrent is { } recurrent)
            notes.Add($"hybrid model: only the {spec.AttentionLayerCount} attention layers keep a KV cache; the {recurrent.Count(LayerMixer.Recurrent)} recurrent layers keep a fixed-size state per sequence (the RS buffer), whatever the context");
        if (spec.Mla is not null)
            notes.Add("multi-head latent attention: llama.cpp caches one latent row (kv_lora_rank + rope dims) per token and layer and no V, for GGUFs converted since its MLA rework (files with key_length_mla)");

        foreach (var b in LlamaCppCompute.Buffers(spec, settings, caches, rows, LlamaCppWeights.LargestHostMatrix(weights, spec.Layers, settings), notes))
        {
            var phases = string.Join("; ", b.Phases.Select(p => $"{p.Name} {p.Bytes:N0}"));
            items.Add(new EstimateItem($"{ComputeBuffer} {b.Device}", MemoryCategory.Compute, b.Bytes,
                $"largest of the graph's peaks ({phases}): {b.Peak.Name} = {b.Peak.Formula} = {b.Bytes:N0} bytes",
                b.Inputs,
                "llama.cpp src/llama-context.cpp sched_reserve (worst-case graph), src/llama-graph.cpp build_attn_mha, ggml/src/ggml-alloc.c; hidden-size terms fitted to llama.cpp's measured buffers (docs/ACCURACY.md)",
                b.Device));
        }

        long logits = checked(4 * spec.VocabSize * settings.Sequences);
        items.Add(new EstimateItem(OutputBuffer, MemoryCategory.Compute, logits,
            $"4 bytes × {spec.VocabSize} vocab × {settings.Sequences} sequence{(settings.Sequences == 1 ? "" : "s")} = {logits:N0} bytes (one row of logits per sequence, in host memory)",
            [new("vocabulary", $"{spec.VocabSize}"), new("outputs reserved", $"{settings.Sequences} (one per sequence)")],
            "llama.cpp src/llama-context.cpp output_reserve", "CPU"));

        if (spec.KeyValueHeads is null && spec.Mla is null)
            notes.Add("the model states no KV head count: multi-head attention assumed");

        var settingsList = new List<EstimateInput>(settings.Inputs)
        {
            new("KV cells", string.Join(", ", caches.Select(c => $"{c.Name}: {c.Cells} × {settings.Sequences} stream{(settings.Sequences == 1 ? "" : "s")} ({c.Layers.Count} layers)"))),
        };
        return new MemoryEstimate(InferenceEngine.LlamaCpp, settings.ContextTokens, settingsList, items, notes);
    }
}
