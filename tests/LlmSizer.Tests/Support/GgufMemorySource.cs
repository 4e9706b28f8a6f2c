using LlmSizer.Formats;

namespace LlmSizer.Tests.Support;

/// <summary>
/// An in-memory <see cref="IByteSource"/> that may claim more bytes than it holds (a file that shrank, a server
/// that cut a range short) and counts what was asked of it.
/// </summary>
internal sealed class GgufMemorySource(string name, byte[] bytes, long? statedLength = null) : IByteSource
{
    public string Name { get; } = name;

    public long Length { get; } = statedLength ?? bytes.Length;

    /// <summary>Calls to <see cref="Read"/>.</summary>
    public int Reads { get; private set; }

    /// <summary>Bytes handed out by <see cref="Read"/>.</summary>
    public long BytesRead { get; private set; }

    public int Read(long offset, Span<byte> buffer)
    {
        Reads++;
        if (offset >= bytes.Length)
            return 0;
        int n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, n).CopyTo(buffer);
        BytesRead += n;
        return n;
    }

    public void Dispose()
    {
    }
}
