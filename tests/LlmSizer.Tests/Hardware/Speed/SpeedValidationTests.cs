using System.Globalization;
using System.Text;
using Xunit;

namespace LlmSizer.Tests.Hardware.Speed;

/// <summary>
/// The speed model against published llama.cpp measurements (Fixtures/reference/llama-bench-speeds.tsv, one source URL and
/// source row per line): Apple Silicon from llama.cpp discussion #4167, NVIDIA from discussion #15013 and
/// XiongjieDai/GPU-Benchmarks-on-LLM-Inference, an RTX 5060 Ti and an i7-8700 (partial offload, CPU-only, MoE) from the
/// InventiveHQ Lab articles. Every calibration and validation row must be within 25% (issue 5's target). Set
/// LLMSIZER_SPEED_ACCURACY_OUT=FILE to write the table of docs/ACCURACY.md ("Speed").
/// </summary>
public sealed class SpeedValidationTests
{
    private const double Tolerance = 0.25;

    public static TheoryData<string> HeldRows =>
        [.. SpeedReferences.All.Where(r => r.Role is "calibration" or "validation").Select(r => r.Id)];

    [Theory]
    [MemberData(nameof(HeldRows))]
    public void Estimate_is_within_25_percent_of_the_published_measurement(string id)
    {
        var reference = SpeedReferences.All.Single(r => r.Id == id);
        var comparison = SpeedReferences.Compare(reference);

        Assert.True(Math.Abs(comparison.Error) <= Tolerance,
            $"{id} ({reference.SourceRow}, {reference.Source}): estimated {comparison.EstimatedTokensPerSecond:0.00} tok/s, " +
            $"measured {reference.MeasuredTokensPerSecond:0.00} ({comparison.Error:+0.0%;-0.0%})");
    }

    [Fact]
    public void Reference_set_covers_apple_nvidia_and_cpu_in_decode_and_prefill()
    {
        var held = SpeedReferences.All.Where(r => r.Role is "calibration" or "validation").ToList();
        var kinds = held.Select(r => SpeedReferences.Devices[r.Device].Kind).ToHashSet();

        Assert.True(held.Count >= 15, $"{held.Count} rows held to the tolerance");
        Assert.Contains(held, r => SpeedReferences.Devices[r.Device].Vendor == "Apple" && r.Phase == "decode");
        Assert.Contains(held, r => SpeedReferences.Devices[r.Device].Vendor == "Apple" && r.Phase == "prefill");
        Assert.Contains(held, r => SpeedReferences.Devices[r.Device].Vendor == "NVIDIA" && r.Phase == "decode");
        Assert.Contains(held, r => SpeedReferences.Devices[r.Device].Vendor == "NVIDIA" && r.Phase == "prefill");
        Assert.Contains(LlmSizer.Hardware.DeviceKind.Cpu, kinds);
        Assert.Contains(held, r => r.GpuLayers is not null);
        // Validation rows outnumber the rows the constants were fitted to.
        Assert.True(held.Count(r => r.Role == "validation") > held.Count(r => r.Role == "calibration"));
    }

    /// <summary>Writes docs/ACCURACY.md's speed table when LLMSIZER_SPEED_ACCURACY_OUT names a file.</summary>
    [Fact]
    public void Accuracy_table_lists_every_row_with_its_error()
    {
        var rows = SpeedReferences.All.Select(SpeedReferences.Compare).ToList();
        var table = Table(rows);
        Assert.Equal(SpeedReferences.All.Count, table.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal)) - 1);
        if (Environment.GetEnvironmentVariable("LLMSIZER_SPEED_ACCURACY_OUT") is { Length: > 0 } path)
            File.WriteAllText(path, table);
    }

    private static string Table(IReadOnlyList<SpeedReferences.Comparison> rows)
    {
        var sb = new StringBuilder();
        foreach (var group in rows.GroupBy(r => r.Reference.Role).OrderBy(g => g.Key switch { "calibration" => 0, "validation" => 1, _ => 2 }))
        {
            double worst = group.Max(r => Math.Abs(r.Error));
            double mean = group.Average(r => Math.Abs(r.Error));
            sb.Append(CultureInfo.InvariantCulture, $"- {group.Key}: {group.Count()} rows, mean |error| {mean:0.0%}, worst {worst:0.0%}\n");
        }
        sb.Append('\n');
        sb.Append("| case | model | weights | device | GPU layers | test | measured tok/s | estimated tok/s | error | bound | role | source |\n");
        sb.Append("|---|---|---|---|---|---|---:|---:|---:|---|---|---|\n");
        foreach (var c in rows)
        {
            var r = c.Reference;
            string device = (r.Count > 1 ? $"{r.Count} × " : "") + SpeedReferences.Devices[r.Device].Name + (r.Host is { } h && r.GpuLayers is not null ? $" + {SpeedReferences.Devices[h].Name}" : "");
            string test = r.Phase == "prefill" ? "pp512" : $"{(r.Harness == "llama-server" ? "server" : "tg")} @ {r.Context}";
            var bound = r.Phase == "prefill" ? c.Estimate.PrefillBound : c.Estimate.Bound;
            sb.Append(CultureInfo.InvariantCulture,
                $"| {r.Id} | {r.Model} | {r.Weights} | {device} | {(r.GpuLayers is { } n ? n.ToString(CultureInfo.InvariantCulture) : "all")} | {test} | {r.MeasuredTokensPerSecond:0.##} | {c.EstimatedTokensPerSecond:0.##} | {c.Error:+0.0%;-0.0%} | {bound} | {r.Role} | [{r.SourceRow}]({r.Source}) |\n");
        }
        return sb.ToString();
    }
}
