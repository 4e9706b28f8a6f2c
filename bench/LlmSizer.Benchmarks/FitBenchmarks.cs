using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Fit planning: a ranked fit of one model over the whole device catalog (target under 5 ms) and one plan with its
/// longest-context search (target under 1 ms). The weights prediction is shared with earlier calls, as in a session.
/// </summary>
[MemoryDiagnoser]
public class FitBenchmarks
{
    private readonly ModelSource llama8B = ModelSource.Open("llama-3.1-8b");
    private readonly ModelSource llama70B = ModelSource.Open("llama-3.1-70b");
    private readonly InferenceOptions options = new() { ContextTokens = 8192 };
    private readonly FitOptions rtx4090 = new(DeviceCatalog.Resolve("rtx-4090"), 64L << 30);

    [Benchmark]
    public int RankCatalogLlama8B() => FitPlanner.Rank(llama8B, options, DeviceCatalog.All).Count;

    [Benchmark]
    public int RankCatalogLlama70B() => FitPlanner.Rank(llama70B, options, DeviceCatalog.All).Count;

    /// <summary>Everything on the GPU; the longest context is searched by bisection up to 131,072 tokens.</summary>
    [Benchmark]
    public int? PlanWithMaxContextLlama8B() => FitPlanner.Plan(llama8B, options, rtx4090).MaxContextTokens;

    /// <summary>Partial offload: the -ngl search, then the longest context at that -ngl.</summary>
    [Benchmark]
    public int? PlanWithMaxContextLlama70B() => FitPlanner.Plan(llama70B, options, rtx4090).MaxContextTokens;
}
