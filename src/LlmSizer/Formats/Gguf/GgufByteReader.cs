using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using LlmSizer.Errors;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// Sequential little-endian reads over an <see cref="IByteSource"/> through one pooled buffer of
/// <see cref="GgufLimits.ChunkBytes"/>: a header costs a handful of source reads, and skipping a large value only
/// moves the position (the source is read again only if the next value lies past the buffer).
/// Every read checks the bytes left first, so truncation is an error naming the field, never a short read.
/// </summary>
internal sealed class GgufByteReader : IDisposable
{
    private readonly IByteSource source;
    private byte[]? buffer;
    private long bufferStart;
    private int bufferCount;

    public GgufByteReader(IByteSource source)
    {
        this.source = source;
        Length = Math.Max(0, source.Length);
        buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(Length, 16, GgufLimits.ChunkBytes));
    }

    public string Name => source.Name;

    public long Length { get; }

    public long Position { get; private set; }

    /// <summary>Bytes between the position and the end of the file.</summary>
    public long Remaining => Length - Position;

    public InputException Error(long offset, string problem) => InputException.AtOffset(Name, offset, problem);

    /// <summary>
    /// What a read is for, spelled out only when a message needs it (the reader visits hundreds of thousands of
    /// tokenizer strings, so descriptions must cost nothing until then): <c>[Prefix]Label[ Index][ of "Key"]</c>,
    /// e.g. <c>the length of element 1234 of "tokenizer.ggml.tokens"</c>.
    /// </summary>
    public readonly record struct Field(string Label, string? Key = null, long Index = -1, string Prefix = "")
    {
        public Field Element(long index) => new("element", Key, index);

        public Field LengthOf() => this with { Prefix = "the length of " };

        public Field ElementTypeOf() => this with { Prefix = "the element type of " };

        public Field ElementsOf() => this with { Prefix = "the elements of " };

        public override string ToString() =>
            Prefix + Label + (Index >= 0 ? " " + Index : "") + (Key is null ? "" : $" of \"{Key}\"");
    }

    /// <summary>Returns the next <paramref name="count"/> bytes (at most one chunk) and moves past them.</summary>
    public ReadOnlySpan<byte> Take(int count, Field what)
    {
        Require(count, what);
        if (Position < bufferStart || Position + count > bufferStart + bufferCount)
            Fill(count, what);
        var span = buffer.AsSpan((int)(Position - bufferStart), count);
        Position += count;
        return span;
    }

    /// <summary>Moves past <paramref name="count"/> bytes without reading them.</summary>
    public void Skip(long count, Field what)
    {
        Require(count, what);
        Position += count;
    }

    /// <summary>
    /// Moves past <paramref name="count"/> strings (each a uint64 length and its bytes) without decoding them: the
    /// hot loop behind a tokenizer's vocabulary and merges, kept tight because it runs hundreds of thousands of times.
    /// Returns the index of the first string whose length exceeds the bytes left (its length field read), or -1.
    /// </summary>
    public long SkipStrings(long count, Field what, out ulong badLength)
    {
        badLength = 0;
        for (long i = 0; i < count; i++)
        {
            ulong length;
            long inBuffer = Position - bufferStart;
            if (inBuffer >= 0 && inBuffer + 8 <= bufferCount)
            {
                length = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan((int)inBuffer, 8));
                if (Position + 8 > GgufLimits.MaxHeaderBytes)
                    Require(8, what.Element(i).LengthOf());
                Position += 8;
            }
            else
            {
                length = U64(what.Element(i).LengthOf());
            }
            if (length > (ulong)Remaining)
            {
                badLength = length;
                return i;
            }
            Skip((long)length, what.Element(i));
        }
        return -1;
    }

    public byte U8(Field what) => Take(1, what)[0];

    public ushort U16(Field what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint U32(Field what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong U64(Field what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    /// <summary>Decodes <paramref name="byteCount"/> bytes of UTF-8 (at most one chunk); invalid bytes become U+FFFD.</summary>
    public string Utf8(int byteCount, Field what) => byteCount == 0 ? "" : Encoding.UTF8.GetString(Take(byteCount, what));

    private void Require(long count, Field what)
    {
        if (count > Remaining)
            throw Error(Position, $"expected {what} ({count} bytes), found {Remaining} bytes before the end of the file");
        if (Position + count > GgufLimits.MaxHeaderBytes)
            throw Error(Position, $"expected the header to end within its first {GgufLimits.MaxHeaderBytes} bytes, found {what} reaching past them");
    }

    private void Fill(int count, Field what)
    {
        var chunk = buffer ?? throw new ObjectDisposedException(nameof(GgufByteReader));
        bufferStart = Position;
        int want = (int)Math.Min(chunk.Length, Remaining);
        int got = 0;
        while (got < want)
        {
            int n = source.Read(Position + got, chunk.AsSpan(got, want - got));
            if (n <= 0)
                break;
            got += n;
            // A short read gives what the source has at hand (an upload holds only a file's first bytes): once the
            // value asked for is in, asking for the rest of the chunk would read past the header for nothing.
            if (got >= count)
                break;
        }
        bufferCount = got;
        // The source promised Length bytes; a shorter read means the file shrank or the server cut the range.
        if (got < count)
            throw Error(Position, $"expected {what} ({count} bytes), found the source ending {got} bytes later (shorter than its stated length {Length})");
    }

    public void Dispose()
    {
        if (buffer is { } b)
            ArrayPool<byte>.Shared.Return(b);
        buffer = null;
    }
}
