namespace LlmSizer.Inference;

/// <summary>What a line of a memory estimate is for; the estimate's totals are sums per category.</summary>
public enum MemoryCategory
{
    /// <summary>Model weights and tensors loaded with them (vLLM's rotary cache).</summary>
    Weights,
    /// <summary>Keys and values kept for attention (or recurrent state).</summary>
    KvCache,
    /// <summary>Activations, compute buffers, logits.</summary>
    Compute,
    /// <summary>Runtime overhead: CUDA context, allocator slack, graphs.</summary>
    Overhead,
}

/// <summary>A named input of a formula and its value as used, e.g. <c>n_ctx = 4096 (padded from 4000)</c>.</summary>
public sealed record EstimateInput(string Name, string Value);

/// <summary>
/// One line of a memory estimate: what it is, its bytes, the formula with the numbers, the inputs and the source of
/// the rule. <see cref="Device"/> names where it lives when an engine splits memory (<c>CPU</c>, <c>GPU</c>).
/// </summary>
public sealed record EstimateItem(
    string Name,
    MemoryCategory Category,
    long Bytes,
    string Formula,
    IReadOnlyList<EstimateInput> Inputs,
    string Source,
    string? Device = null);
