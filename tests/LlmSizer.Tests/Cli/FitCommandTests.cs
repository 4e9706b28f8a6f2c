using Xunit;

namespace LlmSizer.Tests.Cli;

public class FitCommandTests
{
    [Fact]
    public void Fit_json_carries_the_contract_fields_and_the_per_device_usage()
    {
        var r = CliResult.Run("fit", "llama-3.1-70b", "--device", "rtx-4090", "--ram", "64GB", "--context", "8192", "--storage", "nvme4", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        Assert.False(j.GetProperty("fits").GetBoolean());
        Assert.True(j.GetProperty("fitsWithOffload").GetBoolean());
        int gpuLayers = j.GetProperty("gpuLayers").GetInt32();
        Assert.Equal(81, gpuLayers + j.GetProperty("offloadedLayers").GetInt32());
        Assert.True(j.GetProperty("maxContext").GetInt32() >= 8192);
        long disk = j.GetProperty("diskBytes").GetInt64();
        // Load time = file bytes / the storage class's read rate (nvme4 in the catalog).
        double rate = LlmSizer.Hardware.DeviceCatalog.ResolveStorage("nvme4").ReadBytesPerSecond;
        Assert.Equal(disk / rate, j.GetProperty("loadSeconds").GetDouble(), 6);
        var devices = j.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(["GPU", "CPU"], devices.Select(d => d.GetProperty("device").GetString()));
        Assert.Equal(j.GetProperty("hostRamBytes").GetInt64(), devices[1].GetProperty("usedBytes").GetInt64());
        Assert.Equal(2, j.GetProperty("minDevices").GetInt32());
        var ram = j.GetProperty("hostRam");
        Assert.Equal(j.GetProperty("hostRamBytes").GetInt64(), ram.GetProperty("withMmapBytes").GetInt64());
        // --no-mmap reads each CPU-resident tensor into a buffer (aligned to 32) instead of mapping the file span.
        Assert.InRange(ram.GetProperty("withoutMmapBytes").GetInt64(), ram.GetProperty("withMmapBytes").GetInt64() * 0.99, ram.GetProperty("withMmapBytes").GetInt64() * 1.01);
        var speed = j.GetProperty("tokensPerSecond");
        Assert.True(speed.GetProperty("decode").GetDouble() > 0);
        Assert.True(speed.GetProperty("prefill").GetDouble() > speed.GetProperty("decode").GetDouble());
    }

    [Fact]
    public void Fit_without_a_device_ranks_the_catalog()
    {
        var r = CliResult.Run("fit", "llama-3.1-8b", "--context", "4096", "--json");
        Assert.Equal(0, r.ExitCode);
        var rows = r.Json.GetProperty("devices").EnumerateArray().ToList();
        Assert.True(rows.Count > 40);
        Assert.All(rows, row => Assert.True(row.GetProperty("usedBytesPerDevice").GetInt64() <= row.GetProperty("usableBytesPerDevice").GetInt64()));
    }

    [Fact]
    public void A_model_no_device_holds_says_what_it_would_take()
    {
        // DeepSeek-V3 in F32: 671B × 4 bytes is 2.5 TB, beyond eight of any catalog GPU.
        var r = CliResult.Run("fit", "deepseek-v3", "--weights", "F32", "--context", "8192", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(r.Json.GetProperty("devices").EnumerateArray());
        var note = r.Json.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).Single(n => n.StartsWith("no catalog device", StringComparison.Ordinal));
        Assert.Contains("GiB of device memory", note);
        Assert.Contains("would be", note);
    }

    [Fact]
    public void Fit_tiers_gives_each_tiers_cheapest_machine_and_the_cheapest_tier()
    {
        var r = CliResult.Run("fit", "llama-3.1-70b", "--tiers", "--context", "8192", "--json");
        Assert.Equal(0, r.ExitCode);
        var tiers = r.Json.GetProperty("tiers").EnumerateArray().ToList();
        Assert.Equal(["desktop-gpu", "laptop-gpu", "unified-memory", "workstation", "server", "cpu"], tiers.Select(t => t.GetProperty("id").GetString()));
        Assert.Equal("rtx-4090", tiers[0].GetProperty("cheapest").GetProperty("id").GetString());
        Assert.Equal(2, tiers[0].GetProperty("cheapest").GetProperty("count").GetInt32());
        Assert.False(tiers[1].TryGetProperty("cheapest", out _)); // no laptop GPU holds 42 GB
        Assert.Equal("desktop-gpu", r.Json.GetProperty("cheapestTier").GetString());

        var text = CliResult.Run("fit", "llama-3.1-70b", "--tiers", "--context", "8192");
        Assert.Contains("Desktop GPU (cheapest)", text.Stdout);
        Assert.Contains("Cheapest tier: Desktop GPU", text.Stdout);
    }

    [Fact]
    public void Fit_tiers_with_a_device_is_a_usage_error()
    {
        var r = CliResult.Run("fit", "8b", "--tiers", "--device", "rtx-4090");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--tiers", r.Stderr);
    }

    [Fact]
    public void An_unknown_device_is_a_usage_error_with_suggestions()
    {
        var r = CliResult.Run("fit", "llama-3.1-8b", "--device", "rtx 4900");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("rtx-4090", r.Stderr);
    }

    [Theory]
    [InlineData("--device", "4090", "--ram", "lots")]
    [InlineData("--device", "4090x0")]
    [InlineData("--count", "2")]
    [InlineData("--device", "4090", "--storage", "floppy")]
    public void Bad_hardware_options_are_usage_errors(params string[] args)
    {
        var r = CliResult.Run(["fit", "llama-3.1-8b", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void A_custom_device_is_planned_like_a_catalog_one()
    {
        var r = CliResult.Run("fit", "llama-3.1-8b", "--device", "custom:mem=24GB,bw=1008GB/s,fp16=165TF", "--context", "8192", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.Json.GetProperty("fits").GetBoolean());
    }
}
