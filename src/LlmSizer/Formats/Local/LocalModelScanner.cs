using System.Text.RegularExpressions;

namespace LlmSizer.Formats.Local;

/// <summary>
/// Finds the models already on this machine: Ollama's store, LM Studio's folders, the Hugging Face cache,
/// and any folder given. It only lists files; reading their headers is the caller's next step.
/// </summary>
public static partial class LocalModelScanner
{
    /// <summary>Folders deeper than this below a scanned root are not visited (stores are 2-4 levels deep).</summary>
    private const int MaxDepth = 6;

    /// <summary>Enough for any real model collection, and a bound on a scan of a huge tree.</summary>
    private const int MaxEntries = 100_000;

    public static IReadOnlyList<LocalModel> Discover(LocalModelLocations locations, IEnumerable<string> extraFolders, List<string> problems)
    {
        var found = new List<LocalModel>();
        if (locations.OllamaModels is { } ollama && Directory.Exists(ollama))
            found.AddRange(OllamaStore.List(ollama, problems));
        foreach (string dir in locations.LmStudio.Where(Directory.Exists))
            found.AddRange(ScanFolder(dir, LocalStore.LmStudio, problems));
        if (locations.HuggingFaceCache is { } hf && Directory.Exists(hf))
            found.AddRange(ScanHuggingFaceCache(hf, problems));
        foreach (string dir in extraFolders)
        {
            if (!Directory.Exists(dir))
                problems.Add($"{dir}: expected a folder to scan, found none");
            else
                found.AddRange(ScanFolder(dir, LocalStore.Folder, problems));
        }
        return found;
    }

    /// <summary>The Hub cache keeps <c>models--ORG--NAME/snapshots/COMMIT/</c>; the commit <c>refs/main</c> names is used, else the newest.</summary>
    public static IReadOnlyList<LocalModel> ScanHuggingFaceCache(string hubCache, List<string> problems)
    {
        var found = new List<LocalModel>();
        foreach (string repoDir in Directory.EnumerateDirectories(hubCache, "models--*"))
        {
            string[] parts = Path.GetFileName(repoDir)["models--".Length..].Split("--", 2);
            string name = string.Join('/', parts);
            string snapshots = Path.Combine(repoDir, "snapshots");
            if (!Directory.Exists(snapshots))
                continue;
            string? main = ReadRef(Path.Combine(repoDir, "refs", "main"));
            string? snapshot = main is not null && Directory.Exists(Path.Combine(snapshots, main))
                ? Path.Combine(snapshots, main)
                : Directory.EnumerateDirectories(snapshots).OrderByDescending(Directory.GetLastWriteTimeUtc).FirstOrDefault();
            if (snapshot is null)
                continue;
            foreach (var model in ScanFolder(snapshot, LocalStore.HuggingFaceCache, problems))
                found.Add(model with { Name = model.Format == "gguf" ? $"{name}/{Path.GetFileName(model.Path)}" : name });
        }
        return found;
    }

    /// <summary>Every GGUF file (first part of split models) and every folder of safetensors below <paramref name="root"/>.</summary>
    public static IReadOnlyList<LocalModel> ScanFolder(string root, LocalStore store, List<string> problems)
    {
        var found = new List<LocalModel>();
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.System,
        };
        var pending = new Stack<(string Dir, int Depth)>();
        pending.Push((Path.GetFullPath(root), 0));
        int entries = 0;
        while (pending.Count > 0)
        {
            var (dir, depth) = pending.Pop();
            string[] files;
            try
            {
                files = Directory.GetFiles(dir, "*", options);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{dir}: could not be listed ({e.Message})");
                continue;
            }
            if ((entries += files.Length) > MaxEntries)
            {
                problems.Add($"{root}: more than {MaxEntries} files; the scan stopped there");
                break;
            }
            var safetensors = files.Where(f => f.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)).ToList();
            if (safetensors.Count > 0)
                found.Add(new LocalModel(NameBelow(root, dir, store), store, dir, "safetensors", safetensors.Sum(SizeOf)));
            foreach (string gguf in files.Where(f => f.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)))
            {
                var split = SplitPart().Match(Path.GetFileName(gguf));
                if (split.Success && split.Groups["no"].Value.TrimStart('0') != "1")
                    continue;
                long size = split.Success
                    ? files.Where(f => SplitPart().Match(Path.GetFileName(f)) is { Success: true } m && m.Groups["stem"].Value == split.Groups["stem"].Value).Sum(SizeOf)
                    : SizeOf(gguf);
                found.Add(new LocalModel(NameBelow(root, gguf, store), store, gguf, "gguf", size));
            }
            if (depth < MaxDepth)
                foreach (string sub in SafeDirectories(dir, options).OrderByDescending(d => d, StringComparer.Ordinal))
                    pending.Push((sub, depth + 1));
        }
        return found.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> SafeDirectories(string dir, EnumerationOptions options)
    {
        try
        {
            // Linked folders are skipped so that a link back up the tree cannot loop the scan.
            return Directory.GetDirectories(dir, "*", options).Where(d => new DirectoryInfo(d).LinkTarget is null).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string NameBelow(string root, string path, LocalStore store)
    {
        string relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
        return relative == "." ? Path.GetFileName(Path.GetFullPath(root).TrimEnd('/')) : relative;
    }

    /// <summary>Size of the file a path names, following the Hub cache's symbolic links to blobs.</summary>
    private static long SizeOf(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target && target.Exists
                ? target.Length
                : info.Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string? ReadRef(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 and <= 64 } s && !s.Contains('/') && !s.Contains("..") ? s : null : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<stem>.+)-(?<no>\d{5})-of-(?<count>\d{5})\.gguf$", RegexOptions.IgnoreCase)]
    private static partial Regex SplitPart();
}
