using System.Diagnostics;

namespace LlmSizer.Tests.Support;

/// <summary>
/// The chart tests draw text with SkiaSharp, which reads the system's fonts. On a fresh Debian machine without any, the tests
/// install fonts-dejavu-core themselves (as the llama.cpp tests install node-llama-cpp), once per run; elsewhere they rely on
/// the system's own fonts.
/// </summary>
public static class ChartFont
{
    private const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private static readonly Lazy<bool> Installed = new(Install);

    public static void Ensure() => _ = Installed.Value;

    private static bool Install()
    {
        if (!OperatingSystem.IsLinux() || File.Exists(DejaVuSans) || Directory.Exists("/usr/share/fonts") && Directory.EnumerateFiles("/usr/share/fonts", "*.ttf", SearchOption.AllDirectories).Any())
            return true;
        try
        {
            foreach (string args in new[] { "update -qq", "install -y -qq fonts-dejavu-core" })
            {
                using var apt = Process.Start(new ProcessStartInfo("apt-get", args) { RedirectStandardOutput = true, RedirectStandardError = true });
                if (apt is null)
                    return false;
                apt.WaitForExit(TimeSpan.FromMinutes(5));
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no apt-get: the chart tests then say which font is missing
        }
        return File.Exists(DejaVuSans);
    }
}
