using static System.FormattableString;

namespace LlmSizer.Training.Activations;

/// <summary>
/// The validated settings in the form the per-layer rules use: tokens per micro-batch, bytes per element, the tensor-parallel
/// split and which linears train. Builds <see cref="SavedTensor"/>s with their formulas.
/// </summary>
internal sealed class ActivationShape(ActivationSettings settings)
{
    public ActivationSettings Settings { get; } = settings;

    public long SequenceTokens { get; } = settings.SequenceTokens;

    public long MicroBatch { get; } = settings.MicroBatch;

    /// <summary>s · b.</summary>
    public long Tokens { get; } = checked((long)settings.SequenceTokens * settings.MicroBatch);

    /// <summary>e.</summary>
    public int Bytes { get; } = settings.ActivationBytes;

    public int TensorParallel { get; } = settings.TensorParallel;

    public bool IsLora => Settings.TrainableLinears is not null;

    /// <summary>Whether the weight of linear <paramref name="name"/> or an adapter on it trains, so the linear saves its input.</summary>
    public bool Trains(string name) => Settings.TrainableLinears is not { } set || set.Contains(name);

    /// <summary>Whether linear <paramref name="name"/> carries a LoRA adapter (which saves its rank-r intermediate).</summary>
    public bool Adapted(string name) => Settings.TrainableLinears is { } set && set.Contains(name);

    /// <summary>"s·b 4096", the token count as formulas show it.</summary>
    public string TokensText => Invariant($"s·b {Tokens}");

    /// <summary>A count split over tensor-parallel ranks (ceiling: a rank holds whole heads or rows), and its formula text.</summary>
    public (long PerRank, string Text) PerRank(string symbol, long count) =>
        TensorParallel == 1 ? (count, Invariant($"{symbol} {count}")) : (CeilDiv(count, TensorParallel), Invariant($"{symbol}/t {CeilDiv(count, TensorParallel)}"));

    /// <summary>A tensor already sized per rank (inside the tensor-parallel region, or not split at all).</summary>
    public SavedTensor Whole(string term, string shape, long elements, int bytesPerElement, string source) =>
        new(term, checked(elements * bytesPerElement), Invariant($"{shape} × {bytesPerElement} B"), source);

    /// <summary>
    /// A tensor outside the tensor-parallel region (norm and projection inputs): each rank holds all of it, unless sequence
    /// parallelism splits its tokens over the t ranks.
    /// </summary>
    public SavedTensor Replicated(string term, string shape, long elements, int bytesPerElement, string source)
    {
        long bytes = checked(elements * bytesPerElement);
        if (!Settings.SequenceParallel || TensorParallel == 1)
            return new(term, bytes, Invariant($"{shape} × {bytesPerElement} B"), source);
        return new(term, CeilDiv(bytes, TensorParallel), Invariant($"{shape} × {bytesPerElement} B / t {TensorParallel} (SP)"), source);
    }

    public static long CeilDiv(long value, long divisor) => checked((value + divisor - 1) / divisor);
}
