using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Inference;

namespace LlmSizer.Reports;

/// <summary>
/// The fit verdict of each device (rows) at each weight type of the engine's quality ladder (columns): what <c>fit --plot</c>
/// draws. Each cell is <see cref="FitPlanner.Place"/>'s verdict (the same as <see cref="FitPlanner.Plan"/>'s); context in tokens, RAM in bytes.
/// </summary>
/// <param name="Weights">The columns, best quality first (<see cref="FitPlanner.QualityLadder"/>).</param>
/// <param name="HostRamBytes">System RAM beside discrete GPUs, which decides whether offload runs.</param>
public sealed record FitMatrix(ModelInfo Model, string Engine, int ContextTokens, long HostRamBytes, IReadOnlyList<string> Weights, IReadOnlyList<FitMatrixRow> Rows, IReadOnlyList<string> Notes)
{
    /// <summary>System RAM assumed beside a GPU when none is given: 64 GiB, a well-equipped desktop's.</summary>
    public const long DefaultHostRamBytes = 64L << 30;

    /// <summary>
    /// The matrix over <paramref name="devices"/> (each with the group it is shown under); devices the engine does not run on
    /// (a CPU for vLLM and transformers, Apple Silicon for vLLM) are left out.
    /// </summary>
    public static FitMatrix Build(ModelSource source, InferenceOptions options, IReadOnlyList<FitMatrixDevice> devices, long? hostRamBytes = null, long? marginBytes = null)
    {
        long ram = hostRamBytes ?? DefaultHostRamBytes;
        var weights = FitPlanner.QualityLadder(options.Engine);
        int context = InferenceEstimator.Estimate(source, options).ContextTokens;
        var rows = devices.Where(d => FitPlanner.Runs(options.Engine, d.Selection.Device)).Select(d => new FitMatrixRow(
            d.Label, d.Group,
            weights.Select(w =>
            {
                // The RAM beside a discrete GPU; a CPU's or a unified-memory machine's memory is its own.
                var fit = new FitOptions(d.Selection, d.Selection.Device.Kind == DeviceKind.Gpu ? ram : null, MarginBytes: marginBytes);
                var plan = FitPlanner.Place(source, options with { WeightsType = w }, fit);
                return new FitMatrixCell(w, FitReport.VerdictName(plan.Verdict), plan.GpuLayers, plan.GpuLayers + plan.CpuLayers);
            }).ToList())).ToList();
        var notes = new List<string> { $"offload counts on {Units.ByteSize.FormatGiB(ram)} of system RAM beside a GPU" + (hostRamBytes is null ? " (assumed; --ram sets it)" : "") };
        return new FitMatrix(ModelInfo.From(source.Model), EstimateReport.EngineName(options.Engine), context, ram, weights, rows, notes);
    }

    /// <summary>The rows a fit chart shows: <paramref name="asked"/> first when given, then each tier's chart devices.</summary>
    public static IReadOnlyList<FitMatrixDevice> ChartDevices(DeviceSelection? asked, IEnumerable<HardwareTier>? tiers = null)
    {
        var rows = new List<FitMatrixDevice>();
        if (asked is not null)
            rows.Add(new FitMatrixDevice(Label(asked), "Asked", asked));
        foreach (var tier in tiers ?? HardwareTiers.All)
            rows.AddRange(tier.ChartDevices.Where(d => d != asked).Select(d => new FitMatrixDevice(Label(d), tier.Name, d)));
        return rows;
    }

    private static string Label(DeviceSelection d) => d.Count == 1 ? d.Device.Id : $"{d.Device.Id} ×{d.Count}";
}

/// <summary>A row's device: its label (<c>h100-sxm ×8</c>), the group it is shown under (a tier's name), and the selection.</summary>
public sealed record FitMatrixDevice(string Label, string Group, DeviceSelection Selection);

/// <summary>One device's verdicts, one cell per weight type.</summary>
public sealed record FitMatrixRow(string Device, string Group, IReadOnlyList<FitMatrixCell> Cells);

/// <summary>One device at one weight type: <c>fits</c>, <c>fitsWithOffload</c> or <c>doesNotFit</c>, with llama.cpp's <c>-ngl</c> of the layers (output counted).</summary>
public sealed record FitMatrixCell(string Weights, string Verdict, int? GpuLayers, int? TotalLayers);
