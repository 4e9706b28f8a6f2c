using LlmSizer.Errors;
using LlmSizer.Formats.Local;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Local;

public class LocalModelScannerTests
{
    private const string Digest = "a3de86cd1c132c822487ededd47a324c50491393e6565cd14bafa40d0b8e686f";

    /// <summary>Lays out an Ollama store as Ollama writes it (manifests/REGISTRY/NAMESPACE/MODEL/TAG → blobs/sha256-HEX).</summary>
    private static string OllamaStoreWith(TempDirectory dir, string ns, string model, string tag, long blobBytes)
    {
        string models = Path.Combine(dir.Path, "ollama", "models");
        string manifestDir = Path.Combine(models, "manifests", "registry.ollama.ai", ns, model);
        Directory.CreateDirectory(manifestDir);
        Directory.CreateDirectory(Path.Combine(models, "blobs"));
        File.WriteAllText(Path.Combine(manifestDir, tag), $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:{{new string('0', 64)}}","size":487},
             "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{{Digest}}","size":{{blobBytes}}},
                       {"mediaType":"application/vnd.ollama.image.template","digest":"sha256:{{new string('1', 64)}}","size":1482}]}
            """);
        using (var blob = File.Create(Path.Combine(models, "blobs", "sha256-" + Digest)))
            blob.SetLength(blobBytes);
        return models;
    }

    [Fact]
    public void Ollama_names_resolve_to_the_model_blob_their_manifest_names()
    {
        using var dir = new TempDirectory();
        string models = OllamaStoreWith(dir, "library", "qwen2.5", "7b", 4_683_073_184);
        string blob = Path.Combine(models, "blobs", "sha256-" + Digest);
        Assert.Equal(blob, OllamaStore.Resolve(models, "qwen2.5:7b"));
        Assert.Equal(blob, OllamaStore.Resolve(models, "library/qwen2.5:7b"));
        Assert.Equal(blob, OllamaStore.Resolve(models, "registry.ollama.ai/library/qwen2.5:7b"));
    }

    [Fact]
    public void An_ollama_name_without_a_tag_means_latest_and_a_missing_one_says_where_it_looked()
    {
        using var dir = new TempDirectory();
        string models = OllamaStoreWith(dir, "library", "llama3.2", "latest", 1000);
        Assert.EndsWith("sha256-" + Digest, OllamaStore.Resolve(models, "llama3.2"));
        var e = Assert.Throws<UsageException>(() => OllamaStore.Resolve(models, "llama3.2:70b"));
        Assert.Contains("not in Ollama's store", e.Message);
        Assert.Throws<UsageException>(() => OllamaStore.Resolve(models, "../../etc:passwd"));
    }

    [Fact]
    public void The_ollama_store_lists_every_model_with_its_blob_size()
    {
        using var dir = new TempDirectory();
        string models = OllamaStoreWith(dir, "library", "qwen2.5", "7b", 4_683_073_184);
        var problems = new List<string>();
        var list = OllamaStore.List(models, problems);
        var model = Assert.Single(list);
        Assert.Equal("qwen2.5:7b", model.Name);
        Assert.Equal(LocalStore.Ollama, model.Store);
        Assert.Equal(4_683_073_184, model.SizeOnDiskBytes);
        Assert.Empty(problems);
    }

    [Fact]
    public void A_broken_manifest_is_reported_and_the_scan_goes_on()
    {
        using var dir = new TempDirectory();
        string models = OllamaStoreWith(dir, "library", "good", "1b", 10);
        string bad = Path.Combine(models, "manifests", "registry.ollama.ai", "library", "bad");
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "latest"), "{not json");
        var problems = new List<string>();
        Assert.Single(OllamaStore.List(models, problems));
        Assert.Equal($"{Path.Combine(bad, "latest")}: file: expected an Ollama manifest (JSON), found invalid JSON", Assert.Single(problems));
    }

    [Fact]
    public void A_folder_scan_finds_gguf_files_split_models_once_and_safetensors_folders()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "bartowski", "Qwen2.5-7B-GGUF"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "llama-8b"));
        void Sized(string rel, long bytes)
        {
            using var f = File.Create(Path.Combine(dir.Path, rel));
            f.SetLength(bytes);
        }
        Sized("bartowski/Qwen2.5-7B-GGUF/Qwen2.5-7B-Q4_K_M.gguf", 4_000);
        Sized("big-00001-of-00002.gguf", 100);
        Sized("big-00002-of-00002.gguf", 50);
        Sized("llama-8b/model-00001-of-00002.safetensors", 300);
        Sized("llama-8b/model-00002-of-00002.safetensors", 200);
        File.WriteAllText(Path.Combine(dir.Path, "llama-8b", "config.json"), "{}");

        var problems = new List<string>();
        var found = LocalModelScanner.ScanFolder(dir.Path, LocalStore.Folder, problems);
        Assert.Equal(
            [("bartowski/Qwen2.5-7B-GGUF/Qwen2.5-7B-Q4_K_M.gguf", "gguf", 4_000L), ("big-00001-of-00002.gguf", "gguf", 150L), ("llama-8b", "safetensors", 500L)],
            found.Select(m => (m.Name, m.Format, m.SizeOnDiskBytes)));
        Assert.Empty(problems);
    }

    [Fact]
    public void The_hugging_face_cache_is_read_at_the_commit_refs_main_names()
    {
        using var dir = new TempDirectory();
        string repo = Path.Combine(dir.Path, "hub", "models--Qwen--Qwen2.5-0.5B");
        string blobs = Path.Combine(repo, "blobs");
        string current = Path.Combine(repo, "snapshots", "aaaa");
        string old = Path.Combine(repo, "snapshots", "bbbb");
        Directory.CreateDirectory(blobs);
        Directory.CreateDirectory(current);
        Directory.CreateDirectory(old);
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), "aaaa");
        using (var blob = File.Create(Path.Combine(blobs, "deadbeef")))
            blob.SetLength(988_097_824);
        // The cache links snapshot files to blobs; the size reported is the blob's.
        File.CreateSymbolicLink(Path.Combine(current, "model.safetensors"), Path.Combine(blobs, "deadbeef"));
        File.WriteAllText(Path.Combine(current, "config.json"), "{}");
        File.WriteAllText(Path.Combine(old, "model.safetensors"), "old");

        var problems = new List<string>();
        var model = Assert.Single(LocalModelScanner.ScanHuggingFaceCache(Path.Combine(dir.Path, "hub"), problems));
        Assert.Equal("Qwen/Qwen2.5-0.5B", model.Name);
        Assert.Equal(current, model.Path);
        Assert.Equal(988_097_824, model.SizeOnDiskBytes);
    }
}
