using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Requests;
using LlmSizer.Serialization;
using LlmSizer.Tests.Cli;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class FitRequestTests
{
    [Fact]
    public void Tiers_with_a_device_is_refused_before_any_model_is_read()
    {
        var request = new FitRequest { Tiers = true, Device = "h100" };
        Assert.Equal("--tiers looks at every tier's catalog devices; leave out --device, --count and --ram",
            Assert.Throws<UsageException>(() => request.Resolve(DeviceCatalog.Index, FieldStyle.Cli)).Message);
        var web = Assert.Throws<UsageException>(() => request.Resolve(DeviceCatalog.Index, FieldStyle.Query));
        Assert.Equal("tiers looks at every tier's catalog devices; leave out device, count and ram", web.Message);
        Assert.Equal("tiers", web.Field);
    }

    [Fact]
    public void Ram_without_a_device_is_refused()
    {
        var web = Assert.Throws<UsageException>(() => new FitRequest { Ram = "64GB" }.Resolve(DeviceCatalog.Index, FieldStyle.Query));
        Assert.Equal("count and ram need device (without it, fit ranks every catalog device)", web.Message);
        Assert.Equal("ram", web.Field);
    }

    [Fact]
    public void A_device_with_a_count_ram_margin_and_host_cpu_resolves_from_the_catalog()
    {
        var fit = new FitRequest { Device = "h100", Count = 2, Ram = "64GB", Margin = "1GiB", Cpu = "ddr5-5600-2ch", Storage = "nvme4" }
            .Resolve(DeviceCatalog.Index, FieldStyle.Query).Fit!;
        Assert.Equal("h100-sxm", fit.Devices.Device.Id);
        Assert.Equal(2, fit.Devices.Count);
        Assert.Equal(64_000_000_000, fit.HostRamBytes);
        Assert.Equal(1L << 30, fit.MarginBytes);
        Assert.Equal("ddr5-5600-2ch", fit.HostCpu!.Id);
        Assert.Equal("nvme4", fit.Storage!.Id);
    }

    [Fact]
    public void A_gpu_named_as_the_host_cpu_is_refused_naming_the_field()
    {
        var web = Assert.Throws<UsageException>(() => new FitRequest { Device = "rtx-4090", Cpu = "h100" }.Resolve(DeviceCatalog.Index, FieldStyle.Query));
        Assert.StartsWith("cpu 'h100-sxm' is not a CPU entry", web.Message);
        Assert.Equal("cpu", web.Field);
    }

    [Fact]
    public void An_unknown_device_is_an_error_about_the_device_field()
    {
        var web = Assert.Throws<UsageException>(() => new FitRequest { Device = "nosuchdevice" }.Resolve(DeviceCatalog.Index, FieldStyle.Query));
        Assert.StartsWith("unknown device 'nosuchdevice'", web.Message);
        Assert.Equal("device", web.Field);
    }

    [Fact]
    public void On_one_device_the_outcome_is_the_command_lines_fit_report()
    {
        var outcome = new FitRequest { Device = "rtx-4090" }.Run(ModelSource.Open("llama-3.1-8b"), DeviceCatalog.Index, FieldStyle.Query);
        Assert.Null(outcome.Ranking);
        Assert.Null(outcome.Tiers);
        var cli = CliResult.Run("fit", "llama-3.1-8b", "--device", "rtx-4090", "--json");
        Assert.Equal(cli.Stdout.TrimEnd(), ReportJson.Serialize(outcome.Report!, c => c.FitReport));
    }

    [Fact]
    public void Without_a_device_the_outcome_is_a_ranking_and_with_tiers_a_tier_report()
    {
        var source = ModelSource.Open("llama-3.1-8b");
        var ranking = new FitRequest().Run(source, DeviceCatalog.Index, FieldStyle.Query);
        Assert.True(ranking is { Report: null, Ranking: not null, Tiers: null });
        var tiers = new FitRequest { Tiers = true }.Run(source, DeviceCatalog.Index, FieldStyle.Query);
        Assert.True(tiers is { Report: null, Ranking: null, Tiers: not null });
    }

    [Fact]
    public void The_estimators_own_checks_name_query_parameters_on_the_web()
    {
        // InferenceEstimator says "--context: …"; through a Query-style request the web reads "context: …".
        var request = new FitRequest { Device = "rtx-4090", Inference = new() { Context = 0 } };
        var source = ModelSource.Open("llama-3.1-8b");
        Assert.Equal("context: expected a positive number of tokens, found 0",
            Assert.Throws<UsageException>(() => request.Run(source, DeviceCatalog.Index, FieldStyle.Query)).Message);
        Assert.Equal("--context: expected a positive number of tokens, found 0",
            Assert.Throws<UsageException>(() => request.Run(source, DeviceCatalog.Index, FieldStyle.Cli)).Message);
    }
}
