using LlmSizer.Errors;

namespace LlmSizer.Formats.Uploads;

/// <summary>
/// An uploaded file read through the bytes that were sent: a file of <see cref="Length"/> bytes of which only the
/// first <c>Prefix.Length</c> are here. Reads inside the prefix return what it holds (a short read where a read
/// straddles its end); a read that starts past it throws <see cref="HeaderIncompleteException"/> saying how many bytes
/// to send. Safe to read from several threads (the bytes are never written).
/// </summary>
internal sealed class PrefixByteSource(HeaderUpload upload) : IByteSource
{
    public string Name => upload.FileName;

    public long Length => upload.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length || buffer.Length == 0)
            return 0;
        var prefix = upload.Prefix.Span;
        if (offset >= prefix.Length)
            throw Incomplete(offset + buffer.Length);
        int count = (int)Math.Min(buffer.Length, prefix.Length - offset);
        prefix.Slice((int)offset, count).CopyTo(buffer);
        return count;
    }

    /// <summary>The whole file, which must have been sent whole (config.json, the index) and be at most <paramref name="maxBytes"/>.</summary>
    public ReadOnlySpan<byte> ReadWhole(long maxBytes, string what)
    {
        if (Length > maxBytes)
            throw new InputException(Name, "file", $"expected {what} of at most {maxBytes:N0} bytes, found {Length:N0} bytes");
        if (upload.Prefix.Length < Length)
            throw Incomplete(Length);
        return upload.Prefix.Span;
    }

    /// <summary>
    /// The error for a read ending at <paramref name="end"/>: asks for that much rounded up to
    /// <see cref="UploadLimits.NeededBytesGranularity"/>, never past the file's end; a header that reaches past what any
    /// upload may carry is an error of its own, since sending more could never succeed.
    /// </summary>
    private InputException Incomplete(long end)
    {
        long granularity = UploadLimits.NeededBytesGranularity;
        long needed = Math.Min(Length, (Math.Min(end, Length) + granularity - 1) / granularity * granularity);
        if (needed > UploadLimits.MaxTotalPrefixBytes)
            return new InputException(Name, "header",
                $"expected the header within the first {UploadLimits.MaxTotalPrefixBytes:N0} bytes an upload can carry, found it continuing to byte {end:N0}; open the file with the command line instead");
        return new HeaderIncompleteException(Name, needed, upload.Prefix.Length, Length);
    }

    public void Dispose()
    {
    }
}
