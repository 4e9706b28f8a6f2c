using LlmSizer.Errors;

namespace LlmSizer.Formats.Local;

/// <summary>
/// Ollama's model store: <c>manifests/REGISTRY/NAMESPACE/MODEL/TAG</c> JSON files whose layer of media type
/// <c>application/vnd.ollama.image.model</c> names the GGUF blob, stored as <c>blobs/sha256-HEX</c>.
/// </summary>
public static class OllamaStore
{
    private const string DefaultRegistry = "registry.ollama.ai";

    /// <summary>Every model with a readable manifest and blob; problems with single manifests go to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<LocalModel> List(string modelsDir, List<string> problems)
    {
        string manifests = Path.Combine(modelsDir, "manifests");
        var found = new List<LocalModel>();
        if (!Directory.Exists(manifests))
            return found;
        foreach (string file in Directory.EnumerateFiles(manifests, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 5 }))
        {
            var parts = Path.GetRelativePath(manifests, file).Split(Path.DirectorySeparatorChar);
            if (parts.Length != 4)
                continue;
            string name = DisplayName(parts[0], parts[1], parts[2], parts[3]);
            try
            {
                string blob = BlobPath(modelsDir, file);
                found.Add(new LocalModel(name, LocalStore.Ollama, blob, "gguf", new FileInfo(blob).Length));
            }
            catch (InputException e)
            {
                problems.Add(e.Message);
            }
        }
        return found.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The GGUF blob of <c>NAME[:TAG]</c> (tag <c>latest</c> when left out; <c>library/</c> and the default registry implied).</summary>
    public static string Resolve(string modelsDir, string reference)
    {
        string text = reference.Trim();
        int colon = text.LastIndexOf(':');
        string tag = colon > 0 && !text[(colon + 1)..].Contains('/') ? text[(colon + 1)..] : "latest";
        string path = colon > 0 && tag != "latest" || text.EndsWith(":latest", StringComparison.Ordinal) ? text[..colon] : text;
        var segments = path.Split('/');
        (string registry, string ns, string model) = segments.Length switch
        {
            1 => (DefaultRegistry, "library", segments[0]),
            2 => (DefaultRegistry, segments[0], segments[1]),
            3 => (segments[0], segments[1], segments[2]),
            _ => throw new UsageException($"ollama:{reference}: expected NAME[:TAG], NAMESPACE/NAME[:TAG] or REGISTRY/NAMESPACE/NAME[:TAG]"),
        };
        if (new[] { registry, ns, model, tag }.Any(s => s.Length == 0 || s is "." or ".." || s.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
            throw new UsageException($"ollama:{reference}: expected a model name such as qwen2.5:7b");
        string manifest = Path.Combine(modelsDir, "manifests", registry, ns, model, tag);
        if (!File.Exists(manifest))
            throw new UsageException($"ollama:{reference}: not in Ollama's store at {modelsDir} (no {Path.Combine("manifests", registry, ns, model, tag)}); 'llmsizer scan' lists what is there");
        return BlobPath(modelsDir, manifest);
    }

    private static string DisplayName(string registry, string ns, string model, string tag)
    {
        string name = registry == DefaultRegistry ? ns == "library" ? model : $"{ns}/{model}" : $"{registry}/{ns}/{model}";
        return $"{name}:{tag}";
    }

    private static string BlobPath(string modelsDir, string manifest)
    {
        var info = new FileInfo(manifest);
        if (info.Length > OllamaManifest.MaxBytes)
            throw new InputException(manifest, "file", $"expected an Ollama manifest of at most {OllamaManifest.MaxBytes} bytes, found {info.Length}");
        string blob = Path.Combine(modelsDir, "blobs", "sha256-" + OllamaManifest.ModelDigestHex(File.ReadAllBytes(manifest), manifest));
        if (!File.Exists(blob))
            throw new InputException(manifest, "layers[].digest", $"expected blob {blob} to exist, found none");
        return blob;
    }
}
