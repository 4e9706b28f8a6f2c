using System.Text.RegularExpressions;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>A Hugging Face Hub model: <c>hf:ORG/NAME[@REVISION]</c>; the revision defaults to <c>main</c>.</summary>
public sealed partial record HubRepoId(string Owner, string Name, string Revision)
{
    public string Repo => $"{Owner}/{Name}";

    public override string ToString() => Revision == "main" ? $"hf:{Repo}" : $"hf:{Repo}@{Revision}";

    public static bool IsHubReference(string text) => text.StartsWith("hf:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>hf:ORG/NAME[@REVISION]</c>; null when the text does not have that form.</summary>
    public static HubRepoId? TryParse(string text)
    {
        if (!IsHubReference(text))
            return null;
        var m = Pattern().Match(text[3..].Trim());
        if (!m.Success)
            return null;
        string revision = m.Groups["rev"].Success ? m.Groups["rev"].Value : "main";
        return new HubRepoId(m.Groups["owner"].Value, m.Groups["name"].Value, revision);
    }

    // Hub names: letters, digits, '-', '_', '.'; at most 96 characters each (the Hub's own limit).
    [GeneratedRegex(@"^(?<owner>[A-Za-z0-9][A-Za-z0-9._-]{0,95})/(?<name>[A-Za-z0-9][A-Za-z0-9._-]{0,95})(?:@(?<rev>[A-Za-z0-9._/-]{1,200}))?$")]
    private static partial Regex Pattern();
}
