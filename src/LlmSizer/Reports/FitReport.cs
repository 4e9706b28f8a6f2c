using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;

namespace LlmSizer.Reports;

/// <summary>
/// What <c>llmsizer fit MODEL --device NAME[xN]</c> shows, as data: the verdict, the placement (llama.cpp <c>-ngl</c> and
/// split, vLLM tensor parallelism), each device's use against its capacity, system RAM, disk and load time, and the reverse
/// answers (longest context, most sequences, fewest devices, best weights that fit). Bytes, seconds, tokens.
/// </summary>
/// <param name="OffloadedLayers">llama.cpp layers kept on the CPU (offloaded from the GPU to system RAM).</param>
/// <param name="CpuMoeLayers">llama.cpp <c>--n-cpu-moe</c>: layers whose routed experts stay in RAM (MoE models), when the plan uses it.</param>
/// <param name="MinDevices">The fewest of this device that hold the model entirely (null: not within 64).</param>
/// <param name="BestWeights">The best-quality weight type that fits entirely at this context (null: none).</param>
public sealed record FitReport(
    ModelInfo Model,
    string Engine,
    string WeightsNote,
    int ContextTokens,
    int Sequences,
    FitDevice Device,
    string Verdict,
    bool Fits,
    bool FitsWithOffload,
    int? GpuLayers,
    int? OffloadedLayers,
    IReadOnlyList<int>? TensorSplit,
    int? CpuMoeLayers,
    int? TensorParallel,
    int? MaxContext,
    int? MaxSequences,
    int? MinDevices,
    string? BestWeights,
    IReadOnlyList<DeviceUsage> Devices,
    long HostRamBytes,
    HostRam? HostRam,
    long DiskBytes,
    string? Storage,
    double? LoadSeconds,
    MemoryTotals Memory,
    KvCacheCapacity? KvCache,
    TokensPerSecond? TokensPerSecond,
    double? TimeToFirstTokenSeconds,
    IReadOnlyList<string> Notes)
{
    public static FitReport Build(ModelSource source, InferenceOptions options, FitOptions fit)
    {
        var plan = FitPlanner.Plan(source, options, fit);
        var e = plan.Estimate;
        var (_, weightsNote) = InferenceEstimator.Weights(source, source.Model.Spec!, options);
        var best = FitPlanner.BestWeights(source, options, fit);
        return new FitReport(
            ModelInfo.From(source.Model),
            EstimateReport.EngineName(e.Engine),
            weightsNote,
            e.ContextTokens,
            options.Sequences,
            FitDevice.From(fit.Devices),
            VerdictName(plan.Verdict),
            plan.Fits,
            plan.FitsWithOffload,
            plan.GpuLayers,
            plan.CpuLayers,
            plan.TensorSplit,
            plan.CpuMoeLayers,
            plan.TensorParallel,
            plan.MaxContextTokens,
            FitPlanner.MaxSequences(source, options, fit),
            FitPlanner.MinDevices(source, options, fit),
            best?.Weights,
            plan.Devices,
            plan.HostRamBytes,
            HostRam.For(source, options, plan),
            plan.DiskBytes,
            fit.Storage?.Id,
            plan.LoadSeconds,
            new MemoryTotals(e.WeightsBytes, e.KvCacheBytes, e.ComputeBytes, e.OverheadBytes, e.TotalBytes),
            e.KvCacheTokens is { } tokens ? new KvCacheCapacity(tokens, e.MaxConcurrency ?? 0) : null,
            plan.Speed is { } speed ? TokensPerSecond.From(speed) : null,
            plan.Speed?.TimeToFirstTokenSeconds,
            [.. plan.Notes, .. e.Notes.Where(n => n != weightsNote)]);
    }

    public static string VerdictName(FitVerdict verdict) => verdict switch
    {
        FitVerdict.FitsOnDevice => "fits",
        FitVerdict.FitsWithOffload => "fitsWithOffload",
        _ => "doesNotFit",
    };
}

/// <summary>
/// llama.cpp's host memory at the plan's placement both ways, bytes: with <c>--mmap</c> (the default) the CPU-side weights are
/// pages of the mapped file, which the OS can drop and read again (slowly); with <c>--no-mmap</c> they are allocated.
/// </summary>
public sealed record HostRam(long WithMmapBytes, long WithoutMmapBytes)
{
    public static HostRam? For(ModelSource source, InferenceOptions options, FitPlan plan)
    {
        if (options.Engine != InferenceEngine.LlamaCpp || plan.GpuLayers is not { } ngl)
            return null;
        long Host(bool mmap) => mmap == options.Mmap ? plan.HostRamBytes : LlamaCppFit.HostBytesOf(
            InferenceEstimator.Estimate(source, options with { Mmap = mmap, GpuLayers = ngl, CpuMoeLayers = plan.CpuMoeLayers, ContextTokens = plan.Estimate.ContextTokens }), mmap);
        return new HostRam(Host(true), Host(false));
    }
}

/// <summary>
/// Speed of the placement, tokens per second: <paramref name="Decode"/> per sequence, <paramref name="AggregateDecode"/> over all
/// sequences decoding together, <paramref name="Prefill"/> of the prompt; <paramref name="Bound"/> says whether decoding is
/// limited by memory bandwidth or by compute.
/// </summary>
public sealed record TokensPerSecond(double Decode, double AggregateDecode, double Prefill, string Bound)
{
    public static TokensPerSecond From(Hardware.Speed.SpeedEstimate speed) => new(
        speed.DecodeTokensPerSecond, speed.AggregateDecodeTokensPerSecond, speed.PrefillTokensPerSecond, InspectReport.Camel(speed.Bound.ToString()));
}

/// <summary>The hardware a fit was judged on: the device's catalog id and name, how many, their memory and usable memory (bytes each).</summary>
public sealed record FitDevice(string Id, string Name, string Kind, int Count, long MemoryBytes, long UsableMemoryBytes)
{
    public static FitDevice From(DeviceSelection selection) => new(
        selection.Device.Id, selection.Device.Name, DeviceListItem.KindName(selection.Device.Kind), selection.Count,
        selection.Device.MemoryBytes, selection.Device.UsableMemoryBytes);
}

/// <summary>What <c>llmsizer fit MODEL</c> without <c>--device</c> shows: catalog devices that run the model entirely, ranked.</summary>
public sealed record FitRanking(ModelInfo Model, string Engine, string WeightsNote, int ContextTokens, IReadOnlyList<FitRankingRow> Devices, IReadOnlyList<string> Notes)
{
    public static FitRanking Build(ModelSource source, InferenceOptions options, IEnumerable<DeviceSpec> devices, int maxCount = 8)
    {
        var ranked = FitPlanner.Rank(source, options, devices, maxCount);
        var (_, weightsNote) = InferenceEstimator.Weights(source, source.Model.Spec!, options);
        int context = ranked.Count > 0 ? ranked[0].Plan.Estimate.ContextTokens : InferenceEstimator.Estimate(source, options).ContextTokens;
        var notes = new List<string> { $"ranked: fewest devices first, then least usable memory bought (usable × count), then the faster memory; at most {maxCount} of one device" };
        if (ranked.Count == 0)
        {
            // Say what it would take: the whole estimate on one device with its margin, and the fewest of the largest catalog GPU.
            var estimate = InferenceEstimator.Estimate(source, options);
            long needed = estimate.Items.Where(i => i.Device is null or "GPU").Sum(i => i.Bytes) + FitOptions.DefaultMarginBytes;
            var largest = devices.Where(d => d.Kind == DeviceKind.Gpu).MaxBy(d => d.UsableMemoryBytes);
            int? count = largest is null ? null : FitPlanner.MinDevices(source, options, new FitOptions(new DeviceSelection(largest, 1)), 64);
            notes.Add($"no catalog device holds it entirely: it needs {Units.ByteSize.FormatGiB(needed)} of device memory with a 1 GiB margin"
                + (largest is null ? "" : count is { } n ? $"; the fewest of the largest GPU listed, the {largest.Name}, would be {n}" : $"; even 64 of the {largest.Name} would not do")
                + "; smaller weights (--weights) or a shorter --context need less");
        }
        return new FitRanking(ModelInfo.From(source.Model), EstimateReport.EngineName(options.Engine), weightsNote, context,
            ranked.Select(FitRankingRow.From).ToList(),
            notes);
    }
}

/// <summary>One ranked device: how many of it, what the busiest one holds against what each offers (bytes), its bandwidth (bytes/s), and the decode speed there (tokens/s per sequence).</summary>
public sealed record FitRankingRow(string Id, string Name, string Kind, int Count, long UsedBytesPerDevice, long UsableBytesPerDevice, double BandwidthBytesPerSecond, double? DecodeTokensPerSecond)
{
    /// <summary>The row of <paramref name="r"/>; the usable bytes are what its plan judged each device against (vLLM: all of a GPU's memory, of which it takes gpu_memory_utilization).</summary>
    public static FitRankingRow From(RankedFit r) => new(r.Device.Id, r.Device.Name, DeviceListItem.KindName(r.Device.Kind), r.Count,
        r.UsedBytesPerDevice, r.Plan.Devices[0].CapacityBytes ?? r.Device.UsableMemoryBytes, r.Device.BandwidthBytesPerSecond, r.Plan.Speed?.DecodeTokensPerSecond);
}
