using LlmSizer.Errors;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>
/// A remote weight file read through HTTP range requests. It keeps the bytes read so far as one prefix
/// (headers sit at the start of GGUF and safetensors files), grows it in doubling steps, and saves it to
/// the cache so a second run reads nothing from the network.
/// </summary>
internal sealed class HubByteSource : IByteSource
{
    private const int MinimumFetch = 64 * 1024;
    private readonly HubSnapshot snapshot;
    private readonly string path;
    private byte[] prefix;
    private long length;

    public HubByteSource(HubSnapshot snapshot, string path, long? size, (byte[] Head, long Length)? cached)
    {
        this.snapshot = snapshot;
        this.path = path;
        prefix = cached?.Head ?? [];
        length = cached?.Length ?? size ?? -1;
        Name = $"{snapshot.Id}/{path}";
        if (length < 0)
            EnsurePrefix(MinimumFetch); // learns the length from Content-Range
    }

    public string Name { get; }

    public long Length => length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= length || buffer.Length == 0)
            return 0;
        long end = Math.Min(length, offset + buffer.Length);
        EnsurePrefix(end);
        int count = (int)(end - offset);
        prefix.AsSpan((int)offset, count).CopyTo(buffer);
        return count;
    }

    internal void EnsurePrefix(long end)
    {
        if (end <= prefix.Length)
            return;
        if (end > snapshot.Options.MaxHeaderBytes)
            throw new InputException(Name, "header", $"expected a header within the first {snapshot.Options.MaxHeaderBytes} bytes, found a read at byte {end}");
        if (snapshot.Options.Offline)
            throw new InputException(Name, "header", "expected its header bytes in the cache (HF_HUB_OFFLINE is set), found fewer");
        long from = prefix.Length;
        long target = Math.Max(end, Math.Max(MinimumFetch, 2L * prefix.Length));
        if (length >= 0)
            target = Math.Min(target, length);
        target = Math.Min(target, snapshot.Options.MaxHeaderBytes);
        byte[] more = snapshot.Fetch(path, (from, target - 1), target - from, total => length = total);
        if (length < 0)
            throw new InputException(Name, "header", "expected the server to state the file's length (Content-Range), found none");
        var grown = new byte[prefix.Length + more.Length];
        prefix.CopyTo(grown, 0);
        more.CopyTo(grown, prefix.Length);
        prefix = grown;
        if (prefix.Length < Math.Min(end, length))
            throw new InputException(Name, "header", $"expected bytes up to {end}, found the answer ends at {prefix.Length}");
        snapshot.SaveHead(path, prefix, length);
    }

    public void Dispose()
    {
    }
}
