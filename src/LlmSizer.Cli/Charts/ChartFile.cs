using LlmSizer.Errors;
using ScottPlot;

namespace LlmSizer.Cli.Charts;

/// <summary>Writes a ScottPlot chart to the <c>--plot</c> file: PNG or SVG by the file's extension.</summary>
internal static class ChartFile
{
    /// <summary>Image size in pixels: wide enough for a legend beside the plot, text legible at 100%.</summary>
    public const int Width = 1400, Height = 800;

    /// <summary>The image format <paramref name="path"/> names; a <see cref="UsageException"/> for any other extension.</summary>
    public static ImageFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ImageFormat.Png,
        ".svg" => ImageFormat.Svg,
        "" => throw new UsageException($"--plot '{path}': expected a file name ending in .png or .svg"),
        var other => throw new UsageException($"--plot '{path}': expected a file name ending in .png or .svg, found '{other}'"),
    };

    /// <summary>Checks <paramref name="path"/> before any work: a known extension and an existing folder.</summary>
    public static void Check(string path)
    {
        FormatOf(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new UsageException($"--plot '{path}': the folder {folder} does not exist");
    }

    /// <summary>Renders <paramref name="plot"/> into <paramref name="path"/>; an unwritable path is an <see cref="IOException"/> naming it.</summary>
    public static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        var format = FormatOf(path);
        ChartFonts.Apply(plot);
        try
        {
            if (format == ImageFormat.Svg)
                File.WriteAllText(path, plot.GetSvgXml(width, height));
            else
                File.WriteAllBytes(path, plot.GetImageBytes(width, height, format));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--plot '{path}': cannot write the chart: {e.Message}", e);
        }
    }
}
