using System.Globalization;

namespace LlmSizer.Units;

/// <summary>
/// Formats byte counts. GB means 10^9 bytes, GiB means 2^30 bytes; every printed figure carries its unit,
/// so the two are never mixed silently.
/// </summary>
public static class ByteSize
{
    public const long BytesPerGB = 1_000_000_000;
    public const long BytesPerGiB = 1L << 30;

    public static double ToGB(long bytes) => bytes / (double)BytesPerGB;

    public static double ToGiB(long bytes) => bytes / (double)BytesPerGiB;

    /// <summary>"14.00 GB".</summary>
    public static string FormatGB(long bytes, int decimals = 2) =>
        ToGB(bytes).ToString("F" + decimals, CultureInfo.InvariantCulture) + " GB";

    /// <summary>
    /// Parses "80GB", "24 GiB", "512MiB", "1.5TB", "1073741824": decimal units (KB, MB, GB, TB = 10^3…10^12) and
    /// binary ones (KiB, MiB, GiB, TiB = 2^10…2^40); a bare number is bytes. Returns false for anything else.
    /// </summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        string s = text.Trim().Replace(" ", "");
        int split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.'))
            split++;
        if (split == 0 || !decimal.TryParse(s[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
            return false;
        decimal? scale = s[split..].ToUpperInvariant() switch
        {
            "" or "B" => 1m,
            "KB" => 1e3m, "MB" => 1e6m, "GB" => 1e9m, "TB" => 1e12m,
            "KIB" => 1024m, "MIB" => 1024m * 1024, "GIB" => BytesPerGiB, "TIB" => (decimal)BytesPerGiB * 1024,
            _ => null,
        };
        // Compared by division: the product of a 29-digit number and 2^40 would overflow decimal itself.
        if (scale is not { } k || number > long.MaxValue / k)
            return false;
        bytes = (long)Math.Round(number * k);
        return true;
    }

    /// <summary>"13.04 GiB".</summary>
    public static string FormatGiB(long bytes, int decimals = 2) =>
        ToGiB(bytes).ToString("F" + decimals, CultureInfo.InvariantCulture) + " GiB";
}
