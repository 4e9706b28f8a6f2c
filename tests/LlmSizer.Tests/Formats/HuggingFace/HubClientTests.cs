using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.HuggingFace;

/// <summary>Tests that set process environment variables run alone, so no other test reads them half-set.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "process environment";
}

public class HubClientTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    private static HubOptions Options(FakeHubServer server, TempDirectory cache, string? token = null) => new()
    {
        Endpoint = server.Endpoint,
        CacheDirectory = cache.Path,
        Token = token,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    private static byte[] BigFile(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)(i * 31);
        return bytes;
    }

    [Theory]
    [InlineData("hf:meta-llama/Llama-3.1-8B", "meta-llama", "Llama-3.1-8B", "main")]
    [InlineData("hf:Qwen/Qwen2.5-7B@v1.0", "Qwen", "Qwen2.5-7B", "v1.0")]
    [InlineData("HF:org/name@refs/pr/3", "org", "name", "refs/pr/3")]
    public void Hub_references_parse_into_owner_name_and_revision(string text, string owner, string name, string revision)
    {
        var id = HubRepoId.TryParse(text);
        Assert.Equal(new HubRepoId(owner, name, revision), id);
    }

    [Theory]
    [InlineData("hf:noslash")]
    [InlineData("hf:a/b/c")]
    [InlineData("hf:../etc")]
    [InlineData("meta-llama/Llama-3.1-8B")]
    public void Malformed_hub_references_do_not_parse(string text) => Assert.Null(HubRepoId.TryParse(text));

    [Fact]
    public async Task A_revision_resolves_to_its_commit_and_small_files_download_whole()
    {
        await using var server = new FakeHubServer();
        using var cache = new TempDirectory();
        server.AddRepo("org/model").With("config.json", "{\"model_type\":\"llama\"}").With("model.safetensors", BigFile(1000));
        using var client = new HubClient(Options(server, cache));
        var snapshot = client.Open(HubRepoId.TryParse("hf:org/model")!);
        Assert.Equal(Sha, snapshot.Sha);
        Assert.Equal(["config.json", "model.safetensors"], snapshot.Files.Select(f => f.Path).Order());
        Assert.Equal("{\"model_type\":\"llama\"}", Encoding.UTF8.GetString(snapshot.ReadSmallFile("config.json", 1 << 20)));
    }

    [Fact]
    public async Task Weight_files_are_read_through_range_requests_never_whole()
    {
        await using var server = new FakeHubServer();
        using var cache = new TempDirectory();
        var file = BigFile(10_000_000);
        server.AddRepo("org/model").With("model.gguf", file);
        using var client = new HubClient(Options(server, cache));
        using var source = client.Open(HubRepoId.TryParse("hf:org/model")!).OpenFile("model.gguf");
        Assert.Equal(10_000_000, source.Length);
        var buffer = new byte[100];
        Assert.Equal(100, source.Read(200_000, buffer));
        Assert.Equal(file.AsSpan(200_000, 100).ToArray(), buffer);
        Assert.InRange(server.BytesServed, 1, 1_000_000);
    }

    [Fact]
    public async Task A_second_run_is_answered_from_the_cache_without_the_network()
    {
        using var cache = new TempDirectory();
        var file = BigFile(500_000);
        var buffer = new byte[64];
        await using (var server = new FakeHubServer())
        {
            server.AddRepo("org/model").With("config.json", "{}").With("model.safetensors", file);
            using var client = new HubClient(Options(server, cache));
            var snapshot = client.Open(HubRepoId.TryParse("hf:org/model")!);
            snapshot.ReadSmallFile("config.json", 1024);
            using var source = snapshot.OpenFile("model.safetensors");
            source.Read(1000, buffer);
        }
        // The server is gone: the same calls must succeed from the cache alone.
        await using var gone = new FakeHubServer();
        using var offline = new HubClient(Options(gone, cache) with { Offline = true });
        var cached = offline.Open(HubRepoId.TryParse("hf:org/model")!);
        Assert.Equal(Sha, cached.Sha);
        Assert.True(cached.FromCache);
        Assert.Equal("{}", Encoding.UTF8.GetString(cached.ReadSmallFile("config.json", 1024)));
        using var again = cached.OpenFile("model.safetensors");
        var second = new byte[64];
        again.Read(1000, second);
        Assert.Equal(buffer, second);
        Assert.Equal(0, gone.Requests);
    }

    [Fact]
    public async Task An_unreachable_hub_falls_back_to_the_cached_commit_with_a_note()
    {
        using var cache = new TempDirectory();
        Uri endpoint;
        await using (var server = new FakeHubServer())
        {
            endpoint = server.Endpoint;
            server.AddRepo("org/model").With("config.json", "{}");
            using var client = new HubClient(Options(server, cache));
            client.Open(HubRepoId.TryParse("hf:org/model")!);
        }
        using var later = new HubClient(new HubOptions
        {
            Endpoint = endpoint, CacheDirectory = cache.Path, MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(2),
        });
        var snapshot = later.Open(HubRepoId.TryParse("hf:org/model")!);
        Assert.True(snapshot.FromCache);
        Assert.Contains(snapshot.Notes, n => n.Contains("using cached commit " + Sha));
    }

    [Fact]
    public async Task Transient_failures_are_retried_a_bounded_number_of_times()
    {
        await using var server = new FakeHubServer();
        using var cache = new TempDirectory();
        server.AddRepo("org/model").With("config.json", "{}");
        server.FailuresToInject = 2;
        using var client = new HubClient(Options(server, cache));
        Assert.Equal(Sha, client.Open(HubRepoId.TryParse("hf:org/model")!).Sha);
        Assert.Equal(3, server.Requests);

        server.FailuresToInject = 10;
        using var cache2 = new TempDirectory();
        using var client2 = new HubClient(Options(server, cache2));
        var e = Assert.Throws<InputException>(() => client2.Open(HubRepoId.TryParse("hf:org/model")!));
        Assert.Equal("hf:org/model: revision main: expected a successful answer, found HTTP 503", e.Message);
        Assert.Equal(3 + 4, server.Requests);
    }

    [Fact]
    public async Task Gated_repos_ask_for_HF_TOKEN_and_open_with_it()
    {
        await using var server = new FakeHubServer();
        using var cache = new TempDirectory();
        server.AddRepo("meta/gated", gated: true).With("config.json", "{}");
        var id = HubRepoId.TryParse("hf:meta/gated")!;

        using var anonymous = new HubClient(Options(server, cache));
        var e = Assert.Throws<InputException>(() => anonymous.Open(id));
        Assert.Equal("hf:meta/gated: revision main: expected a public repo, found HTTP 401 (gated or private): set HF_TOKEN to an access token of an account with access", e.Message);

        using var wrong = new HubClient(Options(server, cache, token: "hf_bad"));
        e = Assert.Throws<InputException>(() => wrong.Open(id));
        Assert.Equal("hf:meta/gated: revision main: expected access to a gated repo, found HTTP 403: accept the model's conditions on its Hub page with the account of HF_TOKEN", e.Message);

        using var good = new HubClient(Options(server, cache, token: "hf_good"));
        Assert.Equal(Sha, good.Open(id).Sha);
    }

    [Fact]
    public async Task Missing_repos_and_revisions_are_named_clearly()
    {
        await using var server = new FakeHubServer();
        using var cache = new TempDirectory();
        server.AddRepo("org/model").With("config.json", "{}");
        using var client = new HubClient(Options(server, cache));
        var e = Assert.Throws<InputException>(() => client.Open(HubRepoId.TryParse("hf:org/nothing")!));
        Assert.Equal("hf:org/nothing: revision main: expected the repo org/nothing to exist, found HTTP 404 (check the name; private repos need HF_TOKEN)", e.Message);
        e = Assert.Throws<InputException>(() => client.Open(HubRepoId.TryParse("hf:org/model@v9")!));
        Assert.Equal("hf:org/model@v9: revision v9: expected revision 'v9' to exist, found HTTP 404", e.Message);
    }

}

[Collection(EnvironmentCollection.Name)]
public class HubOptionsTests
{
    [Fact]
    public void HF_ENDPOINT_HF_TOKEN_and_the_cache_folder_come_from_the_environment()
    {
        var saved = (Environment.GetEnvironmentVariable("HF_ENDPOINT"), Environment.GetEnvironmentVariable("HF_TOKEN"), Environment.GetEnvironmentVariable("LLMSIZER_CACHE"));
        try
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", "http://127.0.0.1:9/mirror/");
            Environment.SetEnvironmentVariable("HF_TOKEN", "hf_abc");
            Environment.SetEnvironmentVariable("LLMSIZER_CACHE", "/tmp/llmsizer-cache-test");
            var options = HubOptions.FromEnvironment();
            Assert.Equal("http://127.0.0.1:9/mirror", options.Endpoint.ToString().TrimEnd('/'));
            Assert.Equal("hf_abc", options.Token);
            Assert.Equal("/tmp/llmsizer-cache-test", options.CacheDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_ENDPOINT", saved.Item1);
            Environment.SetEnvironmentVariable("HF_TOKEN", saved.Item2);
            Environment.SetEnvironmentVariable("LLMSIZER_CACHE", saved.Item3);
        }
    }
}
