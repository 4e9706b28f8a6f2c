using System.Text;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>
/// On-disk cache of Hub answers: <c>hub/ORG--NAME/refs/REVISION</c> holds a commit, <c>hub/ORG--NAME/COMMIT/info.json</c>
/// the file list, and <c>COMMIT/files/PATH</c> small files or <c>PATH.head</c> the header bytes read from a weight file
/// (a prefix: GGUF and safetensors keep their headers at the start) beside <c>PATH.length</c>, the file's full size.
/// </summary>
internal sealed class HubCache(string root)
{
    public static bool IsCommitSha(string text) => text.Length == 40 && text.All(char.IsAsciiHexDigitLower);

    private string RepoDir(HubRepoId id) => Path.Combine(root, "hub", $"{id.Owner}--{id.Name}");

    private string FilesDir(HubRepoId id, string sha) => Path.Combine(RepoDir(id), sha, "files");

    public string? ResolveRef(HubRepoId id) =>
        ReadText(Path.Combine(RepoDir(id), "refs", SafeName(id.Revision))) is { } sha && IsCommitSha(sha.Trim()) ? sha.Trim() : null;

    public void WriteRef(HubRepoId id, string sha) => Write(Path.Combine(RepoDir(id), "refs", SafeName(id.Revision)), Encoding.UTF8.GetBytes(sha));

    public byte[]? ReadInfo(HubRepoId id, string sha) => ReadBytes(Path.Combine(RepoDir(id), sha, "info.json"));

    public void WriteInfo(HubRepoId id, string sha, byte[] info) => Write(Path.Combine(RepoDir(id), sha, "info.json"), info);

    public byte[]? ReadFile(HubRepoId id, string sha, string file) => ReadBytes(FilePath(id, sha, file, ""));

    public void WriteFile(HubRepoId id, string sha, string file, byte[] bytes) => Write(FilePath(id, sha, file, ""), bytes);

    public (byte[] Head, long Length)? ReadHead(HubRepoId id, string sha, string file) =>
        ReadBytes(FilePath(id, sha, file, ".head")) is { } head
        && long.TryParse(ReadText(FilePath(id, sha, file, ".length")), out long length) && length >= head.Length
            ? (head, length)
            : null;

    public void WriteHead(HubRepoId id, string sha, string file, ReadOnlySpan<byte> head, long length)
    {
        Write(FilePath(id, sha, file, ".length"), Encoding.UTF8.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Write(FilePath(id, sha, file, ".head"), head.ToArray());
    }

    private string FilePath(HubRepoId id, string sha, string file, string suffix) =>
        Path.Combine(FilesDir(id, sha), string.Join(Path.DirectorySeparatorChar, file.Split('/').Select(SafeName)) + suffix);

    /// <summary>Keeps a repo path or revision from escaping the cache folder.</summary>
    private static string SafeName(string part) =>
        part is "." or ".." || part.Length == 0 ? "_" + part : part.Replace('/', '%').Replace('\\', '%');

    private static string? ReadText(string path) => ReadBytes(path) is { } b ? Encoding.UTF8.GetString(b) : null;

    private static byte[]? ReadBytes(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Writes through a temporary file and a rename, so a crash never leaves half a cache entry.</summary>
    private static void Write(string path, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs a later run its offline answer.
        }
    }
}
