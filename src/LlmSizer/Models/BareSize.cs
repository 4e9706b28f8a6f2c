using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmSizer.Models;

/// <summary>
/// A size written the way people say it: "7b", "1.5B", "405b", "175B", "350m", "1t", or "8x7b" for a
/// mixture of experts (8 experts, each the MLP of a 7B dense model).
/// </summary>
public sealed partial record BareSize(long Parameters, int Experts, string Text)
{
    /// <summary>Smallest and largest sizes a representative architecture is built for.</summary>
    public const long MinParameters = 100_000_000, MaxParameters = 10_000_000_000_000;

    public bool IsMixture => Experts > 1;

    public static bool TryParse(string text, out BareSize size)
    {
        size = null!;
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
            return false;
        if (!decimal.TryParse(m.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal n))
            return false;
        decimal scale = char.ToLowerInvariant(m.Groups["unit"].Value[0]) switch { 'm' => 1e6m, 'b' => 1e9m, _ => 1e12m };
        int experts = m.Groups["experts"].Success && int.TryParse(m.Groups["experts"].Value, out int e) ? e : 1;
        decimal parameters = n * scale;
        if (parameters > long.MaxValue / 2)
            return false;
        size = new BareSize((long)parameters, experts, text.Trim());
        return true;
    }

    [GeneratedRegex(@"^(?:(?<experts>\d{1,4})\s*[x×]\s*)?(?<n>\d{1,6}(?:\.\d{1,4})?)\s*(?<unit>[mMbBtT])$")]
    private static partial Regex Pattern();
}
