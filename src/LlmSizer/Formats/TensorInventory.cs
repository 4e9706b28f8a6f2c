using LlmSizer.Models;

namespace LlmSizer.Formats;

/// <summary>
/// Every tensor of a weights file (or of all its shards): the ground truth for parameter counts and
/// weight bytes once a file has been read.
/// </summary>
/// <param name="Format">"gguf" or "safetensors".</param>
public sealed record TensorInventory(string Format, IReadOnlyList<TensorInfo> Tensors)
{
    /// <summary>Logical parameters of all weight tensors.</summary>
    public long Parameters { get; } = Tensors.Sum(t => t.Parameters);

    /// <summary>Bytes of every tensor, metadata and buffers included.</summary>
    public long Bytes { get; } = Tensors.Sum(t => t.Bytes);

    /// <summary>Average stored bits per parameter, scales included.</summary>
    public double BitsPerWeight => Parameters == 0 ? 0 : 8.0 * Bytes / Parameters;

    public ParameterBreakdown Breakdown => ParameterBreakdown.Sum(
        Tensors.Select(t => new ParameterComponent(t.Name, t.Category, 1, t.Parameters, t.Parameters, "")), active: false);

    /// <summary>Parameters per stored type (the quant mix), largest first.</summary>
    public IReadOnlyList<(string Type, long Parameters, long Bytes)> ParametersByType =>
        Tensors.Where(t => t.Role == TensorRole.Weight)
            .GroupBy(t => t.Type)
            .Select(g => (g.Key, g.Sum(t => t.Parameters), g.Sum(t => t.Bytes)))
            .OrderByDescending(x => x.Item2)
            .ToList();
}
