using System.Globalization;
using System.Text.Json.Nodes;
using LlmSizer.Inference.LlamaCpp;
using LlmSizer.Tests.Support;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>A buffer as llama.cpp logs it: its buffer-type name and its size in MiB with two (or four) decimals.</summary>
internal sealed record LoggedBuffer(string Name, double Mib)
{
    public long Bytes => (long)Math.Round(Mib * 1024 * 1024);
}

/// <summary>What llama.cpp reported for one case.</summary>
/// <param name="ModelBytes">All model buffers, exact (llama_model::memory_breakdown).</param>
/// <param name="ContextBytes">KV cache + compute buffers, exact (llama_context::memory_breakdown).</param>
/// <param name="ComputeFine">The CPU compute buffer from the destructor's 4-decimal log line (±53 bytes).</param>
internal sealed record LlamaCppMeasurement(
    string CaseId,
    long ModelBytes,
    IReadOnlyList<LoggedBuffer> ModelBuffers,
    IReadOnlyList<LoggedBuffer> KvBuffers,
    IReadOnlyList<LoggedBuffer> ComputeBuffers,
    LoggedBuffer ComputeFine,
    IReadOnlyList<LoggedBuffer> OutputBuffers,
    long ContextBytes,
    int ContextTokens,
    int MicroBatch)
{
    /// <summary>KV bytes: the exact context total less the compute buffer (known to ±53 bytes).</summary>
    public long KvBytes => ContextBytes - ComputeFine.Bytes;

    public long OutputBytes => OutputBuffers.Sum(b => b.Bytes);

    public long TotalBytes => ModelBytes + ContextBytes + OutputBytes;

    public static LlamaCppMeasurement Parse(JsonObject o) => new(
        o["context"]!.GetValue<string>(),
        o["modelBytes"]!.GetValue<long>(),
        Buffers(o["modelBuffers"]),
        Buffers(o["kvBuffers"]),
        Buffers(o["computeBuffers"]),
        Buffers(o["computeBuffersFine"]).Single(),
        Buffers(o["outputBuffers"]),
        o["contextBytes"]!.GetValue<long>(),
        o["nCtx"]!.GetValue<int>(),
        o["nUbatch"]!.GetValue<int>());

    private static List<LoggedBuffer> Buffers(JsonNode? node) =>
        node!.AsArray().Select(b => new LoggedBuffer(b!["buffer"]!.GetValue<string>(), b["mib"]!.GetValue<double>())).ToList();
}

/// <summary>
/// Runs every <see cref="LlamaCppCases"/> case through real llama.cpp once per test run (one Node process, each model loaded
/// once) and keeps the results for the tests. The GGUF files are written to a temporary folder, sparse.
/// </summary>
public sealed class LlamaCppMeasurements : IDisposable
{
    private readonly TempDirectory folder = new();

    internal IReadOnlyDictionary<string, LlamaCppMeasurement> ByCase { get; }

    /// <summary>Errors llama.cpp gave, by case id (none expected).</summary>
    internal IReadOnlyDictionary<string, string> Errors { get; }

    /// <summary>llama.cpp's refusal of the quantized-V-without-flash-attention context.</summary>
    internal string? QuantizedValueWithoutFlashError { get; }

    internal string SystemInfo { get; } = "";

    internal string NodeLlamaCppVersion { get; } = "?";

    internal string LlamaCppRelease { get; } = "?";

    internal TimeSpan Elapsed { get; }

    internal Dictionary<string, string> Paths { get; } = [];

    public LlamaCppMeasurements()
    {
        var started = DateTime.UtcNow;
        var models = new JsonArray();
        foreach (var model in LlamaCppCases.Models)
        {
            string path = model.Write(System.IO.Path.Combine(folder.Path, model.Id + ".gguf"));
            Paths[model.Id] = path;
            var contexts = new JsonArray();
            foreach (var c in LlamaCppCases.All.Where(c => c.Model == model))
                contexts.Add(Context(c.Id, c.Context, c.Batch, c.FlashAttention, c.KeyType, c.ValueType, c.Sequences));
            if (model == LlamaCppCases.Models[0])
                contexts.Add(Context("quantized-v-without-fa", 4096, 512, false, "q8_0", "q8_0", 1));
            models.Add(new JsonObject { ["id"] = model.Id, ["path"] = path, ["gpuLayers"] = 0, ["mmap"] = model.Mmap, ["contexts"] = contexts });
        }
        var lines = LlamaCppHarness.Measure(new JsonObject { ["models"] = models }, TimeSpan.FromMinutes(8));
        var results = new Dictionary<string, LlamaCppMeasurement>();
        var errors = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            if (line["systemInfo"] is { } info)
            {
                SystemInfo = info.GetValue<string>();
                NodeLlamaCppVersion = line["nodeLlamaCpp"]!.GetValue<string>();
                LlamaCppRelease = line["llamaCpp"]!.GetValue<string>();
                continue;
            }
            string id = line["context"]!.GetValue<string>();
            if (line["error"] is { } error)
            {
                if (id == "quantized-v-without-fa")
                    QuantizedValueWithoutFlashError = error.GetValue<string>();
                else
                    errors[id] = error.GetValue<string>();
                continue;
            }
            results[id] = LlamaCppMeasurement.Parse(line);
        }
        ByCase = results;
        Errors = errors;
        Elapsed = DateTime.UtcNow - started;
    }

    /// <summary>The CPU llama.cpp ran on, from its system info line, as the profile's machine description.</summary>
    internal LlamaCppMachine Machine
    {
        get
        {
            bool Has(string feature) => SystemInfo.Contains($"{feature} = 1", StringComparison.Ordinal);
            var cpu = !Has("REPACK") ? CpuRepack.None
                : Has("AVX512") ? CpuRepack.X86Avx512
                : Has("AVX2") ? CpuRepack.X86Avx2
                : Has("MATMUL_INT8") ? CpuRepack.ArmI8mm
                : Has("DOTPROD") ? CpuRepack.ArmDotProd
                : CpuRepack.None;
            return new LlamaCppMachine(false, cpu);
        }
    }

    private static JsonObject Context(string id, int context, int batch, bool flash, string k, string v, int sequences) => new()
    {
        ["id"] = id,
        ["contextSize"] = context,
        ["batchSize"] = batch,
        ["flashAttention"] = flash,
        ["typeK"] = LlmSizer.Precision.GgmlType.FromName(k)!.Id,
        ["typeV"] = LlmSizer.Precision.GgmlType.FromName(v)!.Id,
        ["sequences"] = sequences,
    };

    public void Dispose() => folder.Dispose();

    /// <summary>Bytes as llama.cpp prints MiB (<c>%.2f</c>: an exact tie rounds to even, as C's printf does).</summary>
    internal static string Mib(long bytes) =>
        Math.Round(bytes / 1048576.0, 2, MidpointRounding.ToEven).ToString("0.00", CultureInfo.InvariantCulture);
}
