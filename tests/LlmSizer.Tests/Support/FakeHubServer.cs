using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmSizer.Tests.Support;

/// <summary>
/// A local stand-in for the Hugging Face Hub on 127.0.0.1: the model-info API (<c>/api/models/ORG/NAME/revision/REV</c>)
/// and file downloads with HTTP range requests (<c>/ORG/NAME/resolve/SHA/PATH</c>). Repos are in-memory fixtures.
/// It counts requests and bytes served so tests can prove that only headers were read and that the cache works.
/// </summary>
internal sealed class FakeHubServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, FakeRepo> repos = new();

    public FakeHubServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(Handle);
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address);
    }

    public Uri Endpoint { get; }

    public int Requests;

    public long BytesServed;

    /// <summary>Answer this many requests with 503 before serving normally (retry tests).</summary>
    public int FailuresToInject;

    /// <summary>The token gated repos accept.</summary>
    public string AcceptedToken { get; set; } = "hf_good";

    public FakeRepo AddRepo(string repo, string sha = "0123456789abcdef0123456789abcdef01234567", bool gated = false)
    {
        var r = new FakeRepo(repo, sha, gated);
        repos[repo] = r;
        return r;
    }

    private async Task Handle(HttpContext ctx)
    {
        Interlocked.Increment(ref Requests);
        if (FailuresToInject > 0 && Interlocked.Decrement(ref FailuresToInject) >= 0)
        {
            ctx.Response.StatusCode = 503;
            return;
        }
        string path = Uri.UnescapeDataString(ctx.Request.Path.Value ?? "");
        var parts = path.Trim('/').Split('/');
        if (parts.Length >= 6 && parts[0] == "api" && parts[1] == "models" && parts[4] == "revision")
        {
            if (!Find(ctx, parts[2] + "/" + parts[3], out var repo))
                return;
            string revision = string.Join('/', parts[5..]);
            if (revision != "main" && revision != repo.Sha)
            {
                ctx.Response.StatusCode = 404;
                ctx.Response.Headers["X-Error-Code"] = "RevisionNotFound";
                return;
            }
            var info = new Dictionary<string, object>
            {
                ["id"] = repo.Name,
                ["sha"] = repo.Sha,
                ["siblings"] = repo.Files.Select(f => new Dictionary<string, object> { ["rfilename"] = f.Key, ["size"] = f.Value.Length }).ToList(),
            };
            ctx.Response.ContentType = "application/json";
            await Write(ctx, JsonSerializer.SerializeToUtf8Bytes(info, FakeHubJson.Default.DictionaryStringObject));
            return;
        }
        if (parts.Length >= 5 && parts[2] == "resolve")
        {
            if (!Find(ctx, parts[0] + "/" + parts[1], out var repo))
                return;
            string file = string.Join('/', parts[4..]);
            if (parts[3] != repo.Sha || !repo.Files.TryGetValue(file, out var bytes))
            {
                ctx.Response.StatusCode = 404;
                ctx.Response.Headers["X-Error-Code"] = "EntryNotFound";
                return;
            }
            string? range = ctx.Request.Headers.Range;
            if (range is { Length: > 6 } && range.StartsWith("bytes="))
            {
                var ends = range[6..].Split('-');
                long from = long.Parse(ends[0]);
                long to = Math.Min(ends[1].Length > 0 ? long.Parse(ends[1]) : bytes.Length - 1, bytes.Length - 1);
                ctx.Response.StatusCode = 206;
                ctx.Response.Headers.ContentRange = $"bytes {from}-{to}/{bytes.Length}";
                await Write(ctx, bytes.Slice(from, to - from + 1));
                return;
            }
            await Write(ctx, bytes.Slice(0, bytes.Length));
            return;
        }
        ctx.Response.StatusCode = 404;
    }

    private bool Find(HttpContext ctx, string name, out FakeRepo repo)
    {
        if (!repos.TryGetValue(name, out repo!))
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.Headers["X-Error-Code"] = "RepoNotFound";
            return false;
        }
        if (repo.Gated && ctx.Request.Headers.Authorization.ToString() != $"Bearer {AcceptedToken}")
        {
            ctx.Response.StatusCode = string.IsNullOrEmpty(ctx.Request.Headers.Authorization) ? 401 : 403;
            ctx.Response.Headers["X-Error-Code"] = "GatedRepo";
            return false;
        }
        return true;
    }

    private async Task Write(HttpContext ctx, byte[] bytes)
    {
        Interlocked.Add(ref BytesServed, bytes.Length);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>An in-memory repo: file path → bytes.</summary>
internal sealed class FakeRepo(string name, string sha, bool gated)
{
    public string Name { get; } = name;

    public string Sha { get; } = sha;

    public bool Gated { get; } = gated;

    public Dictionary<string, FakeFile> Files { get; } = [];

    public FakeRepo With(string path, byte[] bytes)
    {
        Files[path] = new FakeFile(bytes, bytes.Length);
        return this;
    }

    /// <summary>A file of <paramref name="length"/> bytes whose first bytes are <paramref name="head"/> and the rest zeros (weights are never read).</summary>
    public FakeRepo WithSparse(string path, byte[] head, long length)
    {
        Files[path] = new FakeFile(head, length);
        return this;
    }

    /// <summary>Serves a file written on disk by the test writers (sparse beyond its header).</summary>
    public FakeRepo WithFileHead(string path, string localFile, int headBytes = 4 * 1024 * 1024)
    {
        long length = new FileInfo(localFile).Length;
        using var f = File.OpenRead(localFile);
        var head = new byte[(int)Math.Min(headBytes, length)];
        f.ReadExactly(head);
        return WithSparse(path, head, length);
    }

    public FakeRepo With(string path, string text) => With(path, Encoding.UTF8.GetBytes(text));
}

/// <summary>File contents: the stored head bytes, then zeros up to <see cref="Length"/>.</summary>
internal sealed record FakeFile(byte[] Head, long Length)
{
    public byte[] Slice(long from, long count)
    {
        var bytes = new byte[count];
        if (from < Head.Length)
            Head.AsSpan((int)from, (int)Math.Min(count, Head.Length - from)).CopyTo(bytes);
        return bytes;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<Dictionary<string, object>>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class FakeHubJson : System.Text.Json.Serialization.JsonSerializerContext;
