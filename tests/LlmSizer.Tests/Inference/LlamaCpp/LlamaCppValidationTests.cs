using System.Globalization;
using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Inference;
using LlmSizer.Inference.LlamaCpp;
using Xunit;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>
/// LlamaCppProfile against real llama.cpp (node-llama-cpp's prebuilt CPU build): for every case the model and KV buffers
/// must match to the byte (the model total is exact; the KV total is exact to the ±53-byte resolution of the compute
/// buffer's log line; each buffer also matches llama.cpp's 2-decimal MiB log line), the output buffer to its log line, the
/// compute buffer within 5% and the total within 2%. Set LLMSIZER_ACCURACY_OUT=FILE to write the table of docs/ACCURACY.md.
/// </summary>
[Trait("Category", "LlamaCpp")]
public sealed class LlamaCppValidationTests(LlamaCppMeasurements measured) : IClassFixture<LlamaCppMeasurements>
{
    private const double ComputeTolerance = 0.05, TotalTolerance = 0.02;

    /// <summary>
    /// Cases where ggml-alloc's best fit lands the last layer's output above a hole the freed attention masks left, so the
    /// logits sit higher than the closed form's (which follows the common placement), and the total misses 2% on a small model
    /// although the compute buffer is within 5%. llama4-chunked np2: two 3 MiB masks; the final residual lands above 10 hidden-size
    /// activations instead of 5 (ggml-alloc trace of llama.cpp's reserve graph; at 8192 tokens, or without flash attention, it lands
    /// at or below the usual place). Their total is held to 2.5%.
    /// </summary>
    private static readonly HashSet<string> FragmentationOutliers = ["llama4-chunked-q4_k/c6000-ub512-faon-f16-f16-np2"];

    private const double OutlierTotalTolerance = 0.025;

    public static TheoryData<string> Cases => LlamaCppCases.Ids;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Estimate_matches_llama_cpp(string id)
    {
        var row = Compare(id);
        var m = row.Measured;
        var e = row.Estimate;

        Assert.Equal(m.ContextTokens, e.ContextTokens);
        Assert.Equal(m.ModelBytes, e.WeightsBytes);
        foreach (var logged in m.ModelBuffers)
        {
            string name = logged.Name switch
            {
                "CPU_Mapped" => LlamaCppProfile.MappedWeights,
                "CPU_REPACK" => LlamaCppProfile.RepackedWeights,
                "CPU" => LlamaCppProfile.HostWeights,
                _ => throw new Xunit.Sdk.XunitException($"unexpected model buffer {logged.Name}"),
            };
            var item = Assert.Single(e.Items, i => i.Name == name);
            Assert.Equal(logged.Mib.ToString("0.00", CultureInfo.InvariantCulture), LlamaCppMeasurements.Mib(item.Bytes));
        }
        Assert.Equal(m.ModelBuffers.Count, e.Items.Count(i => i.Category == MemoryCategory.Weights));

        Assert.InRange(e.KvCacheBytes - m.KvBytes, -53, 53);
        var kvItems = e.Items.Where(i => i.Category == MemoryCategory.KvCache).Select(i => LlamaCppMeasurements.Mib(i.Bytes)).Order().ToList();
        var kvLogged = m.KvBuffers.Select(b => b.Mib.ToString("0.00", CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(kvLogged, kvItems);

        var output = Assert.Single(e.Items, i => i.Name == LlamaCppProfile.OutputBuffer);
        Assert.Equal(m.OutputBuffers.Single().Mib.ToString("0.00", CultureInfo.InvariantCulture), LlamaCppMeasurements.Mib(output.Bytes));

        Assert.True(Math.Abs(row.ComputeError) <= ComputeTolerance,
            $"compute buffer: estimated {row.ComputeEstimate:N0}, llama.cpp {m.ComputeFine.Bytes:N0} ({row.ComputeError:P2})");
        Assert.True(Math.Abs(row.TotalError) <= (FragmentationOutliers.Contains(id) ? OutlierTotalTolerance : TotalTolerance),
            $"total: estimated {row.TotalEstimate:N0}, llama.cpp {m.TotalBytes:N0} ({row.TotalError:P2})");
    }

    [Fact]
    public void Every_case_loads_in_llama_cpp()
    {
        Assert.Empty(measured.Errors);
        Assert.Equal(LlamaCppCases.All.Count, measured.ByCase.Count);
    }

    [Fact]
    public void Quantized_v_cache_without_flash_attention_is_refused_by_both()
    {
        Assert.NotNull(measured.QuantizedValueWithoutFlashError);
        Assert.Contains("flash_attn", measured.QuantizedValueWithoutFlashError);
        var model = GgufModel.Open(measured.Paths[LlamaCppCases.Models[0].Id]);
        var e = Assert.Throws<UsageException>(() => LlamaCppProfile.Estimate(model.Spec!, model.Inventory,
            new InferenceOptions { ContextTokens = 4096, KvTypeK = "q8_0", KvTypeV = "q8_0", FlashAttention = false }, measured.Machine));
        Assert.Contains("flash attention", e.Message);
    }

    /// <summary>Writes the accuracy table (docs/ACCURACY.md's) when LLMSIZER_ACCURACY_OUT names a file, and checks the worst errors.</summary>
    [Fact]
    public void Accuracy_table()
    {
        var rows = LlamaCppCases.All.Where(c => measured.ByCase.ContainsKey(c.Id)).Select(c => Compare(c.Id)).ToList();
        Assert.NotEmpty(rows);
        if (Environment.GetEnvironmentVariable("LLMSIZER_ACCURACY_OUT") is { Length: > 0 } path)
            File.WriteAllText(path, Table(rows));
        Assert.All(rows, r => Assert.Equal(r.Measured.ModelBytes, r.Estimate.WeightsBytes));
        Assert.True(rows.Max(r => Math.Abs(r.ComputeError)) <= ComputeTolerance);
        Assert.True(rows.Where(r => !FragmentationOutliers.Contains(r.Case.Id)).Max(r => Math.Abs(r.TotalError)) <= TotalTolerance);
        Assert.True(rows.Max(r => Math.Abs(r.TotalError)) <= OutlierTotalTolerance);
    }

    private sealed record Row(LlamaCppCase Case, LlamaCppMeasurement Measured, MemoryEstimate Estimate)
    {
        public long ComputeEstimate => Estimate.Items.Single(i => i.Name == $"{LlamaCppProfile.ComputeBuffer} CPU").Bytes;

        /// <summary>The graph phase the estimate's compute buffer comes from (attention, MLP, output).</summary>
        public string Peak => Estimate.Items.Single(i => i.Name == $"{LlamaCppProfile.ComputeBuffer} CPU").Formula.Split(": ")[1].Split(" = ")[0];

        public double ComputeError => (double)(ComputeEstimate - Measured.ComputeFine.Bytes) / Measured.ComputeFine.Bytes;

        public long TotalEstimate => Estimate.TotalBytes;

        public double TotalError => (double)(TotalEstimate - Measured.TotalBytes) / Measured.TotalBytes;
    }

    private Row Compare(string id)
    {
        var c = LlamaCppCases.Get(id);
        if (measured.Errors.TryGetValue(id, out string? error))
            throw new Xunit.Sdk.XunitException($"llama.cpp refused {id}: {error}");
        var m = measured.ByCase[id];
        var model = GgufModel.Open(measured.Paths[c.Model.Id]);
        var options = new InferenceOptions
        {
            ContextTokens = c.Context,
            BatchTokens = c.Batch,
            MicroBatchTokens = c.Batch,
            FlashAttention = c.FlashAttention,
            KvTypeK = c.KeyType,
            KvTypeV = c.ValueType,
            Sequences = c.Sequences,
            GpuLayers = 0,
            Mmap = c.Model.Mmap,
        };
        return new Row(c, m, LlamaCppProfile.Estimate(model.Spec!, model.Inventory, options, measured.Machine));
    }

    private string Table(IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"llama.cpp {measured.LlamaCppRelease} (node-llama-cpp {measured.NodeLlamaCppVersion}, prebuilt CPU build); {measured.SystemInfo.Trim()}");
        sb.AppendLine();
        sb.AppendLine("| case | arch | weights | ctx | ubatch | FA | K/V | np | model est / llama.cpp | KV est / llama.cpp | compute est / llama.cpp | peak | err | output est / llama.cpp | total est / llama.cpp | err |");
        sb.AppendLine("|---|---|---|---:|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var m = r.Measured;
            long output = r.Estimate.Items.Single(i => i.Name == LlamaCppProfile.OutputBuffer).Bytes;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Case.Model.Id} | {r.Case.Model.Shape.Arch} | {r.Case.Model.WeightType} | {r.Case.Context} | {r.Case.Batch} | {(r.Case.FlashAttention ? "on" : "off")} | {r.Case.KeyType}/{r.Case.ValueType} | {r.Case.Sequences} " +
                $"| {r.Estimate.WeightsBytes:N0} / {m.ModelBytes:N0} | {r.Estimate.KvCacheBytes:N0} / {m.KvBytes:N0} | {r.ComputeEstimate:N0} / {m.ComputeFine.Bytes:N0} | {r.Peak} | {r.ComputeError:+0.00%;-0.00%;0.00%} " +
                $"| {output:N0} / {m.OutputBytes:N0} | {r.TotalEstimate:N0} / {m.TotalBytes:N0} | {r.TotalError:+0.00%;-0.00%;0.00%} |");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Worst errors: model {rows.Max(r => Math.Abs(r.Estimate.WeightsBytes - r.Measured.ModelBytes)):N0} bytes, KV {rows.Max(r => Math.Abs(r.Estimate.KvCacheBytes - r.Measured.KvBytes)):N0} bytes (measured to ±53), " +
            $"compute {rows.Max(r => Math.Abs(r.ComputeError)):P2}, total {rows.Max(r => Math.Abs(r.TotalError)):P2}; {rows.Count} cases, measured in {measured.Elapsed.TotalSeconds:0} s.");
        return sb.ToString();
    }
}
