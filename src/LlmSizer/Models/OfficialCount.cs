using System.Globalization;

namespace LlmSizer.Models;

/// <summary>
/// A parameter count as its publisher states it: exact ("6,738,415,616") or rounded ("175B", "46.7B").
/// A rounded figure stands for the interval of half its last digit either side.
/// </summary>
public sealed record OfficialCount(long Value, long HalfUnit, string Stated)
{
    public bool IsExact => HalfUnit == 0;

    public bool Matches(long count) => Math.Abs(count - Value) <= HalfUnit;

    /// <summary>For publishers that cut digits: the count lies from the stated value up to (not including) the next step.</summary>
    public bool MatchesTruncated(long count) => IsExact ? count == Value : count >= Value && count < Value + 2 * HalfUnit;

    /// <summary>Parses "6,738,415,616", "6738415616", "175B", "46.7B", "1.5T", "124M".</summary>
    public static OfficialCount Parse(string stated)
    {
        if (!TryParse(stated, out var count))
            throw new FormatException($"expected a count such as 6,738,415,616 or 46.7B, found \"{stated}\"");
        return count;
    }

    public static bool TryParse(string stated, out OfficialCount count)
    {
        count = null!;
        string s = stated.Trim().Replace(",", "").Replace("_", "");
        if (s.Length == 0)
            return false;
        long scale = char.ToUpperInvariant(s[^1]) switch { 'K' => 1_000, 'M' => 1_000_000, 'B' => 1_000_000_000, 'T' => 1_000_000_000_000, _ => 1 };
        if (scale != 1)
            s = s[..^1];
        if (!decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) || number <= 0)
            return false;
        int decimals = s.Contains('.') ? s.Length - s.IndexOf('.') - 1 : 0;
        decimal unit = scale / (decimal)Math.Pow(10, decimals);
        if (scale == 1 && decimals > 0)
            return false;
        count = new OfficialCount((long)Math.Round(number * scale), scale == 1 ? 0 : (long)(unit / 2), stated.Trim());
        return true;
    }
}
