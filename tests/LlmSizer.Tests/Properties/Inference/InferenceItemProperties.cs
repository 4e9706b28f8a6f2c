using CsCheck;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Properties.Inference;

/// <summary>The line items of inference estimates and fit plans add up: per category, per device and in total.</summary>
public class InferenceItemProperties
{
    private static readonly Gen<InferenceOptions> Options =
        from engine in Gen.Enum<InferenceEngine>()
        from context in Gen.Int[1, 131_072]
        from sequences in Gen.Int[1, 8]
        from flash in Gen.OneOf<bool?>(null, true, false)
        select new InferenceOptions { Engine = engine, ContextTokens = context, Sequences = sequences, FlashAttention = flash };

    [Fact]
    public void Estimate_items_add_up_to_each_category_each_device_and_the_total()
    {
        int estimated = 0;
        PropertyRun.Check(Gen.Select(ModelGen.Any, Options), (spec, options) =>
        {
            var e = PropertyRun.Refusable(() => InferenceEstimator.Estimate(ModelGen.Source(spec), options));
            if (e is null)
                return;
            Interlocked.Increment(ref estimated);
            LargeValueProperties.AssertNonNegativeSum(e.Items.Select(i => (i.Name, i.Bytes)), e.TotalBytes);
            Assert.Equal(e.TotalBytes, e.WeightsBytes + e.KvCacheBytes + e.ComputeBytes + e.OverheadBytes);
            Assert.Equal(e.TotalBytes, e.ByDevice.Sum(d => d.Bytes));
            Assert.True(e.WeightsBytes > 0 && e.KvCacheBytes >= 0);
        });
        Assert.True(estimated > PropertyRun.Estimates / 2, $"only {estimated} cases were estimated");
    }

    [Fact]
    public void Fit_plans_place_every_estimated_byte_on_a_device()
    {
        var devices = Gen.Select(Gen.OneOf(DeviceCatalog.All.ToArray()), Gen.OneOf(1, 2, 4));
        int planned = 0;
        PropertyRun.Check(Gen.Select(ModelGen.Catalog, devices, Options), (spec, device, options) =>
        {
            var fit = new FitOptions(new DeviceSelection(device.Item1, device.Item2), HostRamBytes: 64L << 30);
            var plan = PropertyRun.Refusable(() => FitPlanner.Plan(ModelGen.Source(spec), options with { ContextTokens = Math.Min(options.ContextTokens!.Value, 32_768) }, fit));
            if (plan is null || plan.Verdict == FitVerdict.DoesNotFit)
                return;
            Interlocked.Increment(ref planned);
            Assert.All(plan.Devices, d => Assert.True(d.UsedBytes >= 0, d.ToString()));
            long placed = plan.Devices.Sum(d => d.UsedBytes);
            // vLLM's estimate is per rank, and every rank holds it; transformers splits one estimate over the GPUs and the host.
            // (llama.cpp is left out of the sum: RAM does not keep the mapped pages of weights it repacks, and a split gives every GPU
            // its own compute buffer, so its devices hold deliberately more or less than the estimate's lines.)
            if (options.Engine == InferenceEngine.Vllm)
                Assert.Equal(plan.Estimate.TotalBytes * plan.TensorParallel!.Value, placed);
            else if (options.Engine == InferenceEngine.Transformers)
                Assert.Equal(plan.Estimate.TotalBytes, placed);
            // Fitting means every device, the host's RAM included, holds its share with its margin.
            Assert.True(!plan.Fits || plan.Devices.All(d => d.Fits), string.Join("; ", plan.Devices));
        }, 150);
        Assert.True(planned > 20, $"only {planned} cases were planned");
    }
}
