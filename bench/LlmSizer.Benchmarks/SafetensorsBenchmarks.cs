using BenchmarkDotNet.Attributes;
using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Reading a sharded checkpoint from local disk: the index and five shard headers of Llama-2-7B's 291 BF16 tensors
/// (13.5 GB of sparse files, so only the headers occupy disk). Target: under 5 ms for the whole read.
/// </summary>
[MemoryDiagnoser]
public class SafetensorsBenchmarks
{
    private string folder = "";
    private string index = "";

    [GlobalSetup]
    public void Setup()
    {
        folder = BenchmarkFiles.WriteSafetensors(Directory.CreateTempSubdirectory("llmsizer-bench-").FullName);
        index = Path.Combine(folder, "model.safetensors.index.json");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    /// <summary>What <c>llmsizer inspect FOLDER</c> does: index, five headers, config.json and the side files.</summary>
    [Benchmark]
    public long OpenFolderWithIndexAndConfig() => SafetensorsModel.Open(folder).Inventory.Parameters;

    /// <summary>The index and the five shard headers only, through byte sources.</summary>
    [Benchmark]
    public long ReadIndexAndFiveShardHeaders()
    {
        using var source = new FileByteSource(index);
        return SafetensorsModel.Read(source, FileByteSource.SiblingsOf(index)).Inventory.Parameters;
    }

    /// <summary>One shard's header: the 8-byte length and about 60 tensor entries.</summary>
    [Benchmark]
    public int ReadOneShardHeader()
    {
        using var source = new FileByteSource(Path.Combine(folder, "model-00001-of-00005.safetensors"));
        return SafetensorsReader.Read(source).Tensors.Count;
    }
}
