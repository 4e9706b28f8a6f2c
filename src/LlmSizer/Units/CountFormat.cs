using System.Globalization;

namespace LlmSizer.Units;

/// <summary>Formats parameter counts: "6,738,415,616" and "6.74B".</summary>
public static class CountFormat
{
    public static string Exact(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Short(long count) => count switch
    {
        >= 1_000_000_000_000 => (count / 1e12).ToString("0.##", CultureInfo.InvariantCulture) + "T",
        >= 1_000_000_000 => (count / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (count / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (count / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "K",
        _ => count.ToString(CultureInfo.InvariantCulture),
    };
}
