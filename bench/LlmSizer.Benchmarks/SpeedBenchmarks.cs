using BenchmarkDotNet.Attributes;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Speed;
using LlmSizer.Inference;
using LlmSizer.Models;
using LlmSizer.Precision;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Speed estimates as the fit planner makes them: one estimate for a prepared model (target: microseconds, since the planner
/// tries every -ngl and GPU count), a sweep of all 82 -ngl values of a 80-layer model, and preparing a model's traffic once.
/// </summary>
[MemoryDiagnoser]
public class SpeedBenchmarks
{
    // RTX 4090 (NVIDIA Ada whitepaper) and a dual-channel DDR5-5600 host: 2 × 8 B × 5600 MT/s.
    private static readonly DeviceSpec Rtx4090 = new("rtx-4090", "NVIDIA GeForce RTX 4090", DeviceKind.Gpu, "NVIDIA", [], 24L << 30, 23L << 30,
        null, 1008e9, 165.2e12, 660.6e12, 660.6e12, "PCIe 4.0 x16", 31.5e9, null, "NVIDIA Ada Lovelace whitepaper") { MemoryType = "GDDR6X" };

    private static readonly SpeedHardware Machine = new() { Device = Rtx4090, HostBandwidthBytesPerSecond = 89.6e9 };

    private readonly ModelSpec llama70b = ModelCatalog.Find("llama-3-70b")!.Spec;
    private readonly ModelSpec qwenMoe = ModelCatalog.Find("qwen3-30b-a3b")!.Spec;
    private ModelTraffic llama70bTraffic = null!;
    private ModelTraffic qwenMoeTraffic = null!;

    [GlobalSetup]
    public void Setup()
    {
        llama70bTraffic = ModelTraffic.From(llama70b, WeightsPrediction.Predict(llama70b, "Q4_K_M", WeightsContainer.Gguf));
        qwenMoeTraffic = ModelTraffic.From(qwenMoe, WeightsPrediction.Predict(qwenMoe, "Q4_K_M", WeightsContainer.Gguf));
    }

    [Benchmark]
    public double OneEstimatePartialOffload70b() =>
        SpeedEstimator.Estimate(llama70bTraffic, InferenceEngine.LlamaCpp, Machine, new SpeedPlacement { GpuLayers = 40 },
            new SpeedWorkload { ContextTokens = 8192 }).DecodeTokensPerSecond;

    [Benchmark]
    public double OneEstimateMoeExpertsOnHost() =>
        SpeedEstimator.Estimate(qwenMoeTraffic, InferenceEngine.LlamaCpp, Machine, new SpeedPlacement { CpuMoeLayers = 48 },
            new SpeedWorkload { ContextTokens = 8192, Sequences = 4 }).AggregateDecodeTokensPerSecond;

    [Benchmark]
    public double EveryNglOf70b()
    {
        double best = 0;
        for (int ngl = 0; ngl <= llama70b.Layers + 1; ngl++)
            best = Math.Max(best, SpeedEstimator.Estimate(llama70bTraffic, InferenceEngine.LlamaCpp, Machine, new SpeedPlacement { GpuLayers = ngl },
                new SpeedWorkload { ContextTokens = 8192 }).DecodeTokensPerSecond);
        return best;
    }

    /// <summary>Once per model and weights type: arranging the predicted tensors by layer.</summary>
    [Benchmark]
    public long PrepareTraffic70b() =>
        ModelTraffic.From(llama70b, WeightsPrediction.Predict(llama70b, "Q4_K_M", WeightsContainer.Gguf)).WeightBytes;
}
