namespace LlmSizer.Errors;

/// <summary>
/// An uploaded file's first bytes end before its header does: the reader asked for bytes the upload did not carry.
/// <see cref="NeededBytes"/> says how many leading bytes of <see cref="FileName"/> to send instead (never more than the
/// file holds), so the sender can post again; a sender that keeps doing so gets the model or a real error.
/// </summary>
public sealed class HeaderIncompleteException : InputException
{
    /// <param name="fileName">The uploaded file's name.</param>
    /// <param name="neededBytes">Leading bytes to send next time: at least the end of the read that failed.</param>
    /// <param name="sentBytes">Leading bytes that were sent.</param>
    /// <param name="fileLength">The file's full size in bytes.</param>
    public HeaderIncompleteException(string fileName, long neededBytes, long sentBytes, long fileLength)
        : base(fileName, "header",
            $"expected the header within the {sentBytes:N0} bytes sent of this {fileLength:N0}-byte file, found it continuing past them; "
            + $"send at least its first {neededBytes:N0} bytes")
    {
        FileName = fileName;
        NeededBytes = neededBytes;
    }

    /// <summary>The uploaded file whose header is cut short.</summary>
    public string FileName { get; }

    /// <summary>How many leading bytes of the file to send (at most its length).</summary>
    public long NeededBytes { get; }
}
