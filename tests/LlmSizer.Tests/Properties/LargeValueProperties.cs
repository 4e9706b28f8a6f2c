using System.Numerics;
using CsCheck;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using LlmSizer.Models;
using LlmSizer.Training;
using Xunit;

namespace LlmSizer.Tests.Properties;

/// <summary>
/// Sizes far beyond real models (up to the validator's limits: 10^13 parameters and past, contexts up to 10^7 tokens) give either
/// a clear refusal (<see cref="PropertyRun.IsClearRefusal"/>) or correct, non-negative numbers: never an overflow, a wrapped negative
/// count, NaN or infinity. Counts are checked against arithmetic in <see cref="BigInteger"/>.
/// </summary>
public class LargeValueProperties
{
    /// <summary>Cases per estimator: fewer than elsewhere, since a model of thousands of layers takes milliseconds to lay out.</summary>
    private const int Iterations = 100;

    /// <summary>A fit plan searches layers and the longest context, dozens of estimates each: fewer cases still.</summary>
    private const int FitIterations = 40;

    private static readonly Gen<int> Context = Gen.Frequency((1, Gen.Int[1, 10_000_000]), (1, Gen.Int[1, 100_000]));

    private static readonly Gen<int> Sequences = Gen.Frequency((3, Gen.Int[1, 8]), (1, Gen.Int[1, 1024]));

    [Fact]
    public void Parameter_counts_of_any_valid_size_are_exact_or_refused_when_beyond_a_64_bit_count()
    {
        PropertyRun.Check(ModelGen.Huge, spec =>
        {
            var (total, active) = ModelGen.ExpectedParameters(spec);
            var count = PropertyRun.Refusable(() => ParameterCounter.Count(spec));
            if (count is null)
            {
                Assert.True(total > long.MaxValue, $"a model of {total} parameters was refused; it fits a 64-bit count");
                return;
            }
            Assert.Equal(total, (BigInteger)count.Total);
            Assert.Equal(active, (BigInteger)count.Active);
        }, PropertyRun.Cheap);
    }

    [Fact]
    public void Inference_estimates_of_huge_models_and_contexts_are_refused_or_non_negative_with_exact_totals()
    {
        int estimated = 0;
        var engines = Gen.Enum<InferenceEngine>();
        PropertyRun.Check(Gen.Select(ModelGen.Huge, engines, Context, Sequences), (spec, engine, context, sequences) =>
        {
            var options = new InferenceOptions { Engine = engine, ContextTokens = context, Sequences = sequences };
            var estimate = PropertyRun.Refusable(() => InferenceEstimator.Estimate(ModelGen.Source(spec), options));
            if (estimate is null)
                return;
            Interlocked.Increment(ref estimated);
            AssertNonNegativeSum(estimate.Items.Select(i => (i.Name, i.Bytes)), estimate.TotalBytes);
            if (engine == InferenceEngine.Transformers)
            {
                // DynamicCache: keys and values of every layer, head and token of every sequence, in the bf16 the weights load in.
                BigInteger kv = (BigInteger)2 * spec.Layers * spec.EffectiveKeyValueHeads * spec.EffectiveHeadDim * context * sequences * 2;
                Assert.Equal(kv, (BigInteger)estimate.KvCacheBytes);
            }
            Assert.True(estimate.KvCacheTokens is null or >= 0);
            Assert.True(estimate.MaxConcurrency is null || (double.IsFinite(estimate.MaxConcurrency.Value) && estimate.MaxConcurrency >= 0));
        }, Iterations);
        Assert.True(estimated >= Iterations / 4, $"only {estimated} of {Iterations} cases were estimated");
    }

    [Fact]
    public void Training_estimates_of_huge_models_are_refused_or_non_negative_with_exact_totals()
    {
        int estimated = 0;
        var layouts = from gpus in Gen.OneOf(1, 2, 8, 64, 1024)
                      from zero in Gen.Int[0, 3]
                      select new ParallelLayout { Gpus = gpus, ZeroStage = zero };
        var method = Gen.Enum<TrainingMethod>();
        // Up to 1,000 layers: the trainer places every tensor on its stage, and deeper models add seconds, not new sizes.
        var models = ModelGen.Huge.Where(spec => spec.Layers <= 1_000);
        PropertyRun.Check(Gen.Select(models, layouts, method, Gen.Int[1, 10_000_000]), (spec, layout, m, sequence) =>
        {
            var options = new TrainingOptions { Layout = layout, Method = m, SequenceTokens = sequence };
            var estimate = PropertyRun.Refusable(() => TrainingEstimator.Estimate(spec, options));
            if (estimate is null)
                return;
            Interlocked.Increment(ref estimated);
            AssertNonNegativeSum(estimate.Items.Where(i => i.Location == TrainingLocation.Gpu).Select(i => (i.Name, i.Bytes)), estimate.PerGpuBytes);
            Assert.True(estimate.TotalGpuBytes >= estimate.PerGpuBytes, $"all GPUs {estimate.TotalGpuBytes} B < one GPU {estimate.PerGpuBytes} B");
            Assert.True(estimate.TotalParameters >= estimate.TrainableParameters && estimate.TrainableParameters > 0);
            Assert.True(estimate.Checkpoint.WeightsBytes > 0 && estimate.Checkpoint.WithOptimizerBytes >= estimate.Checkpoint.WeightsBytes);
            Assert.True(estimate.QuickEstimate.Bytes > 0);
        }, Iterations);
        Assert.True(estimated >= Iterations / 4, $"only {estimated} of {Iterations} cases were estimated");
    }

    [Fact]
    public void Fit_plans_of_huge_models_are_refused_or_non_negative_and_finite()
    {
        int estimated = 0;
        var devices = Gen.Select(Gen.OneOf(DeviceCatalog.All.ToArray()), Gen.OneOf(1, 2, 8));
        var engines = Gen.Enum<InferenceEngine>();
        PropertyRun.Check(Gen.Select(ModelGen.Huge, devices, engines, Context), (spec, device, engine, context) =>
        {
            var options = new InferenceOptions { Engine = engine, ContextTokens = context };
            var fit = new FitOptions(new DeviceSelection(device.Item1, device.Item2), Storage: DeviceCatalog.Storage[0]);
            var plan = PropertyRun.Refusable(() => FitPlanner.Plan(ModelGen.Source(spec), options, fit));
            if (plan is null)
                return;
            Interlocked.Increment(ref estimated);
            AssertNonNegativeSum(plan.Estimate.Items.Select(i => (i.Name, i.Bytes)), plan.Estimate.TotalBytes);
            Assert.All(plan.Devices, d => Assert.True(d.UsedBytes >= 0 && d.CapacityBytes is null or >= 0 && d.MarginBytes >= 0, d.ToString()));
            Assert.True(plan.HostRamBytes >= 0 && plan.DiskBytes >= 0);
            Assert.True(plan.LoadSeconds is null || (double.IsFinite(plan.LoadSeconds.Value) && plan.LoadSeconds >= 0));
            Assert.True(plan.MaxContextTokens is null or > 0);
            if (plan.Speed is { } speed)
                Assert.True(double.IsFinite(speed.DecodeTokensPerSecond) && speed.DecodeTokensPerSecond > 0
                    && double.IsFinite(speed.PrefillTokensPerSecond) && speed.PrefillTokensPerSecond > 0
                    && double.IsFinite(speed.TimeToFirstTokenSeconds) && speed.TimeToFirstTokenSeconds > 0
                    && speed.BytesPerStep >= 0 && speed.BytesPerToken >= 0 && double.IsFinite(speed.FlopsPerToken) && speed.FlopsPerToken >= 0,
                    $"decode {speed.DecodeTokensPerSecond}/s, prefill {speed.PrefillTokensPerSecond}/s, first token {speed.TimeToFirstTokenSeconds} s, {speed.BytesPerStep} B per step");
        }, FitIterations);
        Assert.True(estimated >= FitIterations / 4, $"only {estimated} of {FitIterations} cases were planned");
    }

    /// <summary>Every line is non-negative and the total is their exact sum (no wrap-around).</summary>
    internal static void AssertNonNegativeSum(IEnumerable<(string Name, long Bytes)> items, long total)
    {
        BigInteger sum = 0;
        foreach (var (name, bytes) in items)
        {
            Assert.True(bytes >= 0, $"{name}: {bytes} B");
            sum += bytes;
        }
        Assert.Equal(sum, (BigInteger)total);
    }
}
