using System.Buffers.Binary;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Cli;

public class ChartTests
{
    public ChartTests() => ChartFont.Ensure();

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height from a PNG's IHDR chunk (PNG spec: signature, then IHDR's length, type, width, height, big-endian).</summary>
    private static (int Width, int Height) PngSize(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    [Fact]
    public void Estimate_plot_writes_a_png_of_the_set_size()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "memory.png");
        var r = CliResult.Run("estimate", "llama-3.1-8b", "--plot", file, "--device", "rtx-4090", "--device", "h100x2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"Chart: {file}", r.Stdout);
        byte[] png = File.ReadAllBytes(file);
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal((1400, 800), PngSize(png));
        Assert.InRange(png.Length, 20_000, 1_000_000); // lines, labels and text; a blank 1400×800 PNG is under 10 kB
    }

    [Fact]
    public void Estimate_plot_svg_carries_the_title_axis_labels_and_legend_as_text()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "memory.svg");
        var r = CliResult.Run("estimate", "llama-3.1-8b", "--plot", file, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.Json.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0); // stdout stays one JSON document
        string svg = File.ReadAllText(file);
        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        foreach (string text in new[] { "Llama 3.1 8B on llama.cpp: memory against context", "Context (tokens, log2 scale)", "Memory (GiB, 2^30 bytes)", "Q4_K_M", "128K", "rtx-4090: 23.5 GiB usable" })
            Assert.Contains(System.Security.SecurityElement.Escape(text), svg);
    }

    [Fact]
    public void Fit_plot_writes_a_matrix_tall_enough_for_its_rows()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "fit.png");
        var r = CliResult.Run("fit", "llama-3.1-70b", "--device", "rtx-4090", "--ram", "64GB", "--context", "8192", "--plot", file);
        Assert.Equal(0, r.ExitCode);
        byte[] png = File.ReadAllBytes(file);
        Assert.Equal(PngSignature, png[..8]);
        // The asked RTX 4090, then the tiers' 26 chart rows but the 4090 already shown: 260 px + 34 px a row.
        Assert.Equal((1400, 260 + 34 * 26), PngSize(png));
        Assert.InRange(png.Length, 50_000, 2_000_000);
    }

    [Fact]
    public void Fit_plot_svg_names_every_weights_column_and_tier()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "fit.svg");
        Assert.Equal(0, CliResult.Run("fit", "llama-3.1-8b", "--tiers", "--context", "8192", "--plot", file, "--json").ExitCode);
        string svg = File.ReadAllText(file);
        foreach (string text in new[] { "F16", "IQ1_M", "Laptop GPU", "Data-centre GPU server", "h100-sxm ×8", "fits on the device", "does not fit" })
            Assert.Contains(text, svg);
    }

    [Theory]
    [InlineData("chart.jpg", "expected a file name ending in .png or .svg, found '.jpg'")]
    [InlineData("chart", "expected a file name ending in .png or .svg")]
    [InlineData("no-such-folder/chart.png", "does not exist")]
    public void A_bad_plot_path_is_a_usage_error_before_any_work(string name, string message)
    {
        using var dir = new TempDirectory();
        var r = CliResult.Run("estimate", "7b", "--plot", Path.Combine(dir.Path, name));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void An_unwritable_plot_path_is_an_io_error_naming_it()
    {
        using var dir = new TempDirectory();
        string taken = Directory.CreateDirectory(Path.Combine(dir.Path, "taken.png")).FullName; // a folder where the file should go
        var r = CliResult.Run("fit", "7b", "--device", "rtx-4090", "--plot", taken, "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"--plot '{taken}': cannot write the chart", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        // The chart is written before the report: stdout holds the error document alone.
        Assert.Equal("io", r.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Estimate_device_without_plot_is_a_usage_error()
    {
        var r = CliResult.Run("estimate", "7b", "--device", "rtx-4090");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--plot", r.Stderr);
    }
}
