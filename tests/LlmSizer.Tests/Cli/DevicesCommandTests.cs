using LlmSizer.Hardware;
using Xunit;

namespace LlmSizer.Tests.Cli;

public class DevicesCommandTests
{
    [Fact]
    public void Devices_lists_the_whole_catalog_as_json_with_bytes_as_integers()
    {
        var r = CliResult.Run("devices", "--json");
        Assert.Equal(0, r.ExitCode);
        var devices = r.Json.GetProperty("devices");
        Assert.Equal(DeviceCatalog.All.Count, devices.GetArrayLength());
        var h100 = devices.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "h100-sxm");
        Assert.Equal(85_899_345_920, h100.GetProperty("memoryBytes").GetInt64());
        Assert.Equal((81559L - 512) << 20, h100.GetProperty("usableMemoryBytes").GetInt64());
        Assert.Equal(3.35e12, h100.GetProperty("bandwidthBytesPerSecond").GetDouble());
        Assert.Equal("gpu", h100.GetProperty("kind").GetString());
    }

    [Fact]
    public void A_filter_and_a_kind_narrow_the_table()
    {
        var r = CliResult.Run("devices", "4090");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("rtx-4090", r.Stdout);
        Assert.Contains("24 (23.49)", r.Stdout);
        Assert.Contains("165.2", r.Stdout);
        Assert.DoesNotContain("rtx-3090", r.Stdout);
        var macs = CliResult.Run("devices", "m4 max", "--kind", "unified", "--json");
        Assert.Equal(["m4-max-36gb", "m4-max-48gb", "m4-max-64gb", "m4-max-128gb"],
            macs.Json.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        var cpus = CliResult.Run("devices", "--kind", "cpu", "--json");
        Assert.All(cpus.Json.GetProperty("devices").EnumerateArray(), d => Assert.Equal("cpu", d.GetProperty("kind").GetString()));
    }

    [Fact]
    public void Storage_lists_the_storage_classes()
    {
        var r = CliResult.Run("devices", "--storage", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(8, r.Json.GetProperty("storage").GetArrayLength());
        Assert.False(r.Json.TryGetProperty("devices", out _));
        Assert.Contains("117.7", CliResult.Run("devices", "--storage", "nas").Stdout);
    }

    [Fact]
    public void A_bad_kind_is_a_usage_error()
    {
        var r = CliResult.Run("devices", "--kind", "tpu", "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--kind 'tpu': expected gpu, unified or cpu", r.Stderr);
        Assert.Equal("usage", r.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(2, CliResult.Run("devices", "--storage", "--kind", "gpu").ExitCode);
    }

    [Fact]
    public void No_match_prints_a_hint_and_succeeds()
    {
        var r = CliResult.Run("devices", "toaster");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("No catalog device matches", r.Stdout);
    }
}
