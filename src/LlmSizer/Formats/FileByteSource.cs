using Microsoft.Win32.SafeHandles;

namespace LlmSizer.Formats;

/// <summary>An <see cref="IByteSource"/> over a local file, read with positional reads (no shared stream position).</summary>
public sealed class FileByteSource : IByteSource
{
    private readonly SafeFileHandle handle;

    public FileByteSource(string path)
    {
        Name = path;
        handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = RandomAccess.GetLength(handle);
    }

    public string Name { get; }

    public long Length { get; }

    public int Read(long offset, Span<byte> buffer) =>
        offset >= Length ? 0 : RandomAccess.Read(handle, buffer, offset);

    public void Dispose() => handle.Dispose();

    /// <summary>Opens siblings in the same folder as <paramref name="path"/>.</summary>
    public static SiblingOpener SiblingsOf(string path)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return name => new FileByteSource(Path.Combine(folder, name));
    }
}
