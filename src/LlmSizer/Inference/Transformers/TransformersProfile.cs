using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Inference.Vllm;
using LlmSizer.Models;
using LlmSizer.Units;

namespace LlmSizer.Inference.Transformers;

/// <summary>
/// GPU memory of Hugging Face transformers running a model on one GPU (<c>from_pretrained(dtype="auto")</c>, then
/// <c>generate</c> or a forward pass): the weights as loaded, the <c>DynamicCache</c> KV cache for batch × context tokens, the
/// activation peak of the prefill, and the CUDA context. The prompt is taken to fill the context, which is the worst case.
/// </summary>
public static class TransformersProfile
{
    /// <summary>
    /// CUDA context and cuBLAS workspace of a PyTorch process: 512 MiB. vLLM v0.19 logs 0.51 GiB of device memory on an H100
    /// before its first allocation (CUDA 12.9, lazy module loading, one-rank NCCL); PyTorch's forum reports 300–700+ MiB for
    /// the first CUDA call depending on GPU and CUDA version.
    /// </summary>
    public const long DefaultCudaContextBytes = 512L << 20;

    /// <summary>Context assumed when none is given: 4096 tokens, or the model's own maximum when smaller.</summary>
    public const int DefaultContextTokens = 4096;

    /// <summary>Estimates transformers with its default settings (<see cref="TransformersSettings.Default"/>).</summary>
    public static MemoryEstimate Estimate(ModelSpec spec, TensorInventory weights, InferenceOptions options) =>
        Estimate(spec, weights, options, TransformersSettings.Default);

    /// <summary>Estimates transformers for <paramref name="spec"/> with the checkpoint <paramref name="weights"/> as it loads it.</summary>
    public static MemoryEstimate Estimate(ModelSpec spec, TensorInventory weights, InferenceOptions options, TransformersSettings settings)
    {
        if (options.Sequences < 1)
            throw new UsageException($"batch size must be at least 1, got {options.Sequences}");
        if (options.TensorParallel != 1)
            throw new UsageException("the transformers profile models one GPU; tensor parallelism is a vLLM option");
        int context = options.ContextTokens ?? (spec.MaxContextTokens > 0 ? Math.Min(DefaultContextTokens, spec.MaxContextTokens) : DefaultContextTokens);
        if (context < 1)
            throw new UsageException($"context must be at least 1 token, got {context}");
        if (options.KvTypeV is { } v && !string.Equals(v.Trim(), (options.KvTypeK ?? "auto").Trim(), StringComparison.OrdinalIgnoreCase))
            throw new UsageException("transformers' DynamicCache stores keys and values in one dtype; give the same type for both");
        int batch = options.Sequences;
        int checkpointDtype = ComputeDtype.BytesOf(weights);
        int dtypeBytes = settings.DtypeBytes ?? checkpointDtype;
        int kvBytes = DynamicCacheSize.ElementBytes(options.KvTypeK, dtypeBytes);
        var attention = settings.Attention ?? options.FlashAttention switch
        {
            true => TransformersAttention.FlashAttention2,
            false => TransformersAttention.Eager,
            null => TransformersAttention.Sdpa,
        };

        var notes = new List<string>();
        var items = new List<EstimateItem>();

        bool gguf = string.Equals(weights.Format, "gguf", StringComparison.OrdinalIgnoreCase);
        // transformers dequantizes GGUF files into torch tensors of the load dtype (integrations/ggml.py).
        long weightBytes = gguf ? weights.Parameters * dtypeBytes : LoadedBytes(weights, settings.DtypeBytes);
        if (gguf)
            notes.Add($"transformers dequantizes GGUF files on load: {Count(weights.Parameters)} parameters × {dtypeBytes} B, not the file's quantized size.");
        items.Add(new EstimateItem("weights", MemoryCategory.Weights, weightBytes,
            gguf
                ? $"{Count(weights.Parameters)} parameters × {dtypeBytes} B (GGUF dequantized) = {Count(weightBytes)} B"
                : settings.DtypeBytes is { } forced && forced != checkpointDtype
                ? $"Σ tensors, float tensors re-cast to {forced} B per parameter = {Count(weightBytes)} B"
                : $"Σ checkpoint tensors as stored = {Count(weightBytes)} B",
            [new("format", weights.Format), new("parameters", Count(weights.Parameters)), new("dtype", DtypeName(dtypeBytes))],
            "transformers from_pretrained(dtype=\"auto\") keeps the checkpoint dtype; quantized formats (GPTQ, AWQ, bitsandbytes, FP8, MXFP4) load as stored; tied embeddings once",
            "GPU"));
        if (weights.Tensors.Any(t => t.Role == TensorRole.Buffer))
            notes.Add("Buffers stored in the checkpoint (rotary frequencies, masks) are recomputed at load time and left out.");

        long kv = DynamicCacheSize.Bytes(spec, batch, context, kvBytes);
        items.Add(KvItem(spec, batch, context, kvBytes, kv));
        if (spec.Recurrent is { } recurrent)
            items.Add(RecurrentItem(spec, recurrent, batch, dtypeBytes));

        var act = TransformersActivation.Prefill(spec, batch, context, dtypeBytes, attention, settings.Run, settings.DoSample);
        items.Add(ActivationItem(spec, act, dtypeBytes, attention, settings.Run));

        items.Add(new EstimateItem("CUDA context", MemoryCategory.Overhead, settings.CudaContextBytes,
            $"{ByteSize.FormatGiB(settings.CudaContextBytes)} per process",
            [new("CUDA_MODULE_LOADING", "LAZY (default since CUDA 12.2)")],
            "vLLM v0.19.0 H100 logs: 0.51 GiB in use before the first tensor (llm-d-planner accuracy/results/v0.19.0); PyTorch forum " +
            "'What is the reason for pytorch's GPU memory floor' (the first CUDA call creates the context, hundreds of MiB)",
            "GPU"));

        notes.Add("The peak is at the prefill: the prompt is taken to fill the whole context, so the KV cache and the prefill activations coexist.");
        notes.Add("PyTorch's caching allocator reserves more than it allocates: DynamicCache grows by torch.cat every token, so nvidia-smi shows " +
                  "fragmentation on top of these figures (torch.cuda.max_memory_allocated matches them better).");
        if (attention == TransformersAttention.Sdpa && batch > 1)
            notes.Add("With padded prompts of different lengths sdpa needs a 4-D boolean mask (batch × seq² bytes) and may pick the memory-efficient kernel; equal lengths assumed.");
        if (attention != TransformersAttention.Eager && spec.Architecture is "gemma2")
            notes.Add("Gemma 2 uses attention logit soft-capping, which sdpa and flash-attention implement only in recent versions; transformers recommends eager for it.");
        if (spec.SlidingWindow is { Chunked: true } chunk)
            notes.Add($"Chunked-attention layers keep the last {chunk.WindowTokens - 1} tokens: transformers caches them with DynamicSlidingWindowLayer(sliding_window = attention_chunk_size), as it does sliding layers (only the mask differs); before 4.56 Llama 4 used a preallocated HybridChunkedCache instead.");
        else if (spec.SlidingWindow is not null)
            notes.Add($"Sliding-window layers keep the last {spec.SlidingWindow.WindowTokens - 1} tokens (DynamicSlidingWindowLayer); transformers 4.42–4.55 used a preallocated HybridCache instead, of about the same size at full context.");
        if (options.GpuMemoryBytes is { } gpu)
        {
            long total = items.Sum(i => i.Bytes);
            notes.Add(total <= gpu
                ? $"Fits in {ByteSize.FormatGiB(gpu)} with {ByteSize.FormatGiB(gpu - total)} to spare."
                : $"Needs {ByteSize.FormatGiB(total)}, more than the {ByteSize.FormatGiB(gpu)} GPU: out of memory (device_map=\"auto\" would offload layers to CPU).");
        }

        List<EstimateInput> settingsList =
        [
            new("engine", "Hugging Face transformers ≥ 4.56 (DynamicCache(config), layer-typed caches), PyTorch eager execution"),
            new("weights", VllmProfile.WeightsSetting(weights, options)),
            new("dtype", DtypeName(dtypeBytes) + (settings.DtypeBytes is null ? " (auto: the checkpoint's)" : "")),
            new("attn_implementation", AttentionName(attention) + (settings.Attention is null && options.FlashAttention is null ? " (default)" : "")),
            new("batch size", batch.ToString(CultureInfo.InvariantCulture)),
            new("context", Count(context) + (options.ContextTokens is null ? $" (default: {DefaultContextTokens} or the model's maximum if smaller)" : "") + ", all of it prompt"),
            new("cache", "DynamicCache (default of generate)"),
            new("KV dtype", (options.KvTypeK ?? "auto") + $" ({kvBytes} B per element)"),
            new("run", settings.Run == TransformersRun.Generate ? "generate (logits_to_keep=1, FP32 copy of the last logits)" : "forward (logits for every position)"),
            new("do_sample", settings.DoSample ? "true (top-k/top-p sort the vocabulary)" : "false (GenerationConfig default: greedy)"),
            new("CUDA context", ByteSize.FormatGiB(settings.CudaContextBytes)),
            new("devices", "one GPU, no offload"),
        ];
        return new MemoryEstimate(InferenceEngine.Transformers, context, settingsList, items, notes);
    }

    /// <summary>Bytes the weights take once loaded: buffers are skipped; float tensors take <paramref name="dtypeBytes"/> per parameter when set.</summary>
    public static long LoadedBytes(TensorInventory weights, int? dtypeBytes) =>
        weights.Tensors.Where(t => t.Role != TensorRole.Buffer).Sum(t =>
            dtypeBytes is { } b && t.Role == TensorRole.Weight && IsFloat(t.Type) ? t.Parameters * b : t.Bytes);

    private static bool IsFloat(string type) => type.ToUpperInvariant() is "F32" or "F16" or "BF16" or "FP32" or "FP16";

    private static EstimateItem KvItem(ModelSpec spec, int batch, long context, int kvBytes, long bytes)
    {
        long perToken = DynamicCacheSize.BytesPerTokenPerLayer(spec, kvBytes);
        int sliding = Enumerable.Range(0, spec.Layers).Count(spec.IsSlidingLayer);
        string tokens = sliding == 0
            ? $"{spec.AttentionLayerCount} {(spec.Recurrent is null ? "" : "attention ")}layers × {Count(context)} tokens"
            : $"({spec.Layers - sliding} full layers × {Count(context)} + {sliding} sliding layers × {Count(Math.Min(context, spec.SlidingWindow!.WindowTokens - 1L))}) tokens";
        string perTokenFormula = spec.Mla is { } mla
            ? $"{spec.AttentionHeads} heads × (k {mla.QkNopeHeadDim + mla.QkRopeHeadDim} + v {mla.VHeadDim}) × {kvBytes} B"
            : $"2 × {spec.EffectiveKeyValueHeads} kv_heads × head_dim {spec.EffectiveHeadDim} × {kvBytes} B";
        return new EstimateItem("KV cache (DynamicCache)", MemoryCategory.KvCache, bytes,
            $"batch {batch} × {tokens} × {perTokenFormula} = {Count(bytes)} B",
            [new("bytes per token per layer", Count(perToken)), new("batch", batch.ToString(CultureInfo.InvariantCulture)), new("context", Count(context))],
            "transformers cache_utils.py: DynamicLayer concatenates [batch, kv_heads, seq, head_dim] keys and values; DynamicSlidingWindowLayer keeps " +
            "the last sliding_window − 1; DeepSeek-V2/V3 (modeling_deepseek_v3.py) cache the per-head keys and values after kv_b_proj",
            "GPU");
    }

    private static EstimateItem RecurrentItem(ModelSpec spec, RecurrentSpec r, int batch, int dtypeBytes)
    {
        long bytes = DynamicCacheSize.RecurrentStateBytes(spec, batch, dtypeBytes);
        string matrix = r.Kind switch
        {
            RecurrentKind.GatedDeltaNet => $" + state {r.Heads} value heads × {r.StateSize} × {r.HeadDim} × 4 B (float32)",
            RecurrentKind.Mamba2 => $" + state {r.Heads} heads × {r.HeadDim} × {r.StateSize} × {dtypeBytes} B",
            _ => "",
        };
        return new EstimateItem("recurrent state (conv + state)", MemoryCategory.KvCache, bytes,
            $"batch {batch} × {r.Count(LayerMixer.Recurrent)} recurrent layers × (conv {r.ConvKernel} × {Count(r.ConvChannels(spec.HiddenSize))} channels × {dtypeBytes} B{matrix}) = {Count(bytes)} B",
            [new("recurrent layers", r.Count(LayerMixer.Recurrent).ToString(CultureInfo.InvariantCulture)), new("batch", batch.ToString(CultureInfo.InvariantCulture)),
             new("context", "does not matter: the state has a fixed size")],
            "transformers modeling_qwen3_next.py (Qwen3NextDynamicCache conv_states [batch, conv_dim, kernel], recurrent_states from the float32 delta rule), " +
            "modeling_granitemoehybrid.py / modeling_lfm2.py (HybridMambaAttentionDynamicCache, Lfm2HybridConvCache)",
            "GPU");
    }

    private static EstimateItem ActivationItem(ModelSpec spec, TransformersActivationPeak act, int dtypeBytes, TransformersAttention attention, TransformersRun run)
    {
        string layer = $"batch {act.Batch} × {Count(act.Tokens)} tokens × {Count(act.PerTokenElements)} × {dtypeBytes} B = {Count(act.Layer)}";
        if (attention == TransformersAttention.Eager)
            layer += $" + scores {act.Batch} × {spec.AttentionHeads} heads × {Count(act.Tokens)}² × {TransformersActivation.EagerScoreBytes} B = {Count(act.AttentionScores)}" +
                     $" + masks {Count(act.Masks)}";
        string logits = run == TransformersRun.Generate
            ? $"last-position logits {act.Batch} × {Count(spec.VocabSize)} × ({dtypeBytes} + 4) B"
            : $"logits {act.Batch} × {Count(act.Tokens)} × {Count(spec.VocabSize)} × {dtypeBytes} B";
        return new EstimateItem("activation peak (prefill)", MemoryCategory.Compute, act.Bytes,
            $"max({layer}, final hidden 2 × {act.Batch} × {Count(act.Tokens)} × {spec.HiddenSize} × {dtypeBytes} B + {logits} = {Count(act.LogitsStage)})",
            [new("attn_implementation", AttentionName(attention)), new("per-token working set", "4 × hidden + max(MLP, attention temporaries)"),
             new("logits", Count(act.Logits))],
            "transformers modeling_llama.py (LlamaMLP, eager_attention_forward: matmul, mask add, softmax(dtype=float32).to(dtype)), " +
            "generation/utils.py (logits_to_keep=1; next_token_logits = logits[:, -1, :].to(float32, copy=True)); no_grad frees each layer's temporaries",
            "GPU");
    }

    private static string AttentionName(TransformersAttention a) => a switch
    {
        TransformersAttention.Eager => "eager",
        TransformersAttention.FlashAttention2 => "flash_attention_2",
        _ => "sdpa",
    };

    private static string DtypeName(int bytes) => bytes == 4 ? "float32" : "bfloat16/float16";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
