using System.Globalization;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Speed;
using LlmSizer.Inference;
using LlmSizer.Models;
using LlmSizer.Precision;

namespace LlmSizer.Tests.Hardware.Speed;

/// <summary>
/// The published speed measurements of Fixtures/reference/llama-bench-speeds.tsv and the datasheet devices of
/// speed-devices.tsv, each with its source, and the estimate the speed model makes for each.
/// </summary>
public static class SpeedReferences
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "reference");

    public sealed record Reference(
        string Id, string Model, string Weights, string Device, int Count, string? Host, double? LinkGbps, int? GpuLayers,
        int Context, string Phase, string Harness, double MeasuredTokensPerSecond, string Role, string Source, string SourceRow);

    public sealed record Comparison(Reference Reference, SpeedEstimate Estimate, double EstimatedTokensPerSecond)
    {
        /// <summary>(estimate − measured) / measured.</summary>
        public double Error => EstimatedTokensPerSecond / Reference.MeasuredTokensPerSecond - 1;
    }

    public static IReadOnlyDictionary<string, DeviceSpec> Devices { get; } = LoadDevices();

    public static IReadOnlyList<Reference> All { get; } = LoadReferences();

    /// <summary>The speed model's estimate for <paramref name="r"/>: its model, weights, device, placement and test.</summary>
    public static Comparison Compare(Reference r)
    {
        var spec = ModelCatalog.Find(r.Model)?.Spec ?? throw new InvalidOperationException($"{r.Id}: {r.Model} is not in the catalog");
        var traffic = ModelTraffic.From(spec, WeightsPrediction.Predict(spec, r.Weights, WeightsContainer.Gguf));
        var device = Devices[r.Device];
        var hardware = new SpeedHardware
        {
            Device = device,
            DeviceCount = r.Count,
            Host = r.Host is { } h ? Devices[h] : null,
            HostLinkBytesPerSecond = r.LinkGbps * 1e9,
        };
        // llama-bench times the forward pass alone; llama-server also samples each token on the host.
        var workload = new SpeedWorkload
        {
            ContextTokens = r.Context, PromptTokens = 512, MicroBatchTokens = 512, HostSampling = r.Harness == "llama-server",
        };
        var estimate = SpeedEstimator.Estimate(traffic, InferenceEngine.LlamaCpp, hardware, new SpeedPlacement { GpuLayers = r.GpuLayers }, workload);
        double tps = r.Phase == "prefill" ? estimate.PrefillTokensPerSecond : estimate.DecodeTokensPerSecond;
        return new Comparison(r, estimate, tps);
    }

    private static IEnumerable<string[]> Rows(string file) =>
        File.ReadLines(Path.Combine(Folder, file)).Where(l => l.Length > 0 && l[0] != '#').Skip(1).Select(l => l.Split('\t'));

    private static Dictionary<string, DeviceSpec> LoadDevices() =>
        Rows("speed-devices.tsv").ToDictionary(c => c[0], c => new DeviceSpec(
            c[0], c[1], Enum.Parse<DeviceKind>(c[2]), c[3], [], 0, 0, null,
            Number(c[5]) * 1e9, Number(c[6]) * 1e12, null, Number(c[7]) is > 0 and var int8 ? int8 * 1e12 : null,
            "", Number(c[8]) is > 0 and var link ? link * 1e9 : null, null, c[9]) { MemoryType = c[4] });

    private static List<Reference> LoadReferences() =>
        Rows("llama-bench-speeds.tsv").Select(c => new Reference(
            c[0], c[1], c[2], c[3], int.Parse(c[4], CultureInfo.InvariantCulture), c[5].Length == 0 ? null : c[5],
            c[6].Length == 0 ? null : Number(c[6]), c[7].Length == 0 ? null : int.Parse(c[7], CultureInfo.InvariantCulture),
            int.Parse(c[8], CultureInfo.InvariantCulture), c[9], c[10], Number(c[11]), c[12], c[13], c[14])).ToList();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
