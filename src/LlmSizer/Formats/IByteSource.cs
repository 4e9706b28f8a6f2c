namespace LlmSizer.Formats;

/// <summary>
/// Random read access to a file's bytes — a local file, or a remote one read through HTTP range requests —
/// so that readers fetch only the header bytes they parse, never the weights.
/// </summary>
public interface IByteSource : IDisposable
{
    /// <summary>The path or URL, for error messages.</summary>
    string Name { get; }

    /// <summary>Total size in bytes.</summary>
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns how many were read (0 at the end).</summary>
    int Read(long offset, Span<byte> buffer);
}

/// <summary>Opens sibling files (split GGUF parts, safetensors shards) by name, relative to the first one.</summary>
public delegate IByteSource SiblingOpener(string fileName);
