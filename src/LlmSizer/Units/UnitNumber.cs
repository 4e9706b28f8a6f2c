using System.Globalization;

namespace LlmSizer.Units;

/// <summary>Splits "1008 GB/s" or "3.35TB/s" into its number and its unit, for the rate parsers.</summary>
internal static class UnitNumber
{
    /// <summary>The leading non-negative decimal number and the unit text after it, spaces removed; false when there is no number.</summary>
    public static bool TrySplit(string text, out double number, out string unit)
    {
        string s = text.Trim().Replace(" ", "");
        int split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.'))
            split++;
        unit = s[split..];
        return double.TryParse(s[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number)
            && double.IsFinite(number);
    }
}
