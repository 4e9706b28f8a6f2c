using LlmSizer.Errors;
using ScottPlot;
using SkiaSharp;

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

    /// <summary>Checks <paramref name="path"/> before any work: a known extension, an existing folder, and SkiaSharp's native library.</summary>
    public static void Check(string path)
    {
        FormatOf(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new UsageException($"--plot '{path}': the folder {folder} does not exist");
        try
        {
            _ = SkiaSharpVersion.Native;
        }
        catch (Exception e) when (MissingNativeLibrary(e) is { } missing)
        {
            // The Native AOT binary holds everything but SkiaSharp's own native code, which ships as libSkiaSharp.so beside it.
            throw new IOException($"--plot '{path}': charts are drawn by SkiaSharp, whose native library libSkiaSharp.so did not "
                + $"load from {AppContext.BaseDirectory} or the system's library path; keep it beside the llmsizer binary, where "
                + "'dotnet publish' puts it", missing);
        }
    }

    /// <summary>The <see cref="DllNotFoundException"/> behind <paramref name="e"/> (SkiaSharp's type initializers wrap it), or null.</summary>
    private static DllNotFoundException? MissingNativeLibrary(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is DllNotFoundException missing)
                return missing;
        return null;
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
