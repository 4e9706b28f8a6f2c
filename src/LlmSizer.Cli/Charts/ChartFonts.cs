using ScottPlot;
using SkiaSharp;

namespace LlmSizer.Cli.Charts;

/// <summary>
/// Chooses a font that exists on this machine for chart text. ScottPlot draws with SkiaSharp, which finds fonts in the system's
/// font folders; without one every label would be blank, so that case is an error saying what to install.
/// </summary>
internal static class ChartFonts
{
    /// <summary>Common sans-serif families, preferred first (DejaVu Sans is Debian's fonts-dejavu-core, which fontconfig pulls in).</summary>
    private static readonly string[] Families = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans", "Segoe UI", "Open Sans"];

    private static readonly Lazy<string?> Family = new(() =>
        Families.FirstOrDefault(f => SKFontManager.Default.MatchFamily(f) is { } t && t.FamilyName == f)
        ?? (SKFontManager.Default.FontFamilies.FirstOrDefault() is { Length: > 0 } any ? any : null));

    /// <summary>The font family chart text is drawn in; an <see cref="IOException"/> saying what to install when the machine has none.</summary>
    public static string Name => Family.Value ?? throw new IOException(
        "--plot: no font found for the chart's text; install one (Debian/Ubuntu: apt-get install fonts-dejavu-core)");

    /// <summary>Sets the axes, title and legend text of <paramref name="plot"/> to <see cref="Name"/> (text plottables take it when made).</summary>
    public static void Apply(Plot plot) => plot.Font.Set(Name);
}
