using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Reports;
using LlmSizer.Serialization;

namespace LlmSizer.Benchmarks;

/// <summary>
/// <c>llmsizer inspect MODEL --json</c> inside the process: the model opened as the CLI opens it (catalog name, GGUF
/// file, safetensors folder), the full <see cref="InspectReport"/> and its JSON. The files are <see cref="BenchmarkFiles"/>'.
/// </summary>
[MemoryDiagnoser]
public class InspectBenchmarks
{
    private string folder = "";
    private string gguf = "";
    private string safetensors = "";

    [GlobalSetup]
    public void WriteFiles()
    {
        folder = Directory.CreateTempSubdirectory("llmsizer-bench-").FullName;
        BenchmarkFiles.WriteAll(folder);
        gguf = Path.Combine(folder, BenchmarkFiles.GgufName);
        safetensors = Path.Combine(folder, BenchmarkFiles.SafetensorsFolderName);
    }

    [GlobalCleanup]
    public void DeleteFiles() => Directory.Delete(folder, recursive: true);

    [Benchmark]
    public int CatalogLlama8B() => Json("llama-3.1-8b");

    /// <summary>The 999-tensor GGUF whose header holds a 152,000-token vocabulary and 151,000 merges.</summary>
    [Benchmark]
    public int GgufFile() => Json(gguf);

    /// <summary>Llama-2-7B in five shards: index, five headers, config.json.</summary>
    [Benchmark]
    public int SafetensorsFolder() => Json(safetensors);

    private static int Json(string model) =>
        ReportJson.Serialize(InspectReport.Build(ModelSource.Open(model)), c => c.InspectReport).Length;
}
