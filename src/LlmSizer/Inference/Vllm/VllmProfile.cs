using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Models;
using LlmSizer.Units;

namespace LlmSizer.Inference.Vllm;

/// <summary>
/// vLLM's GPU memory on one tensor-parallel rank, following its v1 engine: the weights as loaded (plus the rotary cache), the
/// activation peak of the profiling run, non-torch memory, then the KV cache filling what is left of
/// gpu_memory_utilization × GPU memory in pages of 16 tokens. Outside that budget: the CUDA context and the CUDA-graph pool.
/// Reports the KV capacity in tokens and the maximum concurrency at max_model_len as vLLM logs them.
/// </summary>
public static class VllmProfile
{
    /// <summary>vLLM's default <c>--gpu-memory-utilization</c>.</summary>
    public const double DefaultGpuMemoryUtilization = 0.9;

    /// <summary>Non-torch memory the profiling run adds on one GPU: 0.24–0.26 GiB in vLLM v0.19 logs on an H100 (0.25 GiB).</summary>
    public const long NonTorchSingleGpuBytes = 256L << 20;

    /// <summary>Non-torch memory with tensor parallelism (all-reduce buffers): 2.06–2.21 GiB per GPU in vLLM v0.19 logs at TP 2 and 4 (2.1 GiB).</summary>
    public const long NonTorchTensorParallelBytes = 2150L << 20;

    /// <summary>CUDA context (and NCCL communicator) before vLLM's first memory snapshot: 0.51 GiB on one H100 in vLLM v0.19 logs.</summary>
    public const long CudaContextSingleGpuBytes = 522L << 20;

    /// <summary>The same with tensor parallelism: 1.53–1.55 GiB per GPU at TP 2 and 4 in the same logs.</summary>
    public const long CudaContextTensorParallelBytes = 1567L << 20;

    /// <summary>CUDA-graph pool, fixed part: fitted to 16 vLLM v0.19 logs ("Graph capturing finished … took G GiB", 0.67–1.23 GiB).</summary>
    public const long CudaGraphBaseBytes = 512L << 20;

    /// <summary>CUDA-graph pool, per decoder layer (same fit, within ±16% for dense models, one outlier at +34%).</summary>
    public const long CudaGraphPerLayerBytes = 12L << 20;

    /// <summary>vLLM's batch defaults switch to the larger tier on GPUs with at least this much memory (A100s excepted).</summary>
    public const long LargeGpuBytes = 70L << 30;

    /// <summary>Estimates vLLM with its default settings (<see cref="VllmSettings.Default"/>).</summary>
    public static MemoryEstimate Estimate(ModelSpec spec, TensorInventory weights, InferenceOptions options) =>
        Estimate(spec, weights, options, VllmSettings.Default);

    /// <summary>
    /// Estimates vLLM for <paramref name="spec"/> with the checkpoint <paramref name="weights"/> as vLLM loads it. Byte figures are
    /// per GPU (rank). Without <see cref="InferenceOptions.GpuMemoryBytes"/> the KV item is what <see cref="InferenceOptions.Sequences"/>
    /// requests of max_model_len need, and no capacity is reported.
    /// </summary>
    public static MemoryEstimate Estimate(ModelSpec spec, TensorInventory weights, InferenceOptions options, VllmSettings settings)
    {
        int tp = options.TensorParallel;
        VllmWeights.ValidateTensorParallel(spec, tp);
        double util = options.GpuMemoryUtilization ?? DefaultGpuMemoryUtilization;
        if (!(util > 0 && util <= 1))
            throw new UsageException($"gpu_memory_utilization must be in (0, 1], got {util.ToString(CultureInfo.InvariantCulture)}");
        long? gpu = options.GpuMemoryBytes;
        if (gpu is <= 0)
            throw new UsageException($"GPU memory must be positive, got {gpu}");
        if (options.Sequences < 1)
            throw new UsageException($"sequences must be at least 1, got {options.Sequences}");
        int maxModelLen = options.ContextTokens ?? spec.MaxContextTokens;
        if (maxModelLen <= 0)
            throw new UsageException("vLLM needs max_model_len: the model states no context length, so give the context in tokens");
        if (options.KvTypeV is { } v && !string.Equals(v.Trim(), (options.KvTypeK ?? "auto").Trim(), StringComparison.OrdinalIgnoreCase))
            throw new UsageException("vLLM stores keys and values in one --kv-cache-dtype; give the same type for both");

        int dtypeBytes = settings.ModelDtypeBytes ?? ComputeDtype.BytesOf(weights);
        int kvBytes = VllmKvCache.ElementBytes(options.KvTypeK, dtypeBytes);
        bool largeTier = gpu >= LargeGpuBytes;
        int maxBatched = options.MaxBatchedTokens ?? DefaultMaxBatchedTokens(settings.UsageContext, largeTier);
        int maxSeqs = settings.MaxNumSeqs ?? (largeTier ? 1024 : 256);
        if (maxBatched < 1 || maxSeqs < 1)
            throw new UsageException("max_num_batched_tokens and max_num_seqs must be positive");

        var notes = new List<string>();
        var items = new List<EstimateItem>();

        // Weights and the rotary cache: together vLLM's "Model loading took … GiB".
        long checkpoint = 0;
        bool buffers = false;
        foreach (var t in weights.Tensors)
        {
            if (t.Role == TensorRole.Buffer)
                buffers = true;
            else
                checkpoint = checked(checkpoint + t.Bytes);
        }
        long weightBytes = VllmWeights.BytesPerRank(weights, spec, tp);
        items.Add(WeightsItem(spec, weights, tp, checkpoint, weightBytes));
        if (buffers)
            notes.Add("Buffers stored in the checkpoint (rotary frequencies, masks) are not loaded by vLLM and are left out.");
        long rotary = VllmWeights.RotaryCacheBytes(spec, dtypeBytes);
        if (rotary > 0)
            items.Add(new EstimateItem("rotary cos/sin cache", MemoryCategory.Weights, rotary,
                $"max_position {spec.MaxContextTokens} × rotary_dim {VllmWeights.RotaryDim(spec)} × {dtypeBytes} B",
                [new("max_position_embeddings", Count(spec.MaxContextTokens)), new("rotary_dim", VllmWeights.RotaryDim(spec).ToString(CultureInfo.InvariantCulture)),
                 new("dtype", ComputeDtype.Name(dtypeBytes))],
                "vLLM rotary_embedding/base.py: cos and sin halves of [max_position, rotary_dim] cast to the model dtype, one table shared by all " +
                "layers and kept whole on every rank; YaRN scalings (deepseek_scaling_rope.py) span original length × factor, which ModelSpec holds as its context",
                "GPU"));

        var act = VllmActivation.ProfilePeak(spec, maxBatched, maxSeqs, dtypeBytes, tp);
        items.Add(ActivationItem(spec, act, dtypeBytes));

        long nonTorch = tp > 1 ? NonTorchTensorParallelBytes : NonTorchSingleGpuBytes;
        items.Add(new EstimateItem("non-torch memory", MemoryCategory.Overhead, nonTorch,
            tp > 1 ? "2.1 GiB per GPU with tensor parallelism (all-reduce buffers)" : "0.25 GiB on one GPU",
            [new("tensor_parallel_size", tp.ToString(CultureInfo.InvariantCulture))],
            "vLLM gpu_worker.py memory_profiling: non-torch increase from the first snapshot to after the profiling run; value measured " +
            "in vLLM v0.19.0 logs on H100 (llm-d-planner accuracy/results/v0.19.0, 0.24–0.26 GiB at TP 1, 2.06–2.21 GiB at TP 2–4)",
            "GPU"));

        long graphs = settings.EnforceEager ? 0 : CudaGraphBaseBytes + CudaGraphPerLayerBytes * spec.Layers;

        long nonKvInBudget = weightBytes + rotary + act.Bytes + nonTorch + (settings.CudaGraphsInBudget ? graphs : 0);
        var layout = VllmKvCache.Layout(spec, tp, kvBytes, settings.BlockSize, dtypeBytes);
        if (layout.RecurrentLayers > 0)
            notes.Add($"Hybrid model: each of the {layout.RecurrentLayers} recurrent layers keeps one {Count(layout.StateBytes)} B state per request (padded to the " +
                      $"{Count(layout.PageBytes)} B page), and vLLM raises the attention block to {layout.BlockSize} tokens so that a page holds it. Modelled " +
                      "without prefix caching of the recurrent state (mamba_cache_mode none); the activation peak is the dense-model fit.");
        long perRequestBlocks = VllmKvCache.BlocksPerRequest(layout, maxModelLen, maxBatched);

        long? kvTokens = null;
        double? concurrency = null;
        long kvCacheBytes;
        long requested = 0;
        if (gpu is { } total)
        {
            requested = (long)Math.Floor(total * util);
            long available = requested - nonKvInBudget;
            long blocks = VllmKvCache.Blocks(layout, available);
            kvCacheBytes = blocks * layout.BlockBytes;
            kvTokens = VllmKvCache.Tokens(layout, blocks);
            concurrency = VllmKvCache.MaxConcurrency(layout, blocks, maxModelLen, maxBatched);
            items.Add(KvItem(spec, tp, layout, kvCacheBytes,
                $"⌊(⌊{util.ToString(CultureInfo.InvariantCulture)} × {Count(total)} B⌋ − {Count(nonKvInBudget)} B non-KV) / block {Count(layout.BlockBytes)} B⌋ = {Count(blocks)} blocks × {Count(layout.BlockBytes)} B",
                kvBytes, blocks, available));
            CapacityNotes(notes, layout, available, kvTokens.Value, concurrency.Value, maxModelLen, maxBatched, options.Sequences, maxSeqs, spec);
        }
        else
        {
            kvCacheBytes = options.Sequences * perRequestBlocks * layout.BlockBytes;
            items.Add(KvItem(spec, tp, layout, kvCacheBytes,
                $"{options.Sequences} request(s) × {Count(perRequestBlocks)} blocks × {Count(layout.BlockBytes)} B",
                kvBytes, options.Sequences * perRequestBlocks, null));
            long minimum = (long)Math.Ceiling((nonKvInBudget + kvCacheBytes) / util);
            notes.Add($"No GPU memory given: vLLM fills gpu_memory_utilization × GPU memory with KV cache, so its capacity in tokens needs a GPU size. " +
                      $"Shown is the KV cache {options.Sequences} request(s) of {Count(maxModelLen)} tokens need; the smallest GPU holding it at utilization " +
                      $"{util.ToString(CultureInfo.InvariantCulture)} has {ByteSize.FormatGiB(minimum)} (plus the CUDA context and graphs above the cap).");
        }

        if (graphs > 0)
            items.Add(new EstimateItem("CUDA graphs", MemoryCategory.Overhead, graphs,
                $"512 MiB + 12 MiB × {spec.Layers} layers",
                [new("cudagraph_mode", "FULL_AND_PIECEWISE"), new("in utilization budget", settings.CudaGraphsInBudget ? "yes" : "no")],
                "Fit to vLLM v0.19.0 H100 logs ('Graph capturing finished in N secs, took G GiB', 51 piecewise + 51 full graphs up to 512 tokens; " +
                "llm-d-planner accuracy/results/v0.19.0); vLLM captures them after sizing the KV cache, so they sit above the utilization cap " +
                "unless VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1",
                "GPU"));
        long context = tp > 1 ? CudaContextTensorParallelBytes : CudaContextSingleGpuBytes;
        items.Add(new EstimateItem("CUDA context", MemoryCategory.Overhead, context,
            tp > 1 ? "1.53 GiB per GPU (CUDA context + NCCL communicators)" : "0.51 GiB (CUDA context + one-rank NCCL)",
            [new("tensor_parallel_size", tp.ToString(CultureInfo.InvariantCulture))],
            "vLLM v0.19.0 'worker init memory snapshot … cuda_memory' on H100 (llm-d-planner logs); taken before the utilization budget, so outside it",
            "GPU"));

        if (gpu is { } gpuTotal)
            HeadroomNotes(notes, gpuTotal, requested, context, settings.CudaGraphsInBudget ? 0 : graphs, util);
        if (options.ContextTokens is { } asked && spec.MaxContextTokens > 0 && asked > spec.MaxContextTokens)
            notes.Add($"max_model_len {Count(asked)} exceeds the model's {Count(spec.MaxContextTokens)}: vLLM refuses it unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1.");
        if (gpu >= LargeGpuBytes && options.MaxBatchedTokens is null)
            notes.Add("Batch defaults use vLLM's tier for GPUs of 70 GiB or more; vLLM keeps the smaller tier (2048 tokens, 256 sequences for vllm serve) on A100s.");
        if (tp > 1)
            notes.Add($"Figures are per GPU; the {tp} ranks each hold this much.");

        var settingsList = Settings(options, settings, spec, util, gpu, maxModelLen, maxBatched, maxSeqs, dtypeBytes, kvBytes, tp, largeTier);
        settingsList.Insert(1, new("weights", WeightsSetting(weights, options)));
        return new MemoryEstimate(InferenceEngine.Vllm, maxModelLen, settingsList, items, notes, kvTokens, concurrency);
    }

    /// <summary>vLLM's default max_num_batched_tokens for an entry point and GPU tier.</summary>
    public static int DefaultMaxBatchedTokens(VllmUsageContext context, bool largeGpu) => (context, largeGpu) switch
    {
        (VllmUsageContext.LlmClass, true) => 16384,
        (VllmUsageContext.LlmClass, false) => 8192,
        (_, true) => 8192,
        _ => 2048,
    };

    private static EstimateItem WeightsItem(ModelSpec spec, TensorInventory weights, int tp, long checkpoint, long perRank)
    {
        // The split by placement rule only shows in the formula with several ranks; one rank holds every tensor whole.
        var split = tp == 1 ? [] : weights.Tensors.Where(t => t.Role != TensorRole.Buffer)
            .GroupBy(VllmWeights.ShardOf).ToDictionary(g => g.Key, g => g.Sum(t => t.Bytes));
        long Part(VllmShard s) => split.GetValueOrDefault(s);
        long padded = VllmWeights.PaddedVocab(spec.VocabSize);
        string formula = tp == 1
            ? $"Σ checkpoint tensors = {Count(perRank)} B" + (padded != spec.VocabSize ? $" (vocabulary rows padded {spec.VocabSize} → {padded})" : "")
            : $"split {Count(Part(VllmShard.Split))} B ÷ {tp} + KV projections {Count(Part(VllmShard.KeyValueHeads) + Part(VllmShard.FusedQkv))} B by head " +
              $"({VllmWeights.KeyValueHeadsPerRank(spec, tp)} of {spec.EffectiveKeyValueHeads} KV heads per GPU) + vocabulary {Count(Part(VllmShard.VocabParallel))} B " +
              $"padded to {padded} rows ÷ {tp} + replicated {Count(Part(VllmShard.Replicated))} B = {Count(perRank)} B";
        return new EstimateItem("weights", MemoryCategory.Weights, perRank, formula,
            [new("checkpoint bytes", Count(checkpoint)), new("format", weights.Format), new("tensor_parallel_size", tp.ToString(CultureInfo.InvariantCulture))],
            "vLLM model_executor/layers (linear.py Column/RowParallelLinear, QKVParallelLinear, vocab_parallel_embedding.py padding to 64): " +
            "what each rank allocates; 'Model loading took' in gpu_model_runner.py is this plus the rotary cache",
            "GPU");
    }

    private static EstimateItem ActivationItem(ModelSpec spec, VllmActivationPeak act, int dtypeBytes)
    {
        string formula =
            $"max(forward {Count(act.Tokens)} tokens × {Count(act.PerTokenElements)} × {dtypeBytes} B = {Count(act.Forward)}, " +
            $"hidden 2 × {Count(act.Tokens)} × {spec.HiddenSize} × {dtypeBytes} B + sampler {Count(act.Sequences)} × vocab {Count(spec.VocabSize)} × ({dtypeBytes} + {VllmActivation.SamplerBytesPerLogit}) B = {Count(act.HiddenStates + act.Sampler)})" +
            (act.MoeWorkspace > 0 ? $" + MoE workspace {Count(act.Tokens)} × top-{spec.Moe!.ExpertsPerToken} × (3 × expert_ffn + hidden) × {dtypeBytes} B = {Count(act.MoeWorkspace)}" : "");
        return new EstimateItem("activation peak (profiling run)", MemoryCategory.Compute, act.Bytes, formula,
            [new("max_num_batched_tokens", Count(act.Tokens)), new("dummy requests", Count(act.Sequences)),
             new("per-token working set", "4 × hidden + max(MLP 3 × ffn (gated) or 2 × ffn, attention q+k+v+out)")],
            "vLLM gpu_model_runner.py profile_run → _dummy_run(max_num_batched_tokens) + _dummy_sampler_run (one token per request); " +
            "closed form fitted to 'torch peak memory increase' in vLLM v0.19.0 H100 logs (llm-d-planner), within 4% for dense models",
            "GPU");
    }

    private static EstimateItem KvItem(ModelSpec spec, int tp, VllmKvLayout layout, long bytes, string formula, int kvBytes, long blocks, long? available)
    {
        string kind = spec.Mla is { } mla
            ? $"MLA latent (kv_lora_rank {mla.KvLoraRank} + rope {mla.QkRopeHeadDim}) × {kvBytes} B"
            : $"2 × {VllmWeights.KeyValueHeadsPerRank(spec, tp)} KV heads × head_dim {spec.EffectiveHeadDim} × {kvBytes} B";
        var inputs = new List<EstimateInput>
        {
            new("bytes per token per layer", $"{Count(layout.BytesPerTokenPerLayer)} ({kind})"),
            new("block", $"{layout.BlockSize} tokens, page {Count(layout.PageBytes)} B per layer"),
            new("groups", layout.RecurrentLayers > 0
                ? $"{layout.FullGroups} attention + {layout.RecurrentGroups} recurrent-state of {layout.GroupSize} layers"
                : layout.SlidingLayers > 0
                ? $"{layout.FullGroups} full + {layout.SlidingGroups} {(layout.Chunked ? "chunked local (chunk" : "sliding (window")} {layout.WindowTokens}) of {layout.GroupSize} layers"
                : $"1 group of {layout.GroupSize} layers"),
            new("blocks", Count(blocks)),
        };
        if (layout.RecurrentLayers > 0 && spec.Recurrent is { } r)
            inputs.Add(new("recurrent state per request and layer",
                $"{Count(layout.StateBytes)} B (conv {r.ConvKernel - 1} × {r.ConvChannels(spec.HiddenSize) / tp} + " +
                (r.Kind == RecurrentKind.ShortConv ? "no state matrix" : $"state {r.Heads / tp} heads × {r.HeadDim} × {r.StateSize}") +
                $", model dtype), padded to the {Count(layout.PageBytes)} B page; attention block raised to {layout.BlockSize} tokens so that a page holds it"));
        if (available is { } a)
            inputs.Add(new("available for KV", $"{Count(a)} B ({ByteSize.FormatGiB(Math.Max(0, a))})"));
        return new EstimateItem("KV cache", MemoryCategory.KvCache, bytes, formula, inputs,
            "vLLM v1 kv_cache_interface.py (page = block_size × per-token bytes; MLA one latent head), kv_cache_utils.py get_num_blocks, " +
            "_get_kv_cache_config_uniform_type / _uniform_page_size (hybrid groups), get_max_concurrency_for_kv_cache_config" +
            (layout.RecurrentLayers > 0 ? "; recurrent state: model_executor/models/config.py HybridAttentionMambaModelConfig, layers/mamba/mamba_utils.py state shapes" : ""),
            "GPU");
    }

    private static void CapacityNotes(List<string> notes, VllmKvLayout layout, long available, long tokens, double concurrency,
        int maxModelLen, int maxBatched, int sequences, int maxSeqs, ModelSpec spec)
    {
        if (available <= 0)
        {
            notes.Add("vLLM refuses to start: nothing is left for the KV cache ('No available memory for the cache blocks'); raise gpu_memory_utilization or use more GPUs.");
            return;
        }
        long needed = VllmKvCache.BytesForOneRequest(layout, maxModelLen, maxBatched);
        if (needed > available)
        {
            int estimate = VllmKvCache.EstimateMaxModelLen(layout, available, maxBatched, maxModelLen);
            notes.Add($"vLLM refuses to start: one request of {Count(maxModelLen)} tokens needs {ByteSize.FormatGiB(needed)} of KV cache, more than the " +
                      $"{ByteSize.FormatGiB(available)} available; it estimates the maximum model length at {Count(estimate)}.");
        }
        notes.Add($"vLLM would log 'GPU KV cache size: {Count(tokens)} tokens' and 'Maximum concurrency for {Count(maxModelLen)} tokens per request: " +
                  $"{concurrency.ToString("F2", CultureInfo.InvariantCulture)}x'.");
        if (layout.SlidingLayers > 0 && layout.FullLayers > 0 && !layout.Chunked)
            notes.Add($"Hybrid allocator: {layout.FullLayers} full and {layout.SlidingLayers} sliding-window layers form groups of {layout.GroupSize} " +
                      $"({layout.PagedLayers - spec.Layers} padding layers); sliding layers get full-size pages, " +
                      $"the token figure splits the blocks evenly among the {layout.Groups} groups, and a request's sliding layers hold only " +
                      $"min(window − 1 + max_num_batched_tokens, max_model_len) tokens.");
        if (layout.SlidingLayers > 0 && layout.FullLayers > 0 && layout.Chunked)
            notes.Add($"Hybrid allocator with chunked local attention: {layout.FullLayers} full and {layout.SlidingLayers} chunked layers form groups of {layout.GroupSize} " +
                      $"({layout.PagedLayers - spec.Layers} padding layers); a request's chunked layers hold only min(chunk + max_num_batched_tokens, max_model_len) tokens. " +
                      "This needs VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1, the default in recent vLLM; where it is 0 (older releases) vLLM turns the " +
                      "hybrid allocator off and caches the whole context in every layer.");
        if (sequences > 1 && sequences > concurrency)
            notes.Add($"{sequences} sequences of {Count(maxModelLen)} tokens exceed the KV capacity ({concurrency.ToString("F2", CultureInfo.InvariantCulture)}x): " +
                      "vLLM queues or preempts the rest.");
        if (sequences > maxSeqs)
            notes.Add($"{sequences} sequences exceed max_num_seqs {maxSeqs}: vLLM runs at most {maxSeqs} at once.");
    }

    private static void HeadroomNotes(List<string> notes, long gpu, long requested, long context, long graphsOutside, double util)
    {
        long headroom = gpu - requested;
        if (gpu - context < requested)
            notes.Add($"vLLM refuses to start: after the CUDA context ({ByteSize.FormatGiB(context)}) the free memory is below gpu_memory_utilization " +
                      $"{util.ToString(CultureInfo.InvariantCulture)} × GPU = {ByteSize.FormatGiB(requested)}.");
        else if (headroom < context + graphsOutside)
            notes.Add($"The memory above the utilization cap ({ByteSize.FormatGiB(headroom)}) is smaller than the CUDA context and graph pool " +
                      $"({ByteSize.FormatGiB(context + graphsOutside)}): expect an out-of-memory error at graph capture; lower gpu_memory_utilization or use --enforce-eager.");
    }

    private static List<EstimateInput> Settings(InferenceOptions options, VllmSettings settings, ModelSpec spec, double util, long? gpu,
        int maxModelLen, int maxBatched, int maxSeqs, int dtypeBytes, int kvBytes, int tp, bool largeTier)
    {
        string tier = largeTier ? "GPU ≥ 70 GiB tier" : gpu is null ? "tier for GPUs under 70 GiB, vLLM's fallback when the GPU is unknown" : "GPU < 70 GiB tier";
        string entry = settings.UsageContext == VllmUsageContext.ApiServer ? "vllm serve" : "LLM class";
        return
        [
            new("engine", "vLLM v1 (rules read from vLLM source, checked against v0.19.0 logs)"),
            new("gpu_memory_utilization", util.ToString(CultureInfo.InvariantCulture) + (options.GpuMemoryUtilization is null ? " (default)" : "")),
            new("GPU memory", gpu is { } g ? $"{Count(g)} B ({ByteSize.FormatGiB(g)})" : "not given"),
            new("max_model_len", Count(maxModelLen) + (options.ContextTokens is null ? " (default: the model's max_position_embeddings)" : "")),
            new("max_num_batched_tokens", Count(maxBatched) + (options.MaxBatchedTokens is null ? $" (default for {entry}, {tier})" : "")),
            new("max_num_seqs", Count(maxSeqs) + (settings.MaxNumSeqs is null ? $" (default for {entry}, {tier})" : "")),
            new("block_size", settings.BlockSize.ToString(CultureInfo.InvariantCulture)),
            new("dtype", ComputeDtype.Name(dtypeBytes) + (settings.ModelDtypeBytes is null ? " (auto: from the checkpoint)" : "")),
            new("kv_cache_dtype", (options.KvTypeK ?? "auto") + $" ({kvBytes} B per element)"),
            new("tensor_parallel_size", tp.ToString(CultureInfo.InvariantCulture)),
            new("CUDA graphs", settings.EnforceEager ? "off (--enforce-eager)" : "on (default)"),
            new("VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS", settings.CudaGraphsInBudget ? "1" : "0 (v0.19 default)"),
            new("hybrid KV cache manager", spec.SlidingWindow is null ? "not needed (one attention kind)" : "on (default)"),
            new("sequences", options.Sequences.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>"safetensors, 16.00 bits per parameter (BF16)" for the settings list.</summary>
    internal static string WeightsSetting(TensorInventory weights, InferenceOptions options) =>
        $"{weights.Format}, {weights.BitsPerWeight.ToString("F2", CultureInfo.InvariantCulture)} bits per parameter" +
        (options.WeightsType is { } type ? $" ({type})" : "");

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
