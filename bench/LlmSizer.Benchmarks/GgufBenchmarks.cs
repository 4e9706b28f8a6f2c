using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Inspecting a GGUF file: the work behind `inspect model.gguf`. The file (<see cref="BenchmarkFiles.WriteGguf"/>) is a
/// Qwen2-style model of 83 layers (999 tensors, 19.9B parameters) whose header holds a 152,000-token vocabulary with
/// scores, token types and 151,000 merges, written sparse so the 12.6 GB of tensor data take no disk.
/// Target: under 20 ms for <see cref="OpenModel"/>.
/// </summary>
[MemoryDiagnoser]
public class GgufBenchmarks
{
    private string folder = "";
    private string path = "";

    [GlobalSetup]
    public void WriteFile()
    {
        folder = Directory.CreateTempSubdirectory("llmsizer-bench-").FullName;
        path = BenchmarkFiles.WriteGguf(Path.Combine(folder, BenchmarkFiles.GgufName));
    }

    [GlobalCleanup]
    public void DeleteFile() => Directory.Delete(folder, recursive: true);

    /// <summary>Header, inventory and architecture: everything `inspect` needs.</summary>
    [Benchmark]
    public long OpenModel()
    {
        var model = GgufModel.Open(path);
        return model.Inventory.Parameters + model.Spec!.Layers;
    }

    /// <summary>The header alone.</summary>
    [Benchmark]
    public int ReadHeader()
    {
        using var source = new FileByteSource(path);
        return GgufReader.Read(source).Tensors.Count;
    }
}
