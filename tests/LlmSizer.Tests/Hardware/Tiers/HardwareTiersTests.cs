using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Tiers;
using Xunit;

namespace LlmSizer.Tests.Hardware.Tiers;

public class HardwareTiersTests
{
    [Fact]
    public void Every_catalog_device_belongs_to_exactly_one_tier()
    {
        var owners = HardwareTiers.All.SelectMany(t => t.Devices.Select(d => (d.Id, Tier: t.Id))).ToList();
        Assert.Equal(DeviceCatalog.All.Select(d => d.Id).Order(), owners.Select(o => o.Id).Order());
    }

    [Fact]
    public void Tiers_run_from_desktop_to_server_with_the_cpu_tier_last_and_not_accelerated()
    {
        Assert.Equal(["desktop-gpu", "laptop-gpu", "unified-memory", "workstation", "server", "cpu"], HardwareTiers.All.Select(t => t.Id));
        Assert.Equal([2, 1, 1, 4, 8, 1], HardwareTiers.All.Select(t => t.MaxCount));
        Assert.Equal([true, true, true, true, true, false], HardwareTiers.All.Select(t => t.Accelerated));
    }

    [Fact]
    public void Tiers_by_kind_take_every_device_of_the_kind()
    {
        var unified = HardwareTiers.All.Single(t => t.Id == "unified-memory");
        Assert.Equal(DeviceCatalog.All.Where(d => d.Kind == DeviceKind.UnifiedMemory).Select(d => d.Id), unified.Devices.Select(d => d.Id));
        Assert.All(HardwareTiers.All.Single(t => t.Id == "cpu").Devices, d => Assert.Equal(DeviceKind.Cpu, d.Kind));
    }

    [Fact]
    public void Workstation_cards_hold_48_to_96_gib_and_desktop_cards_8_to_32()
    {
        // The tier definitions of docs/METHOD.md, "Hardware tiers".
        Assert.All(Tier("workstation").Devices, d => Assert.InRange(d.MemoryBytes >> 30, 48, 96));
        Assert.All(Tier("desktop-gpu").Devices, d => Assert.InRange(d.MemoryBytes >> 30, 8, 32));
        Assert.All(Tier("laptop-gpu").Devices, d => Assert.InRange(d.MemoryBytes >> 30, 8, 24));
    }

    [Fact]
    public void Chart_devices_carry_their_counts()
    {
        var server = Tier("server").ChartDevices;
        Assert.Contains(server, s => s.Device.Id == "h100-sxm" && s.Count == 8);
        Assert.Contains(Tier("desktop-gpu").ChartDevices, s => s.Device.Id == "rtx-3090" && s.Count == 2);
    }

    [Theory]
    [InlineData("""{"tiers": [{"id": "a", "name": "A", "description": "d", "maxCount": 1, "devices": ["rtx-9999"]}]}""", "tiers['a'].devices", "'rtx-9999' is not a catalog device id")]
    [InlineData("""{"tiers": [{"id": "a", "name": "A", "description": "d", "maxCount": 1, "devices": ["rtx-4090"], "chart": ["rtx-4090x2"]}]}""", "tiers['a'].chart", "more than the tier's 1")]
    [InlineData("""{"tiers": [{"id": "a", "name": "A", "description": "d", "maxCount": 2, "devices": ["rtx-4090"], "chart": ["h100"]}]}""", "tiers['a'].chart", "is not a device of this tier")]
    [InlineData("""{"tiers": [{"id": "a", "name": "A", "description": "d", "maxCount": 0, "devices": ["rtx-4090"]}]}""", "tiers['a'].maxCount", "expected 1 to 64, found 0")]
    [InlineData("""{"tiers": [{"id": "a", "name": "A", "description": "d", "maxCount": 1, "kinds": ["tpu"]}]}""", "tiers['a'].kinds", "expected gpu, unified or cpu, found 'tpu'")]
    [InlineData("""{"tiers": []}""", "tiers", "expected a non-empty list of tiers")]
    public void A_bad_tier_file_names_the_tier_and_field(string json, string location, string problem)
    {
        var e = Assert.Throws<InputException>(() => HardwareTiers.Read(json, "tiers.json", DeviceCatalog.Index));
        Assert.Equal(location, e.Location);
        Assert.Contains(problem, e.Problem);
    }

    private static HardwareTier Tier(string id) => HardwareTiers.All.Single(t => t.Id == id);
}
