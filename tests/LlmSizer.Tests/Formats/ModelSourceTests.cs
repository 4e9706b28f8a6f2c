using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Models;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats;

public class ModelSourceTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", name);

    /// <summary>A Llama-2-7b-hf folder as transformers saves it: config.json, a 3-shard index and the shards (sparse).</summary>
    private static string Llama2Folder(TempDirectory dir)
    {
        File.Copy(Fixture("meta-llama__Llama-2-7b-hf.json"), Path.Combine(dir.Path, "config.json"));
        SafetensorsWriter.WriteSharded(dir.Path, SafetensorsShapes.Llama2_7b(), 3);
        return dir.Path;
    }

    [Theory]
    [InlineData("llama-2-7b", 6_738_415_616, ModelOrigin.Catalog)]
    [InlineData("7b", 6_990_073_856, ModelOrigin.BareSize)]
    public void Names_and_sizes_open_without_files(string input, long total, ModelOrigin origin)
    {
        var source = ModelSource.Open(input);
        Assert.Equal(total, source.Parameters.Total);
        Assert.Equal(origin, source.Model.Origin);
        Assert.False(source.Parameters.FromWeights);
        Assert.Null(source.Inventory);
    }

    // Llama-2-7b-hf: 6,738,415,616 parameters (Hugging Face safetensors count).
    [Fact]
    public void A_safetensors_folder_counts_its_tensors_and_agrees_with_its_config()
    {
        using var dir = new TempDirectory();
        string folder = Llama2Folder(dir);
        foreach (string input in new[] { folder, Path.Combine(folder, "model.safetensors.index.json") })
        {
            var source = ModelSource.Open(input);
            Assert.Equal(6_738_415_616, source.Parameters.Total);
            Assert.True(source.Parameters.FromWeights);
            Assert.Equal(ModelOrigin.SafetensorsFile, source.Model.Origin);
            Assert.Equal("llama", source.Model.Spec!.Architecture);
            Assert.Equal(3, source.Files.Count);
            Assert.Empty(source.Mismatches);
            Assert.Equal(2 * 6_738_415_616, source.Inventory!.Bytes);
        }
    }

    [Fact]
    public void Weights_without_a_config_still_count_and_say_the_architecture_is_unknown()
    {
        using var dir = new TempDirectory();
        string file = SafetensorsShapes.WriteSingle(Path.Combine(dir.Path, "model.safetensors"), SafetensorsShapes.Qwen25_05b());
        var source = ModelSource.Open(file);
        Assert.Equal(494_032_768, source.Parameters.Total);
        Assert.Null(source.Model.Spec);
        Assert.Contains(source.Model.Notes, n => n.Contains("no readable config.json"));
    }

    [Fact]
    public void A_missing_file_path_is_an_input_error_naming_it()
    {
        var e = Assert.Throws<InputException>(() => ModelSource.Open("/nonexistent/model.gguf"));
        Assert.Equal("/nonexistent/model.gguf: file: expected a config.json, .gguf, .safetensors or model folder, found nothing at this path", e.Message);
    }

    [Fact]
    public async Task A_hub_repo_is_read_from_its_config_and_shard_headers_only()
    {
        using var local = new TempDirectory();
        using var cache = new TempDirectory();
        string folder = Llama2Folder(local);
        await using var server = new FakeHubServer();
        var repo = server.AddRepo("meta-llama/Llama-2-7b-hf")
            .With("config.json", File.ReadAllBytes(Path.Combine(folder, "config.json")))
            .With("model.safetensors.index.json", File.ReadAllBytes(Path.Combine(folder, "model.safetensors.index.json")))
            .With("README.md", "# Llama 2");
        foreach (string shard in Directory.GetFiles(folder, "*.safetensors"))
            repo.WithFileHead(Path.GetFileName(shard), shard, headBytes: 64 * 1024);

        var options = new ModelSourceOptions
        {
            Hub = new HubOptions { Endpoint = server.Endpoint, CacheDirectory = cache.Path, RetryBaseDelay = TimeSpan.FromMilliseconds(1) },
        };
        var source = ModelSource.Open("hf:meta-llama/Llama-2-7b-hf", options);
        Assert.Equal(6_738_415_616, source.Parameters.Total);
        Assert.Equal(ModelOrigin.HuggingFaceHub, source.Model.Origin);
        Assert.Empty(source.Mismatches);
        // 13.5 GB of weights; only headers crossed the wire.
        Assert.InRange(server.BytesServed, 1, 1_000_000);

        int before = server.Requests;
        var again = ModelSource.Open("hf:meta-llama/Llama-2-7b-hf", options with { Hub = options.Hub with { Offline = true } });
        Assert.Equal(6_738_415_616, again.Parameters.Total);
        Assert.Equal(before, server.Requests);
    }

    [Fact]
    public void Hub_references_take_an_optional_quant_tag()
    {
        Assert.Equal((new HubRepoId("bartowski", "Qwen2.5-7B-Instruct-GGUF", "main"), "Q8_0"),
            HubReference.Parse("hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q8_0"));
        Assert.Equal((new HubRepoId("org", "name", "v2"), (string?)null), HubReference.Parse("hf:org/name@v2"));
        Assert.Throws<UsageException>(() => HubReference.Parse("hf:org/name:"));
    }

    [Fact]
    public void A_gguf_repo_picks_the_named_quant_else_q4_k_m_else_asks()
    {
        var id = new HubRepoId("org", "m-GGUF", "main");
        string[] files = ["m-Q8_0.gguf", "m-Q4_K_M.gguf", "m-Q4_K_S.gguf", "mmproj-m-f16.gguf", "big/m-Q2_K-00001-of-00002.gguf", "big/m-Q2_K-00002-of-00002.gguf"];
        Assert.Equal("m-Q4_K_M.gguf", HubReference.ChooseGguf(id, files, null));
        Assert.Equal("m-Q8_0.gguf", HubReference.ChooseGguf(id, files, "q8_0"));
        Assert.Equal("big/m-Q2_K-00001-of-00002.gguf", HubReference.ChooseGguf(id, files, "Q2_K"));
        var e = Assert.Throws<UsageException>(() => HubReference.ChooseGguf(id, files, "IQ1_S"));
        Assert.Contains("no GGUF file matches 'IQ1_S'", e.Message);
        Assert.Contains("m-Q4_K_S.gguf", e.Message);
    }
}

public class ModelSourceGgufTests
{
    private const string Digest = "b5e2ad3a0a0c6c1b4b8d1c5ac0b6c9e61f2b9e3c7a8d4e5f60718293a4b5c6d7";

    [Fact]
    public void A_gguf_file_counts_its_tensors_and_reports_its_quant_mix()
    {
        using var dir = new TempDirectory();
        string path = GgufModels.Writer(GgufModels.Qwen25_05B).Write(Path.Combine(dir.Path, "qwen2.5-0.5b-q4_k.gguf"));
        var source = ModelSource.Open(path);
        Assert.Equal(494_032_768, source.Parameters.Total);
        Assert.Equal(ModelOrigin.GgufFile, source.Model.Origin);
        Assert.Equal("qwen2", source.Model.Spec!.Architecture);
        Assert.Empty(source.Mismatches);
        Assert.Equal(source.Inventory!.Parameters, source.Inventory.ParametersByType.Sum(t => t.Parameters));

        var r = LlmSizer.Tests.Cli.CliResult.Run("inspect", path, "--json");
        Assert.Equal(0, r.ExitCode);
        var mix = r.Json.GetProperty("file").GetProperty("quantMix");
        Assert.Contains(mix.EnumerateArray(), t => t.GetProperty("type").GetString() == "F32");
        Assert.Equal(494_032_768, mix.EnumerateArray().Sum(t => t.GetProperty("parameters").GetInt64()));
    }

    [Fact]
    public void An_ollama_name_opens_the_gguf_blob_its_manifest_names()
    {
        using var dir = new TempDirectory();
        string models = Path.Combine(dir.Path, "models");
        string manifests = Path.Combine(models, "manifests", "registry.ollama.ai", "library", "qwen2.5");
        Directory.CreateDirectory(manifests);
        Directory.CreateDirectory(Path.Combine(models, "blobs"));
        GgufModels.Writer(GgufModels.Qwen25_05B).Write(Path.Combine(models, "blobs", "sha256-" + Digest));
        File.WriteAllText(Path.Combine(manifests, "0.5b"),
            $$"""{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{{Digest}}","size":1}]}""");

        var options = new ModelSourceOptions { Locations = new LlmSizer.Formats.Local.LocalModelLocations { OllamaModels = models } };
        var source = ModelSource.Open("ollama:qwen2.5:0.5b", options);
        Assert.Equal(494_032_768, source.Parameters.Total);
        Assert.Equal(ModelOrigin.Ollama, source.Model.Origin);
        var e = Assert.Throws<UsageException>(() => ModelSource.Open("ollama:qwen2.5:72b", options));
        Assert.Contains("not in Ollama's store", e.Message);
    }

    [Fact]
    public async Task A_hub_gguf_repo_reads_only_the_header_of_the_quant_asked_for()
    {
        using var local = new TempDirectory();
        using var cache = new TempDirectory();
        string q4 = GgufModels.Writer(GgufModels.Llama31_8B).Write(Path.Combine(local.Path, "q4.gguf"));
        await using var server = new FakeHubServer();
        server.AddRepo("bartowski/Meta-Llama-3.1-8B-GGUF")
            .WithFileHead("Meta-Llama-3.1-8B-Q4_K_M.gguf", q4)
            .WithFileHead("Meta-Llama-3.1-8B-Q8_0.gguf", q4);
        var options = new ModelSourceOptions
        {
            Hub = new HubOptions { Endpoint = server.Endpoint, CacheDirectory = cache.Path, RetryBaseDelay = TimeSpan.FromMilliseconds(1) },
        };
        var source = ModelSource.Open("hf:bartowski/Meta-Llama-3.1-8B-GGUF", options);
        Assert.Equal(8_030_261_248, source.Parameters.Total);
        Assert.Contains("Q4_K_M", source.Model.Name);
        // The header (a 128,256-token vocabulary) is ~2 MB of a 4.9 GB file: well under 1% crosses the wire.
        Assert.InRange(server.BytesServed, 1, new FileInfo(q4).Length / 100);
        Assert.Contains("Q8_0", ModelSource.Open("hf:bartowski/Meta-Llama-3.1-8B-GGUF:Q8_0", options).Model.Name);
    }
}
