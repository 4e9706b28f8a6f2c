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

    /// <summary>"13.04 GiB".</summary>
    public static string FormatGiB(long bytes, int decimals = 2) =>
        ToGiB(bytes).ToString("F" + decimals, CultureInfo.InvariantCulture) + " GiB";
}
