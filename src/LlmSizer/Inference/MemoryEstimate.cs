namespace LlmSizer.Inference;

/// <summary>
/// Inference memory of one model on one engine: line items with their formulas, and totals per category (bytes).
/// </summary>
/// <param name="ContextTokens">The context length used (after the engine's padding where it pads).</param>
/// <param name="Settings">Every setting the estimate used, defaults included, so none is silent.</param>
/// <param name="KvCacheTokens">vLLM: how many tokens the KV cache holds at the configured memory share.</param>
/// <param name="MaxConcurrency">vLLM: how many sequences of <paramref name="ContextTokens"/> fit in that cache at once.</param>
public sealed record MemoryEstimate(
    InferenceEngine Engine,
    int ContextTokens,
    IReadOnlyList<EstimateInput> Settings,
    IReadOnlyList<EstimateItem> Items,
    IReadOnlyList<string> Notes,
    long? KvCacheTokens = null,
    double? MaxConcurrency = null)
{
    public long WeightsBytes => Sum(MemoryCategory.Weights);

    public long KvCacheBytes => Sum(MemoryCategory.KvCache);

    public long ComputeBytes => Sum(MemoryCategory.Compute);

    public long OverheadBytes => Sum(MemoryCategory.Overhead);

    public long TotalBytes => Items.Sum(i => i.Bytes);

    /// <summary>Bytes per device, for engines that place memory on several (llama.cpp with partial offload).</summary>
    public IReadOnlyList<(string Device, long Bytes)> ByDevice =>
        Items.GroupBy(i => i.Device ?? "GPU").Select(g => (g.Key, g.Sum(i => i.Bytes))).ToList();

    private long Sum(MemoryCategory category) => Items.Where(i => i.Category == category).Sum(i => i.Bytes);
}
