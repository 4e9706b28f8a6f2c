using CsCheck;
using LlmSizer.Models;
using LlmSizer.Training;
using LlmSizer.Training.Activations;
using Xunit;

namespace LlmSizer.Tests.Properties.Training;

/// <summary>
/// Training memory under more GPUs and its line items, for catalog models and random architectures: sharding over more ranks
/// (ZeRO 1–3 over data-parallel ranks, tensor parallelism) never raises one GPU's memory, and the items add up to the totals.
/// </summary>
public class TrainingMemoryProperties
{
    private static readonly Gen<TrainingOptions> Options =
        from method in Gen.Enum<TrainingMethod>()
        from optimizer in Gen.Enum<OptimizerKind>()
        from precision in Gen.Enum<TrainingPrecision>()
        from sequence in Gen.Int[1, 16_384]
        from microBatch in Gen.Int[1, 8]
        from recompute in Gen.Enum<Recomputation>()
        from attention in Gen.Enum<AttentionKernel>()
        from chunkedLoss in Gen.Bool
        select new TrainingOptions
        {
            Method = method,
            Optimizer = optimizer,
            Precision = precision,
            SequenceTokens = sequence,
            MicroBatch = microBatch,
            Recompute = recompute,
            Attention = attention,
            ChunkedLoss = chunkedLoss,
        };

    private static TrainingEstimate? Estimate(ModelSpec spec, TrainingOptions options, ParallelLayout layout) =>
        PropertyRun.Refusable(() => TrainingEstimator.Estimate(spec, options with { Layout = layout }));

    [Fact]
    public void More_data_parallel_gpus_never_raise_per_gpu_memory_under_zero_1_2_or_3()
    {
        int compared = 0;
        PropertyRun.Check(Gen.Select(ModelGen.Any, Options, Gen.Int[1, 3], Gen.Int[0, 6], Gen.Int[1, 6]), (spec, options, zero, fewerLog2, moreLog2) =>
        {
            int fewer = 1 << fewerLog2, more = fewer << moreLog2;
            var small = Estimate(spec, options, new ParallelLayout { Gpus = fewer, ZeroStage = zero });
            var large = Estimate(spec, options, new ParallelLayout { Gpus = more, ZeroStage = zero });
            if (small is null || large is null)
                return;
            Interlocked.Increment(ref compared);
            Assert.True(large.PerGpuBytes <= small.PerGpuBytes,
                $"ZeRO-{zero} {options.Method}: {fewer} GPUs need {small.PerGpuBytes} B each, {more} GPUs {large.PerGpuBytes} B");
        });
        Assert.True(compared > PropertyRun.Estimates / 2, $"only {compared} cases were estimated");
    }

    [Fact]
    public void A_larger_tensor_parallel_group_never_raises_per_gpu_memory()
    {
        int compared = 0;
        PropertyRun.Check(Gen.Select(ModelGen.Any, Options, Gen.Int[0, 3], Gen.Int[0, 3], Gen.Bool), (spec, options, zero, fewerLog2, sequenceParallel) =>
        {
            int fewer = 1 << fewerLog2, more = fewer * 2;
            // Sequence parallelism needs a group of 2 or more; both sides use it or neither.
            bool sp = sequenceParallel && fewer > 1;
            var small = Estimate(spec, options, new ParallelLayout { Gpus = fewer, TensorParallel = fewer, ZeroStage = zero, SequenceParallel = sp });
            var large = Estimate(spec, options, new ParallelLayout { Gpus = more, TensorParallel = more, ZeroStage = zero, SequenceParallel = sp });
            if (small is null || large is null)
                return;
            Interlocked.Increment(ref compared);
            Assert.True(large.PerGpuBytes <= small.PerGpuBytes,
                $"tensor parallel {fewer} needs {small.PerGpuBytes} B per GPU, {more} needs {large.PerGpuBytes} B");
        });
        Assert.True(compared > PropertyRun.Estimates / 4, $"only {compared} cases were estimated");
    }

    [Fact]
    public void Training_items_add_up_to_the_per_gpu_and_per_node_totals()
    {
        var layouts = from gpus in Gen.OneOf(1, 2, 4, 8, 16)
                      from zero in Gen.Int[0, 3]
                      from offload in Gen.Enum<OffloadKind>()
                      select new ParallelLayout { Gpus = gpus, ZeroStage = zero, Offload = zero >= 2 ? offload : OffloadKind.None };
        int estimated = 0;
        PropertyRun.Check(Gen.Select(ModelGen.Any, Options, layouts), (spec, options, layout) =>
        {
            var e = Estimate(spec, options, layout);
            if (e is null)
                return;
            Interlocked.Increment(ref estimated);
            var gpu = e.Items.Where(i => i.Location == TrainingLocation.Gpu).ToList();
            LargeValueProperties.AssertNonNegativeSum(gpu.Select(i => (i.Name, i.Bytes)), e.PerGpuBytes);
            Assert.Equal(e.PerGpuBytes, Enum.GetValues<TrainingMemoryCategory>().Sum(e.GpuBytesOf));
            LargeValueProperties.AssertNonNegativeSum(
                e.Items.Where(i => i.Location == TrainingLocation.Cpu).Select(i => (i.Name, i.Bytes)), e.CpuBytesPerNode);
            Assert.Equal(layout.Offload == OffloadKind.None, e.CpuBytesPerNode == 0);
            // Every GPU of a stage holds at most the most loaded stage's share, and there are Gpus of them.
            Assert.InRange(e.TotalGpuBytes, e.PerGpuBytes, e.PerGpuBytes * layout.Gpus);
            Assert.True(e.TrainableParameters <= e.TotalParameters || options.Method != TrainingMethod.Full);
            // The trainer lays tensors out as llama.cpp's converter does (multi-token-prediction layers left out, as they are from
            // the published counts); for real (catalog) models that is every parameter once.
            if (ModelCatalog.Entries.Any(entry => ReferenceEquals(entry.Spec, spec)))
                Assert.Equal(ParameterCounter.Count(spec).Total, e.TotalParameters);
        });
        Assert.True(estimated > PropertyRun.Estimates / 2, $"only {estimated} cases were estimated");
    }
}
