using LlmSizer.Errors;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>
/// The <c>hf:</c> argument: <c>hf:ORG/NAME[@REVISION][:QUANT]</c>. The quant tag picks one GGUF file of a repo that
/// holds several (<c>hf:bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M</c>), as llama.cpp's <c>-hf</c> does.
/// </summary>
public static class HubReference
{
    /// <summary>llama.cpp picks this quant when none is named.</summary>
    public const string DefaultQuant = "Q4_K_M";

    public static (HubRepoId Id, string? Quant) Parse(string text)
    {
        string body = text.Trim();
        string? quant = null;
        int colon = body.LastIndexOf(':');
        if (colon > 2)
        {
            quant = body[(colon + 1)..];
            body = body[..colon];
        }
        var id = HubRepoId.TryParse(body)
            ?? throw new UsageException($"'{text}': expected hf:ORG/NAME, hf:ORG/NAME@REVISION or hf:ORG/NAME:QUANT");
        if (quant is { Length: 0 })
            throw new UsageException($"'{text}': expected a quant tag after ':', such as Q4_K_M");
        return (id, quant);
    }

    /// <summary>The GGUF file for <paramref name="quant"/> (or the default), first part of a split set; a usage error lists the choices.</summary>
    public static string ChooseGguf(HubRepoId id, IReadOnlyList<string> ggufs, string? quant)
    {
        var models = ggufs.Where(f => !f.Contains("mmproj", StringComparison.OrdinalIgnoreCase))
            .Where(f => !f.Contains("-of-", StringComparison.Ordinal) || f.Contains("-00001-of-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        if (models.Count == 1 && quant is null)
            return models[0];
        string wanted = quant ?? DefaultQuant;
        var matches = models.Where(f => Path.GetFileName(f).Contains(wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count >= 1)
            return matches.OrderBy(f => f.Length).First();
        throw new UsageException(
            $"{id}: {(quant is null ? $"holds {models.Count} GGUF files and none is {DefaultQuant}" : $"no GGUF file matches '{quant}'")}; "
            + $"choose one with {id}:QUANT from: {string.Join(", ", models.Select(Path.GetFileName))}");
    }
}
