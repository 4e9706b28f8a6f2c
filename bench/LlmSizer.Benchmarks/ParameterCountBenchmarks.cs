using BenchmarkDotNet.Attributes;
using LlmSizer.Models;

namespace LlmSizer.Benchmarks;

/// <summary>Counting parameters from an architecture: the work behind every `inspect` of a catalog model.</summary>
[MemoryDiagnoser]
public class ParameterCountBenchmarks
{
    private readonly ModelSpec deepSeek = ModelCatalog.Find("deepseek-v3")!.Spec;
    private readonly ModelSpec llama = ModelCatalog.Find("llama-2-7b")!.Spec;

    [Benchmark]
    public long CountLlama2_7b() => ParameterCounter.Count(llama).Total;

    [Benchmark]
    public long CountDeepSeekV3() => ParameterCounter.Count(deepSeek).Total;

    [Benchmark]
    public long CountWholeCatalog()
    {
        long sum = 0;
        foreach (var e in ModelCatalog.Entries)
            sum += ParameterCounter.Count(e.Spec).Total;
        return sum;
    }
}
