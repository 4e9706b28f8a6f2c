using LlmSizer.Formats;

namespace LlmSizer.Tests.Support;

/// <summary>Wraps an <see cref="IByteSource"/> and counts the bytes read through it, to show readers touch only headers.</summary>
internal sealed class CountingByteSource(IByteSource inner) : IByteSource
{
    private long bytesRead;

    public long BytesRead => Interlocked.Read(ref bytesRead);

    public string Name => inner.Name;

    public long Length => inner.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        int n = inner.Read(offset, buffer);
        Interlocked.Add(ref bytesRead, n);
        return n;
    }

    public void Dispose() => inner.Dispose();
}

/// <summary>An in-memory byte source claiming any length, for hostile inputs that must be refused before they are read.</summary>
internal sealed class MemoryByteSource(string name, byte[] bytes, long? claimedLength = null) : IByteSource
{
    public string Name => name;

    public long Length => claimedLength ?? bytes.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= bytes.Length)
            return 0;
        int n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    public void Dispose()
    {
    }
}
