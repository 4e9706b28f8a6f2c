using LlmSizer.Errors;
using LlmSizer.Requests;
using Xunit;

namespace LlmSizer.Tests.Requests;

public class DeviceListRequestTests
{
    [Fact]
    public void A_kind_keeps_only_devices_of_that_kind()
    {
        var cpus = new DeviceListRequest { Kind = " CPU " }.Build(FieldStyle.Query).Devices!;
        Assert.NotEmpty(cpus);
        Assert.All(cpus, d => Assert.Equal("cpu", d.Kind));
    }

    [Fact]
    public void An_unknown_kind_and_a_kind_with_storage_are_refused_in_either_style()
    {
        Assert.Equal("--kind 'tpu': expected gpu, unified or cpu",
            Assert.Throws<UsageException>(() => new DeviceListRequest { Kind = "tpu" }.Build(FieldStyle.Cli)).Message);
        Assert.Equal("kind 'tpu': expected gpu, unified or cpu",
            Assert.Throws<UsageException>(() => new DeviceListRequest { Kind = "tpu" }.Build(FieldStyle.Query)).Message);
        Assert.Equal("kind applies to devices, not to storage",
            Assert.Throws<UsageException>(() => new DeviceListRequest { Kind = "gpu", Storage = true }.Build(FieldStyle.Query)).Message);
    }
}
