using BenchmarkDotNet.Attributes;
using LlmSizer.Sampling;

namespace LlmSizer.Benchmarks;

/// <summary>
/// The sampler over a 256,000-token vocabulary (Gemma's is 256,000): llama.cpp's default chain with penalties over 64
/// previous tokens (target under 5 ms), the same with transformers' order (temperature first over every token), top-p alone
/// (no top-k to bound the partial sort), and the command's whole report with explanations and 1,000 draws.
/// </summary>
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    private TokenLogits logits = null!;
    private SamplingSettings settings = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Normal logits with σ 3: a peaked head over a long tail, as an LM's are.
        var random = new Random(1);
        var values = new double[256_000];
        for (int i = 0; i < values.Length; i++)
            values[i] = 3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        logits = TokenLogits.FromLogits(values);
        settings = SamplingEngineProfile.LlamaCpp.Defaults with
        {
            RepetitionPenalty = 1.1,
            PresencePenalty = 0.2,
            FrequencyPenalty = 0.1,
            PreviousTokens = Enumerable.Range(0, 64).Select(i => i * 3989 % 256_000).ToList(),
        };
    }

    [Benchmark]
    public int LlamaCppDefaultChain256k() => SamplingPipeline.Run(logits, settings, SamplingEngineProfile.LlamaCpp).Final.Count;

    [Benchmark]
    public int TransformersOrder256k() => SamplingPipeline.Run(logits, settings, SamplingEngineProfile.Transformers).Final.Count;

    [Benchmark]
    public int TopPOnly256k() => SamplingPipeline.Run(logits, new SamplingSettings { TopP = 0.9 }, SamplingEngineProfile.Vllm).Final.Count;

    [Benchmark]
    public int FullReportWithDraws256k() =>
        Reports.SampleReport.Build(logits, "bench", settings, SamplingEngineProfile.LlamaCpp, [], 1000, 42).FinalSurvivors;
}
