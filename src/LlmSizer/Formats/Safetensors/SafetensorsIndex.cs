namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// A sharded checkpoint's <c>model.safetensors.index.json</c>: which shard file holds each tensor.
/// </summary>
/// <param name="Source">The index file's name or URL.</param>
/// <param name="TotalSize">
/// <c>metadata.total_size</c> as stated: the bytes of all tensors (what transformers writes); null when absent or not an integer.
/// </param>
/// <param name="WeightMap">Tensor name → shard file name, in the index's order.</param>
/// <param name="Notes">What was tolerated (an absent or non-integer total_size).</param>
public sealed record SafetensorsIndex(
    string Source,
    long? TotalSize,
    IReadOnlyList<KeyValuePair<string, string>> WeightMap,
    IReadOnlyList<string> Notes)
{
    /// <summary>The distinct shard files, ordinally sorted (model-00001-of-00005 … model-00005-of-00005).</summary>
    public IReadOnlyList<string> Shards { get; } = WeightMap.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
