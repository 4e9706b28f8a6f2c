using LlmSizer.Errors;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>A Hub repo at one commit: its files, small-file downloads and header-only access to weight files.</summary>
public sealed class HubSnapshot
{
    private readonly HubClient client;

    internal HubSnapshot(HubClient client, HubRepoId id, string sha, IReadOnlyList<HubFile> files, bool fromCache, IReadOnlyList<string> notes)
    {
        this.client = client;
        Id = id;
        Sha = sha;
        Files = files;
        FromCache = fromCache;
        Notes = notes;
    }

    public HubRepoId Id { get; }

    /// <summary>The commit the revision resolved to.</summary>
    public string Sha { get; }

    public IReadOnlyList<HubFile> Files { get; }

    /// <summary>True when the file list came from the on-disk cache.</summary>
    public bool FromCache { get; }

    public IReadOnlyList<string> Notes { get; }

    public bool Has(string path) => Files.Any(f => f.Path == path);

    /// <summary>Downloads a small file whole (config.json, an index), at most <paramref name="maxBytes"/>; cached by commit.</summary>
    public byte[] ReadSmallFile(string path, long maxBytes)
    {
        var cache = client.Cache;
        if (cache.ReadFile(Id, Sha, path) is { } cached)
            return cached;
        if (client.Options.Offline)
            throw new InputException(Id.ToString(), $"file {path}", "expected it in the cache (HF_HUB_OFFLINE is set), found nothing");
        byte[] bytes = Fetch(path, range: null, maxBytes, onLength: null);
        cache.WriteFile(Id, Sha, path, bytes);
        client.Report(path, bytes.Length);
        return bytes;
    }

    /// <summary>Opens a weight file for header reads: only the ranges a reader asks for are fetched.</summary>
    public IByteSource OpenFile(string path)
    {
        long? size = Files.FirstOrDefault(f => f.Path == path)?.Size;
        return new HubByteSource(this, path, size, client.Cache.ReadHead(Id, Sha, path));
    }

    /// <summary>Reads several files' first bytes at once, so that shard headers arrive concurrently.</summary>
    public void Prefetch(IEnumerable<string> paths, int bytes = 64 * 1024) =>
        Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, path =>
        {
            using var source = (HubByteSource)OpenFile(path);
            source.EnsurePrefix(Math.Min(bytes, source.Length));
        });

    internal HubOptions Options => client.Options;

    internal void SaveHead(string path, ReadOnlySpan<byte> head, long length)
    {
        client.Cache.WriteHead(Id, Sha, path, head, length);
        client.Report(path, head.Length);
    }

    internal byte[] Fetch(string path, (long From, long To)? range, long maxBytes, Action<long>? onLength)
    {
        try
        {
            return client.Get(Id, $"{Id.Owner}/{Id.Name}/resolve/{Sha}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}",
                $"file {path}", range, maxBytes, onLength);
        }
        catch (HubUnreachableException e)
        {
            throw new InputException(Id.ToString(), $"file {path}", $"expected the Hub to answer, found no connection ({e.Message}) and no cached copy");
        }
    }
}
