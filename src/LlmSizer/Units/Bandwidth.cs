using System.Globalization;

namespace LlmSizer.Units;

/// <summary>
/// Parses and prints data rates in bytes per second: "1008GB/s", "3.35 TB/s", "117.7MB/s". Decimal prefixes (k, M, G, T =
/// 10^3…10^12) or binary ones (KiB/s…TiB/s); the prefix may be any case. Bits per second ("Gb/s", "Gbps", "Gbit/s") are
/// refused rather than read as bytes, since the two differ eightfold.
/// </summary>
public static class Bandwidth
{
    /// <summary>Bytes per second in <paramref name="text"/>; false for anything but a non-negative rate in a byte unit.</summary>
    public static bool TryParse(string text, out double bytesPerSecond)
    {
        bytesPerSecond = 0;
        if (!UnitNumber.TrySplit(text, out double number, out string unit) || IsBits(unit))
            return false;
        double? scale = unit.ToUpperInvariant() switch
        {
            "B/S" => 1,
            "KB/S" => 1e3, "MB/S" => 1e6, "GB/S" => 1e9, "TB/S" => 1e12,
            "KIB/S" => 1024.0, "MIB/S" => 1024.0 * 1024, "GIB/S" => ByteSize.BytesPerGiB, "TIB/S" => ByteSize.BytesPerGiB * 1024.0,
            _ => null,
        };
        if (scale is not { } k)
            return false;
        bytesPerSecond = number * k;
        return true;
    }

    /// <summary>Whether <paramref name="unit"/> is a bit rate: "Gb/s" (capital prefix, small b), "Gbps", "Gbit/s".</summary>
    public static bool IsBits(string unit) =>
        unit.Contains("bit", StringComparison.OrdinalIgnoreCase)
        || unit.EndsWith("bps", StringComparison.OrdinalIgnoreCase)
        || unit.Length == 4 && char.IsAsciiLetterUpper(unit[0]) && unit[1..] == "b/s";

    /// <summary>"1008 GB/s", "3350 GB/s", "117.7 MB/s": GB/s from 1 GB/s up, MB/s below.</summary>
    public static string Format(double bytesPerSecond) => bytesPerSecond >= 1e9
        ? (bytesPerSecond / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + " GB/s"
        : (bytesPerSecond / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + " MB/s";
}
