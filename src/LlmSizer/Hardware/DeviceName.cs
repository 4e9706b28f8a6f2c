using System.Text;
using System.Text.RegularExpressions;

namespace LlmSizer.Hardware;

/// <summary>
/// Turns a device name as people type it into a lookup key: lower case, letters and digits only, and a memory size's "gb"
/// dropped, so <c>RTX 4090</c>, <c>rtx-4090</c> and <c>rtx4090</c> meet, as do <c>m4-max-128gb</c> and <c>M4 Max 128</c>.
/// </summary>
internal static partial class DeviceName
{
    /// <summary>Words a vendor puts before a model name; a query that is unknown as written is tried without them.</summary>
    private static readonly string[] VendorWords = ["nvidia", "geforce", "quadro", "tesla", "amd", "radeon", "instinct", "intel", "arc", "apple"];

    public static string Key(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (char c in text)
            if (char.IsAsciiLetterOrDigit(c))
                key.Append(char.ToLowerInvariant(c));
        return MemorySuffix().Replace(key.ToString(), "$1");
    }

    /// <summary>The key, then the key without each leading vendor word in turn (<c>nvidiageforcertx4090</c> → <c>rtx4090</c>).</summary>
    public static IEnumerable<string> QueryKeys(string text)
    {
        string key = Key(text);
        yield return key;
        bool stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (string word in VendorWords)
                if (key.Length > word.Length && key.StartsWith(word, StringComparison.Ordinal))
                {
                    key = key[word.Length..];
                    stripped = true;
                    yield return key;
                }
        }
    }

    /// <summary>"128gb" → "128" unless it is part of a network name ("1gbe").</summary>
    [GeneratedRegex("([0-9])gb(?=$|[a-df-z])")]
    private static partial Regex MemorySuffix();
}
