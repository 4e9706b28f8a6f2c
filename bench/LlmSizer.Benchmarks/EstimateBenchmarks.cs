using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Inference;
using LlmSizer.Models;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Inference estimates: one estimate (the weights prediction is reused after the first estimate of a model and type), the
/// first estimate of a model and type (target under 50 µs; the tensor layout is kept per spec object), the uncached
/// prediction itself, and the whole catalog × 20 weight types × 8 context sizes (target under 1 s).
/// </summary>
[MemoryDiagnoser]
public class EstimateBenchmarks
{
    private static readonly string[] WeightTypes =
    [
        "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_0", "Q4_1", "Q4_K_S", "Q4_K_M", "Q5_0", "Q5_1",
        "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "IQ4_XS", "IQ4_NL", "F16", "BF16", "F32", "MXFP4_MOE",
    ];

    private static readonly int[] Contexts = [512, 2048, 4096, 8192, 16384, 32768, 65536, 131072];

    private readonly ModelSource llama = ModelSource.Open("llama-3.1-8b");
    // Every catalog model llama.cpp runs (those with a GGUF layout; GPT-3, PaLM or OPT have none).
    private readonly ModelSource[] catalog = ModelCatalog.Entries
        .Where(e => LlmSizer.Formats.Gguf.GgufLayout.Supports(e.Spec))
        .Select(e => ModelSource.Open(e.Id)).ToArray();

    [Benchmark]
    public long OneLlamaCppEstimate() =>
        InferenceEstimator.Estimate(llama, new InferenceOptions { ContextTokens = 8192 }).TotalBytes;

    /// <summary>
    /// The first estimate of a model and type: the tensors are predicted, not taken from the cache, as for a model never
    /// asked about before (what <see cref="InferenceEstimator"/> does on a cache miss).
    /// </summary>
    [Benchmark]
    public long FirstLlamaCppEstimate() =>
        LlmSizer.Inference.LlamaCpp.LlamaCppProfile.Estimate(llama.Model.Spec!,
            LlmSizer.Precision.GgufQuantizer.Inventory(llama.Model.Spec!, LlmSizer.Precision.GgufQuantMix.Find("Q4_K_M")!),
            new InferenceOptions { ContextTokens = 8192 }).TotalBytes;

    /// <summary>
    /// As <see cref="FirstLlamaCppEstimate"/> for a model never seen at all: a new spec object, so the tensor layout kept per
    /// spec is built as well (the other First benchmarks reuse it, as a second weights type of the same model does).
    /// </summary>
    [Benchmark]
    public long FirstLlamaCppEstimateNewModel()
    {
        var spec = llama.Model.Spec! with { };
        return LlmSizer.Inference.LlamaCpp.LlamaCppProfile.Estimate(spec,
            LlmSizer.Precision.GgufQuantizer.Inventory(spec, LlmSizer.Precision.GgufQuantMix.Find("Q4_K_M")!),
            new InferenceOptions { ContextTokens = 8192 }).TotalBytes;
    }

    /// <summary>As <see cref="FirstVllmEstimate"/> for a model never seen at all (a new spec object).</summary>
    [Benchmark]
    public long FirstVllmEstimateNewModel()
    {
        var spec = llama.Model.Spec! with { };
        return LlmSizer.Inference.Vllm.VllmProfile.Estimate(spec,
            LlmSizer.Precision.WeightsPrediction.Predict(spec, LlmSizer.Precision.WeightsPrediction.Resolve("BF16", null).Format!),
            new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 8192, GpuMemoryBytes = 80_000_000_000 }).TotalBytes;
    }

    /// <summary>As <see cref="FirstLlamaCppEstimate"/>, with vLLM and the BF16 checkpoint predicted.</summary>
    [Benchmark]
    public long FirstVllmEstimate() =>
        LlmSizer.Inference.Vllm.VllmProfile.Estimate(llama.Model.Spec!,
            LlmSizer.Precision.WeightsPrediction.Predict(llama.Model.Spec!, LlmSizer.Precision.WeightsPrediction.Resolve("BF16", null).Format!),
            new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 8192, GpuMemoryBytes = 80_000_000_000 }).TotalBytes;

    /// <summary>The first estimate of a new model and type pays for predicting its tensors (later ones reuse the prediction).</summary>
    [Benchmark]
    public long PredictQ4KMUncached() =>
        LlmSizer.Precision.GgufQuantizer.Inventory(llama.Model.Spec!, LlmSizer.Precision.GgufQuantMix.Find("Q4_K_M")!).Bytes;

    [Benchmark]
    public long PredictBf16Uncached() =>
        LlmSizer.Precision.WeightsPrediction.Predict(llama.Model.Spec!, LlmSizer.Precision.WeightsPrediction.Resolve("BF16", null).Format!).Bytes;

    [Benchmark]
    public long OneVllmEstimate() =>
        InferenceEstimator.Estimate(llama, new InferenceOptions { Engine = InferenceEngine.Vllm, ContextTokens = 8192, GpuMemoryBytes = 80_000_000_000 }).TotalBytes;

    /// <summary>Catalog × 20 types × 8 contexts with llama.cpp; the weights are predicted once per model and type, as a sweep would.</summary>
    [Benchmark]
    public long CatalogSweep()
    {
        long sum = 0;
        foreach (var source in catalog)
            foreach (string type in WeightTypes)
            {
                var weights = InferenceEstimator.Weights(source, source.Model.Spec!, new InferenceOptions { WeightsType = type }).Weights;
                foreach (int context in Contexts)
                    sum += LlmSizer.Inference.LlamaCpp.LlamaCppProfile.Estimate(source.Model.Spec!, weights, new InferenceOptions { ContextTokens = context }).TotalBytes;
            }
        return sum;
    }
}
