using System.Globalization;

namespace LlmSizer.Web.Tests.Browser;

/// <summary>How the page writes numbers (Assets/js/format.js), so expected values from the library can be compared as shown.</summary>
internal static class Shown
{
    private static readonly CultureInfo En = CultureInfo.InvariantCulture;

    /// <summary>"14.96 GiB".</summary>
    public static string GiB(long bytes) => (bytes / (double)(1L << 30)).ToString("N2", En) + " GiB";

    /// <summary>"8,192".</summary>
    public static string Int(long n) => n.ToString("N0", En);

    /// <summary>Tokens per second: no decimals from 100 up, one below.</summary>
    public static string Rate(double x) => x.ToString(x >= 100 ? "N0" : "N1", En);

    /// <summary>"85 ms", "5.7 s", "3.2 min", "2.1 h".</summary>
    public static string Duration(double seconds) =>
        seconds < 1 ? (seconds * 1000).ToString("N0", En) + " ms"
        : seconds < 60 ? seconds.ToString("N1", En) + " s"
        : seconds < 3600 ? (seconds / 60).ToString("N1", En) + " min"
        : (seconds / 3600).ToString("N1", En) + " h";

    /// <summary>"40.00%".</summary>
    public static string Percent(double p) => (p * 100).ToString("N2", En) + "%";
}
