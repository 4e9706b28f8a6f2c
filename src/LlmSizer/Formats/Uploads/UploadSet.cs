using LlmSizer.Errors;
using LlmSizer.Formats.Safetensors;

namespace LlmSizer.Formats.Uploads;

/// <summary>
/// Uploaded files checked and sorted by kind: names are names only (no folders, no "..", no control characters, at
/// most <see cref="UploadLimits.MaxFileNameLength"/> characters, each once, case ignored), every file is one LlmSizer reads, and the
/// counts and total bytes stay inside <see cref="UploadLimits"/>. Anything else is a <see cref="UsageException"/>
/// naming the file and what was expected.
/// </summary>
internal sealed class UploadSet
{
    private const string Accepted =
        "config.json, model.safetensors.index.json, quantize_config.json, quant_config.json, .gguf or .safetensors files";

    private readonly Dictionary<string, HeaderUpload> byName;

    private UploadSet(Dictionary<string, HeaderUpload> byName)
    {
        this.byName = byName;
        var files = byName.Values.OrderBy(f => f.FileName, StringComparer.Ordinal).ToList();
        Gguf = files.Where(f => Is(f, ".gguf")).ToList();
        Safetensors = files.Where(f => Is(f, ".safetensors")).ToList();
        Indexes = files.Where(f => Is(f, ".safetensors.index.json")).ToList();
        Config = Find("config.json");
        SideFiles = files.Where(f => !Gguf.Contains(f) && !Safetensors.Contains(f) && !Indexes.Contains(f)).ToList();
    }

    /// <summary><c>.gguf</c> files, by name.</summary>
    public IReadOnlyList<HeaderUpload> Gguf { get; }

    /// <summary><c>.safetensors</c> files, by name.</summary>
    public IReadOnlyList<HeaderUpload> Safetensors { get; }

    /// <summary><c>*.safetensors.index.json</c> files.</summary>
    public IReadOnlyList<HeaderUpload> Indexes { get; }

    /// <summary>config.json, if uploaded.</summary>
    public HeaderUpload? Config { get; }

    /// <summary>config.json and the quantization side files (quantize_config.json, quant_config.json).</summary>
    public IReadOnlyList<HeaderUpload> SideFiles { get; }

    /// <summary>The uploaded file of that name (case ignored), or null.</summary>
    public HeaderUpload? Find(string fileName) => byName.GetValueOrDefault(fileName);

    /// <summary>Opens split GGUF parts and safetensors shards by name from the uploads; a name not uploaded is a missing file.</summary>
    public IByteSource Open(string fileName) =>
        byName.TryGetValue(fileName, out var file)
            ? new PrefixByteSource(file)
            : throw new FileNotFoundException($"{fileName} was not uploaded", fileName);

    public static UploadSet Check(IReadOnlyList<HeaderUpload> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            throw new UsageException($"no files uploaded: expected {Accepted}");
        if (files.Count > UploadLimits.MaxFiles)
            throw new UsageException($"{files.Count} files uploaded: expected at most {UploadLimits.MaxFiles}");
        // Case is ignored: the files came from one folder, and on Windows and macOS two names differing in case are one file.
        var byName = new Dictionary<string, HeaderUpload>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        foreach (var file in files)
        {
            ArgumentNullException.ThrowIfNull(file);
            CheckName(file.FileName);
            string shown = Excerpt.Shorten(file.FileName);
            if (file.Length < 0)
                throw new UsageException($"file '{shown}': length {file.Length}: expected the file's full size in bytes (0 or more)");
            if (file.Prefix.Length > file.Length)
                throw new UsageException($"file '{shown}': {file.Prefix.Length:N0} bytes sent: expected at most the file's length, {file.Length:N0} bytes");
            if (!byName.TryAdd(file.FileName, file))
                throw new UsageException($"file '{shown}': uploaded twice: expected each file once");
            total += file.Prefix.Length;
        }
        if (total > UploadLimits.MaxTotalPrefixBytes)
            throw new UsageException($"{total:N0} bytes uploaded: expected at most {UploadLimits.MaxTotalPrefixBytes:N0} in all (send each file's header, not the whole file)");
        return new UploadSet(byName);
    }

    private static void CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new UsageException($"file name '{name}': expected a file name");
        string shown = Excerpt.Shorten(name);
        if (name.Length > UploadLimits.MaxFileNameLength)
            throw new UsageException($"file name '{shown}': expected at most {UploadLimits.MaxFileNameLength} characters, found {name.Length}");
        if (name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal))
            throw new UsageException($"file name '{shown}': expected a file name alone, found a path ('/', '\\' or '..')");
        if (name.Any(char.IsControl))
            throw new UsageException($"file name '{shown}': expected printable characters, found a control character");
        if (!IsKnown(name))
            throw new UsageException($"file name '{shown}': expected {Accepted}");
    }

    private static bool IsKnown(string name) =>
        Is(name, ".gguf") || Is(name, ".safetensors") || Is(name, ".safetensors.index.json")
        || QuantizationConfigReader.FileNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static bool Is(HeaderUpload file, string suffix) => Is(file.FileName, suffix);

    private static bool Is(string name, string suffix) =>
        name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
}
