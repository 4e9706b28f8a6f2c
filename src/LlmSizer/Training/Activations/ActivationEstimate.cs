namespace LlmSizer.Training.Activations;

/// <summary>
/// Activation memory of one GPU during training, in bytes: the first (most loaded) pipeline stage at the end of the forward
/// pass, split into <see cref="Terms"/>, with <see cref="Notes"/> on what the estimate assumes or leaves out.
/// </summary>
public sealed record ActivationEstimate(IReadOnlyList<ActivationTerm> Terms, IReadOnlyList<string> Notes)
{
    /// <summary>The sum of the terms, in bytes.</summary>
    public long TotalBytes => Terms.Aggregate(0L, (sum, term) => checked(sum + term.Bytes));

    /// <summary>
    /// Bytes the most expensive decoder layer of the stage keeps for one micro-batch under the chosen recomputation (with full
    /// recomputation: its input checkpoint).
    /// </summary>
    public required long PerLayerBytes { get; init; }

    /// <summary>Decoder layers on the first pipeline stage: ceil(layers / pipeline parallel).</summary>
    public required int LayersOnStage { get; init; }
}
