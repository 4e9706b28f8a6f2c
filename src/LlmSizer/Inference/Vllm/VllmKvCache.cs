using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Inference.Vllm;

/// <summary>
/// How vLLM's paged KV cache is laid out on one rank. Every attention layer has pages of <see cref="BlockSize"/> tokens of
/// <see cref="PageBytes"/> each. Layers of one attention kind form groups of <see cref="GroupSize"/> layers; one block of the
/// pool holds one page for each layer of a group (<see cref="BlockBytes"/>), and every group draws blocks from the same pool.
/// </summary>
/// <param name="BytesPerTokenPerLayer">Bytes one token takes in one layer on this rank.</param>
/// <param name="PageBytes">Bytes of one page: <see cref="BlockSize"/> × <see cref="BytesPerTokenPerLayer"/>.</param>
/// <param name="FullLayers">Layers attending to the whole context.</param>
/// <param name="SlidingLayers">Layers attending to the last <see cref="WindowTokens"/> tokens.</param>
/// <param name="WindowTokens">The sliding window, 0 when no layer slides.</param>
/// <param name="GroupSize">Layers per group: all layers for a single attention kind, else the smaller of the two layer counts.</param>
/// <param name="FullGroups">Groups of full-attention layers (the last one padded up to <see cref="GroupSize"/>).</param>
/// <param name="SlidingGroups">Groups of sliding-window layers (the last one padded).</param>
public sealed record VllmKvLayout(
    int BlockSize,
    long BytesPerTokenPerLayer,
    long PageBytes,
    int FullLayers,
    int SlidingLayers,
    int WindowTokens,
    int GroupSize,
    int FullGroups,
    int SlidingGroups)
{
    /// <summary>
    /// The local layers attend within fixed chunks (Llama 4, vLLM's <c>ChunkedLocalAttentionSpec</c>) rather than a sliding
    /// window (<c>SlidingWindowSpec</c>); they group the same way but a request's chunked layers need a different block count.
    /// </summary>
    public bool Chunked { get; init; }

    /// <summary>
    /// The page of each paged layer, in layer order, when layers have different KV head counts
    /// (<see cref="ModelSpec.KeyValueHeadsPerLayer"/>); null when every page is <see cref="PageBytes"/>. vLLM then keeps all layers
    /// in one group (kv_cache_utils.py <c>_get_kv_cache_groups_uniform_type</c> with <c>UniformTypeKVCacheSpecs</c>), one block
    /// holds one page of every layer, and <see cref="PageBytes"/> / <see cref="VllmKvLayout.BytesPerTokenPerLayer"/> describe the
    /// widest layer only.
    /// </summary>
    public IReadOnlyList<long>? LayerPageBytes { get; init; }

    /// <summary>Hybrid models: recurrent (Mamba-2, Gated DeltaNet, short-conv) layers, each with one state page per request.</summary>
    public int RecurrentLayers { get; init; }

    /// <summary>Groups of recurrent layers (the last one padded up to <see cref="GroupSize"/>).</summary>
    public int RecurrentGroups { get; init; }

    /// <summary>Bytes of one recurrent layer's state for one request, before vLLM pads it to <see cref="PageBytes"/>.</summary>
    public long StateBytes { get; init; }

    /// <summary>All groups; vLLM's "GPU KV cache size" divides the blocks evenly among them.</summary>
    public int Groups => FullGroups + SlidingGroups + RecurrentGroups;

    /// <summary>Bytes of one block of the shared pool: one page per layer of a group (the sum of the layers' pages when they differ).</summary>
    public long BlockBytes => LayerPageBytes is { } pages ? pages.Sum() : PageBytes * GroupSize;

    /// <summary>Layers that hold pages, padding layers included: <see cref="Groups"/> × <see cref="GroupSize"/>.</summary>
    public int PagedLayers => Groups * GroupSize;
}

/// <summary>
/// vLLM's KV-cache arithmetic (v1 engine): bytes per token per layer by attention kind, the page/group layout, the number of
/// blocks a memory budget buys, the "GPU KV cache size" in tokens, and the blocks one request of <c>max_model_len</c> needs.
/// </summary>
public static class VllmKvCache
{
    /// <summary>
    /// Bytes per KV element for <c>--kv-cache-dtype</c>: <c>auto</c> (null) = the model dtype; <c>bfloat16</c> (or a 16-bit
    /// <c>f16</c>) 2; <c>fp8</c>, <c>fp8_e4m3</c>, <c>fp8_e5m2</c>, <c>fp8_inc</c> 1. Other types (llama.cpp's q8_0, vLLM's
    /// fp8_ds_mla) are refused.
    /// </summary>
    public static int ElementBytes(string? kvCacheDtype, int modelDtypeBytes) =>
        (kvCacheDtype?.Trim().ToLowerInvariant()) switch
        {
            null or "" or "auto" => modelDtypeBytes,
            "bfloat16" or "bf16" or "float16" or "fp16" or "f16" or "half" => 2,
            "fp8" or "fp8_e4m3" or "fp8_e5m2" or "fp8_inc" => 1,
            _ => throw new UsageException(
                $"vLLM's --kv-cache-dtype accepts auto, bfloat16, float16, fp8, fp8_e4m3 or fp8_e5m2; '{kvCacheDtype}' is not one of them"),
        };

    /// <summary>
    /// Bytes one token takes in one layer on one of <paramref name="tensorParallel"/> ranks. MHA/GQA/MQA: keys and values of
    /// the rank's KV heads, 2 × heads × head_dim × element bytes. MLA: vLLM caches the compressed latent plus the decoupled rope
    /// key, (kv_lora_rank + qk_rope_head_dim) × element bytes, as one head that every rank keeps whole.
    /// </summary>
    /// <remarks>With per-layer KV heads this is the widest layer's; <see cref="BytesPerTokenAt"/> gives each layer's.</remarks>
    public static long BytesPerTokenPerLayer(ModelSpec spec, int tensorParallel, int elementBytes) =>
        spec.Mla is { } mla
            ? (long)(mla.KvLoraRank + mla.QkRopeHeadDim) * elementBytes
            : 2L * VllmWeights.KeyValueHeadsPerRank(spec, tensorParallel) * spec.EffectiveHeadDim * elementBytes;

    /// <summary>
    /// Bytes one token takes in layer <paramref name="layer"/> on one rank: 2 × the layer's KV heads per rank × head_dim × element
    /// bytes (0 for a layer without KV heads, which has no attention cache in vLLM); MLA as <see cref="BytesPerTokenPerLayer"/>.
    /// </summary>
    public static long BytesPerTokenAt(ModelSpec spec, int tensorParallel, int elementBytes, int layer) =>
        spec.Mla is not null
            ? BytesPerTokenPerLayer(spec, tensorParallel, elementBytes)
            : 2L * VllmWeights.KeyValueHeadsPerRank(spec, tensorParallel, layer) * spec.EffectiveHeadDim * elementBytes;

    /// <summary>Bytes one token takes in all layers on one rank (padding layers of hybrid models excluded).</summary>
    public static long BytesPerToken(ModelSpec spec, int tensorParallel, int elementBytes) =>
        Enumerable.Range(0, spec.Layers).Sum(l => BytesPerTokenAt(spec, tensorParallel, elementBytes, l));

    /// <summary>
    /// The page/group layout. A single attention kind makes one group of all layers. With full and sliding-window (or chunked
    /// local) layers, vLLM's hybrid allocator makes groups of min(full, local) layers, pads the last group of each kind, and
    /// gives local layers pages as large as full ones. Chunked layers use the hybrid allocator only where
    /// VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE is on (its default since vLLM turned it to 1; before, vLLM cached the
    /// whole context in every layer of Llama 4), which is what is modelled.
    /// </summary>
    public static VllmKvLayout Layout(ModelSpec spec, int tensorParallel, int elementBytes, int blockSize) =>
        Layout(spec, tensorParallel, elementBytes, blockSize, elementBytes);

    /// <summary>
    /// As <see cref="Layout(ModelSpec, int, int, int)"/>; <paramref name="stateElementBytes"/> is the element size of a hybrid
    /// model's recurrent state (vLLM's <c>mamba_cache_dtype</c>, <c>auto</c> = the model dtype, whatever <c>--kv-cache-dtype</c> says).
    /// </summary>
    public static VllmKvLayout Layout(ModelSpec spec, int tensorParallel, int elementBytes, int blockSize, int stateElementBytes)
    {
        if (blockSize < 1)
            throw new UsageException($"vLLM block size must be positive, got {blockSize}");
        if (spec.Recurrent is { } recurrent)
            return HybridLayout(spec, recurrent, tensorParallel, elementBytes, blockSize, stateElementBytes);
        if (spec.Mla is null && spec.HasPerLayerKeyValueHeads)
            return PerLayerLayout(spec, tensorParallel, elementBytes, blockSize);
        long perToken = BytesPerTokenPerLayer(spec, tensorParallel, elementBytes);
        int sliding = spec.SlidingWindow is null ? 0 : Enumerable.Range(0, spec.Layers).Count(spec.IsSlidingLayer);
        int full = spec.Layers - sliding;
        int window = sliding > 0 ? spec.SlidingWindow!.WindowTokens : 0;
        int groupSize = full == 0 || sliding == 0 ? spec.Layers : Math.Min(full, sliding);
        return new VllmKvLayout(
            blockSize, perToken, perToken * blockSize, full, sliding, window, groupSize,
            CeilDiv(full, groupSize), CeilDiv(sliding, groupSize))
        {
            Chunked = sliding > 0 && spec.SlidingWindow!.Chunked,
        };
    }

    /// <summary>
    /// Layers of different KV head counts have specs that differ only in <c>num_kv_heads</c>, hence in page size. vLLM's
    /// get_kv_cache_groups (kv_cache_utils.py) then takes the <c>UniformTypeKVCacheSpecs.from_specs</c> branch when every layer
    /// needs the same token slots (all full attention, or all sliding with one window): one group of all attention layers,
    /// a block is one page of each layer (page_size_bytes = Σ pages), num_blocks = available // Σ pages, and each layer gets its
    /// own tensor of page × num_blocks. With full and sliding layers together vLLM instead rescales the smaller pages' block
    /// sizes to the largest page (unify_kv_cache_spec_page_size, an error when the largest is not a multiple) and makes one
    /// group per distinct spec; that layout is not modelled and is refused here.
    /// </summary>
    private static VllmKvLayout PerLayerLayout(ModelSpec spec, int tensorParallel, int elementBytes, int blockSize)
    {
        // Layers without KV heads have no attention and so no KV cache spec in vLLM.
        var paged = Enumerable.Range(0, spec.Layers).Where(l => spec.KeyValueHeadsAt(l) > 0).ToList();
        int sliding = spec.SlidingWindow is null ? 0 : paged.Count(spec.IsSlidingLayer);
        int full = paged.Count - sliding;
        if (full > 0 && sliding > 0)
            throw new UsageException(
                $"vLLM: per-layer key/value heads together with full and {(spec.SlidingWindow!.Chunked ? "chunked" : "sliding-window")} layers give layers of " +
                "different page sizes in several KV cache groups (kv_cache_utils.py unify_kv_cache_spec_page_size rescales their block sizes); " +
                "LlmSizer does not model that layout");
        var pages = paged.Select(l => BytesPerTokenAt(spec, tensorParallel, elementBytes, l) * blockSize).ToList();
        long widest = BytesPerTokenPerLayer(spec, tensorParallel, elementBytes);
        int window = sliding > 0 ? spec.SlidingWindow!.WindowTokens : 0;
        return new VllmKvLayout(
            blockSize, widest, widest * blockSize, full, sliding, window, paged.Count,
            full > 0 ? 1 : 0, sliding > 0 ? 1 : 0)
        {
            Chunked = sliding > 0 && spec.SlidingWindow!.Chunked,
            LayerPageBytes = pages,
        };
    }

    /// <summary>
    /// A hybrid of attention and recurrent layers, as vLLM lays it out without prefix caching of the recurrent state
    /// (<c>mamba_cache_mode</c> none; model_executor/models/config.py <c>HybridAttentionMambaModelConfig</c>, kv_cache_utils.py):
    /// <list type="bullet">
    /// <item>a recurrent layer's state for one request is one "page" (MambaSpec, block size = max_model_len): its convolution state
    /// (kernel − 1) × channels / TP and its state matrix heads / TP × head size × state size (mamba_utils.py
    /// <c>gated_delta_net_state_shape</c>, <c>mamba2_state_shape</c>, <c>short_conv_state_shape</c>) in the model dtype;</item>
    /// <item>the attention block grows to 16 × ⌈state page / (16 × one token's K and V)⌉ tokens (or the block size asked, if
    /// larger), so that an attention page holds at least one state, and the state page is padded to the attention page;</item>
    /// <item>with every page the same size, layers are grouped by kind into groups of min(attention, recurrent) layers (of the
    /// larger count when it is under 1.5 × the smaller), the last group of each kind padded; one block is one page per layer of a
    /// group, shared by all groups; a request takes ⌈len / block⌉ blocks in each attention group and one in each recurrent group.</item>
    /// </list>
    /// With prefix caching of the recurrent state (the align and all modes of newer vLLM) the block size is rounded to the
    /// kernel's chunk instead and a request may keep more than one state; that is not modelled.
    /// </summary>
    private static VllmKvLayout HybridLayout(ModelSpec spec, RecurrentSpec r, int tp, int elementBytes, int blockSize, int stateElementBytes)
    {
        if (spec.SlidingWindow is not null || spec.HasPerLayerKeyValueHeads || spec.Mla is not null)
            throw new UsageException("vLLM: a hybrid recurrent model with sliding-window, per-layer or latent attention is not modelled");
        int recurrentLayers = r.Count(LayerMixer.Recurrent), attentionLayers = spec.AttentionLayerCount;
        if (attentionLayers == 0)
            throw new UsageException("vLLM: a model without attention layers (pure Mamba) is not modelled");
        if (r.Kind != RecurrentKind.ShortConv && (r.Heads % tp != 0 || ConvChannelsForRanks(spec, r, tp) % tp != 0))
            throw new UsageException($"vLLM splits the {r.Heads} recurrent heads and {ConvChannelsForRanks(spec, r, tp)} convolution channels across ranks; tensor parallel size {tp} does not divide them");
        long state = StateBytesPerRank(spec, r, tp, stateElementBytes);
        long perToken = BytesPerTokenPerLayer(spec, tp, elementBytes);
        long attentionBlock = 16 * CeilDiv(state, 16 * perToken);
        int block = (int)Math.Max(blockSize, attentionBlock);
        int min = Math.Min(attentionLayers, recurrentLayers), max = Math.Max(attentionLayers, recurrentLayers);
        int groupSize = max < min * 1.5 ? max : min;
        return new VllmKvLayout(block, perToken, perToken * block, attentionLayers, 0, 0, groupSize, CeilDiv(attentionLayers, groupSize), 0)
        {
            RecurrentLayers = recurrentLayers,
            RecurrentGroups = CeilDiv(recurrentLayers, groupSize),
            StateBytes = state,
        };
    }

    /// <summary>Bytes of one recurrent layer's state for one request on one rank (conv state plus state matrix), in the state dtype.</summary>
    public static long StateBytesPerRank(ModelSpec spec, RecurrentSpec r, int tp, int stateElementBytes)
    {
        long conv = (r.ConvKernel - 1) * ConvChannelsForRanks(spec, r, tp) / tp;
        long matrix = r.Kind == RecurrentKind.ShortConv ? 0 : (long)(r.Heads / tp) * r.HeadDim * r.StateSize;
        return (conv + matrix) * stateElementBytes;
    }

    /// <summary>
    /// The convolution channels vLLM splits across <paramref name="tp"/> ranks: Mamba-2 replicates its B/C groups when the ranks do not
    /// divide them (mamba_utils.py <c>extra_groups_for_head_shards</c>: groups + tp − groups), so each rank's heads find theirs.
    /// </summary>
    private static long ConvChannelsForRanks(ModelSpec spec, RecurrentSpec r, int tp)
    {
        if (r.Kind != RecurrentKind.Mamba2 || r.Groups % tp == 0)
            return r.ConvChannels(spec.HiddenSize);
        return r.InnerSize + 2L * (r.Groups + tp - r.Groups) * r.StateSize;
    }

    /// <summary>
    /// Blocks the pool holds: floor(available / page / group size), as vLLM's <c>get_num_blocks</c>; with per-layer pages
    /// floor(available / Σ pages), as get_kv_cache_config_from_groups does for a <c>UniformTypeKVCacheSpecs</c> group.
    /// </summary>
    public static long Blocks(VllmKvLayout layout, long availableBytes) =>
        availableBytes <= 0 ? 0
        : layout.LayerPageBytes is not null ? availableBytes / layout.BlockBytes
        : availableBytes / layout.PageBytes / layout.GroupSize;

    /// <summary>vLLM's "GPU KV cache size: N tokens": blocks shared evenly among the groups, times the block size.</summary>
    public static long Tokens(VllmKvLayout layout, long blocks) => blocks / layout.Groups * layout.BlockSize;

    /// <summary>
    /// Blocks one request of <paramref name="maxModelLen"/> tokens needs, summed over the groups: ⌈len / block⌉ for a full-attention
    /// group; ⌈min(window − 1 + max_num_batched_tokens, len) / block⌉ + 1 for a sliding group (the window may start mid-block);
    /// ⌈min(chunk + max_num_batched_tokens, len) / block⌉ for a chunked group (a chunk starts on a multiple of the chunk size,
    /// so no extra block; kv_cache_interface.py ChunkedLocalAttentionSpec.max_memory_usage_bytes).
    /// </summary>
    public static long BlocksPerRequest(VllmKvLayout layout, int maxModelLen, int maxBatchedTokens) =>
        layout.FullGroups * FullBlocks(layout, maxModelLen) + layout.SlidingGroups * SlidingBlocks(layout, maxModelLen, maxBatchedTokens)
        + layout.RecurrentGroups; // one state page per recurrent group

    /// <summary>vLLM's "Maximum concurrency for L tokens per request": blocks / blocks per request.</summary>
    public static double MaxConcurrency(VllmKvLayout layout, long blocks, int maxModelLen, int maxBatchedTokens) =>
        blocks / (double)BlocksPerRequest(layout, maxModelLen, maxBatchedTokens);

    /// <summary>
    /// Bytes vLLM's startup check wants for one request of <paramref name="maxModelLen"/> tokens, layer by layer without the
    /// hybrid padding; when the available memory is smaller vLLM refuses to start.
    /// </summary>
    /// <remarks>
    /// With per-layer pages (one group of one attention kind) vLLM sums each layer's ⌈need / page⌉ × page, which is the group's
    /// block count per request times Σ pages (UniformTypeKVCacheSpecs.max_memory_usage_bytes).
    /// </remarks>
    public static long BytesForOneRequest(VllmKvLayout layout, int maxModelLen, int maxBatchedTokens) =>
        layout.LayerPageBytes is not null || layout.RecurrentLayers > 0
            ? layout.BlockBytes * BlocksPerRequest(layout, maxModelLen, maxBatchedTokens)
            : layout.PageBytes * (layout.FullLayers * FullBlocks(layout, maxModelLen)
                                  + layout.SlidingLayers * SlidingBlocks(layout, maxModelLen, maxBatchedTokens));

    /// <summary>
    /// The longest <c>max_model_len</c> whose one request fits in <paramref name="availableBytes"/> (vLLM's binary search in
    /// <c>estimate_max_model_len</c>), at most <paramref name="upperBound"/>; 0 when not even one token fits.
    /// </summary>
    public static int EstimateMaxModelLen(VllmKvLayout layout, long availableBytes, int maxBatchedTokens, int upperBound)
    {
        if (BytesForOneRequest(layout, 1, maxBatchedTokens) > availableBytes)
            return 0;
        int lo = 1, hi = upperBound, best = 1;
        while (lo <= hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (BytesForOneRequest(layout, mid, maxBatchedTokens) <= availableBytes)
            {
                best = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static long FullBlocks(VllmKvLayout layout, int maxModelLen) => CeilDiv(maxModelLen, layout.BlockSize);

    private static long SlidingBlocks(VllmKvLayout layout, int maxModelLen, int maxBatchedTokens)
    {
        if (layout.Chunked)
            return CeilDiv(Math.Min((long)layout.WindowTokens + maxBatchedTokens, maxModelLen), layout.BlockSize);
        long tokens = Math.Min((long)layout.WindowTokens - 1 + maxBatchedTokens, maxModelLen);
        return CeilDiv(tokens, layout.BlockSize) + 1;
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
