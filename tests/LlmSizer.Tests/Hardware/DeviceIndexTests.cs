using LlmSizer.Errors;
using LlmSizer.Hardware;
using Xunit;

namespace LlmSizer.Tests.Hardware;

public class DeviceIndexTests
{
    [Theory]
    [InlineData("rtx-4090"), InlineData("4090"), InlineData("RTX 4090"), InlineData("rtx4090"), InlineData("RTX_4090"), InlineData(" Rtx-4090 ")]
    [InlineData("NVIDIA GeForce RTX 4090"), InlineData("geforce rtx 4090")]
    public void Names_resolve_regardless_of_case_spaces_dashes_and_vendor_words(string text)
    {
        var selection = DeviceCatalog.Resolve(text);
        Assert.Equal("rtx-4090", selection.Device.Id);
        Assert.Equal(1, selection.Count);
    }

    [Fact]
    public void A_bare_h100_is_the_sxm_part_and_a100_must_say_which_memory()
    {
        Assert.Equal("h100-sxm", DeviceCatalog.Resolve("h100").Device.Id);
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("a100"));
        Assert.Equal("device 'a100' could be any of 3; name one: a100-40gb-sxm, a100-80gb-sxm, a100-80gb-pcie", e.Message);
        Assert.Equal(["a100-40gb-sxm", "a100-80gb-sxm", "a100-80gb-pcie"], e.Suggestions);
    }

    [Theory]
    [InlineData("h100x8", 8), InlineData("h100 x8", 8), InlineData("8xh100", 8), InlineData("8 x h100", 8), InlineData("h100×8", 8)]
    [InlineData("H100 * 4", 4), InlineData("2x4090", 2), InlineData("2 x 4090", 2), InlineData("rtx-4090 x2", 2)]
    public void A_count_before_or_after_the_name_selects_several(string text, int count)
    {
        var selection = DeviceCatalog.Resolve(text);
        Assert.Equal(count, selection.Count);
        Assert.Equal(selection.Device.UsableMemoryBytes * count, selection.UsableMemoryBytes);
    }

    [Fact]
    public void Names_ending_in_x_still_take_a_count()
    {
        Assert.Equal(("mi300x", 8), (DeviceCatalog.Resolve("mi300x8").Device.Id, DeviceCatalog.Resolve("mi300x8").Count));
        Assert.Equal(("mi300x", 4), (DeviceCatalog.Resolve("mi300x x4").Device.Id, DeviceCatalog.Resolve("mi300x x4").Count));
        Assert.Equal(("rx-7900-xtx", 2), (DeviceCatalog.Resolve("7900xtx x2").Device.Id, DeviceCatalog.Resolve("7900xtx x2").Count));
    }

    [Theory]
    [InlineData("h100x0", "device count must be at least 1, found 0 in 'h100x0'")]
    [InlineData("h100x-2", "device count must be at least 1, found -2 in 'h100x-2'")]
    [InlineData("0xh100", "device count must be at least 1, found 0 in '0xh100'")]
    [InlineData("h100x99999999999", "device count '99999999999' in 'h100x99999999999' is too large")]
    public void Zero_negative_or_huge_counts_are_refused(string text, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => DeviceCatalog.Resolve(text)).Message);

    [Fact]
    public void A_count_can_come_separately_but_only_once()
    {
        Assert.Equal(8, DeviceCatalog.Resolve("h100", 8).Count);
        Assert.Equal("device 'h100x2' already gives a count; give it once",
            Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("h100x2", 8)).Message);
        Assert.Equal("device count must be at least 1, found 0 in 'h100'",
            Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("h100", 0)).Message);
    }

    [Fact]
    public void An_unknown_name_gets_near_names_with_swapped_digits_first()
    {
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("rtx 4900"));
        Assert.StartsWith("unknown device 'rtx 4900'; did you mean rtx-4090, ", e.Message);
        Assert.Contains("rtx-4080", e.Suggestions);
        Assert.Equal("rtx-4090", e.Suggestions[0]);
        // A count set apart from an unknown name is read as a count: the name alone is reported.
        Assert.StartsWith("unknown device 'rtx 4900';", Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("rtx 4900 x2")).Message);
    }

    [Fact]
    public void A_name_with_no_near_match_says_how_to_describe_the_device()
    {
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("toaster"));
        Assert.Equal("unknown device 'toaster'; 'llmsizer devices' lists the catalog, or describe it: custom:mem=24GiB,bw=1008GB/s,fp16=165TF", e.Message);
        Assert.Empty(e.Suggestions);
        Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("  "));
    }

    [Fact]
    public void An_apple_chip_without_its_memory_lists_the_configurations()
    {
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("m4-max"));
        Assert.Equal("device 'm4-max' could be any of 4; name one: m4-max-36gb, m4-max-48gb, m4-max-64gb, m4-max-128gb", e.Message);
        Assert.Equal("m4-max-128gb", DeviceCatalog.Resolve("M4 Max 128GB").Device.Id);
        Assert.Equal("m4-max-128gb", DeviceCatalog.Resolve("m4-max-128").Device.Id);
        Assert.Equal("m2-ultra-192gb", DeviceCatalog.Resolve("Apple M2 Ultra 192 GB").Device.Id);
    }

    [Fact]
    public void A_single_partial_match_is_suggested_not_guessed()
    {
        // The 8 GB RTX 4060 Ti is not in the catalog; "4060 ti" must not silently become the 16 GB card.
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Resolve("rtx 4060 ti"));
        Assert.StartsWith("unknown device 'rtx 4060 ti'; did you mean rtx-4060-ti-16gb", e.Message);
    }

    [Fact]
    public void Custom_devices_resolve_inline_with_or_without_a_count()
    {
        var one = DeviceCatalog.Resolve("custom:mem=24GiB,bw=1008GB/s,fp16=165TF");
        Assert.Equal(("custom", 1), (one.Device.Id, one.Count));
        Assert.Equal(4, DeviceCatalog.Resolve("4xcustom:mem=24GiB,bw=1008GB/s,fp16=165TF").Count);
        Assert.Equal(2, DeviceCatalog.Resolve("custom:mem=24GiB,bw=1008GB/s,fp16=165TF", 2).Count);
    }

    [Fact]
    public void Storage_resolves_by_id_alias_or_a_rate_of_ones_own()
    {
        Assert.Equal("nvme4", DeviceCatalog.ResolveStorage("NVMe 4").Id);
        Assert.Equal("nas-2.5gbe", DeviceCatalog.ResolveStorage("nas 2.5GbE").Id);
        Assert.Equal("sata-ssd", DeviceCatalog.ResolveStorage("ssd").Id);
        Assert.Equal(800e6, DeviceCatalog.ResolveStorage("800MB/s").ReadBytesPerSecond);
        Assert.Equal("storage 'nvme' could be any of 3; name one: nvme3, nvme4, nvme5",
            Assert.Throws<UsageException>(() => DeviceCatalog.ResolveStorage("nvme")).Message);
        Assert.StartsWith("unknown storage 'nvme6'; did you mean nvme",
            Assert.Throws<UsageException>(() => DeviceCatalog.ResolveStorage("nvme6")).Message);
    }

    [Fact]
    public void An_index_with_more_devices_replaces_by_id()
    {
        var catalog = DeviceCatalog.All.Single(d => d.Id == "rtx-4090");
        var mine = catalog with { Name = "My 4090", Aliases = [.. catalog.Aliases, "my-card"] };
        var index = DeviceCatalog.Index.With([mine]);
        Assert.Equal(DeviceCatalog.All.Count, index.Devices.Count);
        Assert.Equal("My 4090", index.Resolve("4090").Device.Name);
        Assert.Equal("My 4090", index.Resolve("my card x2").Device.Name);
    }

    // Found by the fuzzer (fuzz/regressions/device): a 30,000-character name took 0.45 s and 400 MB computing
    // suggestions (a full edit-distance table per catalog name) and was echoed whole in the message.
    [Fact]
    public void A_huge_unknown_name_is_refused_quickly_with_a_short_message()
    {
        string name = "0xcu" + new string('s', 30_000);
        var (allocated, _) = Support.Cost.Of(() => Assert.Throws<UsageException>(() => DeviceCatalog.Resolve(name)));
        var e = Assert.Throws<UsageException>(() => DeviceCatalog.Resolve(name));
        Assert.Equal($"unknown device '{name[..80]}…'; 'llmsizer devices' lists the catalog, or describe it: custom:mem=24GiB,bw=1008GB/s,fp16=165TF", e.Message);
        Assert.True(allocated < 4_000_000, $"allocated {allocated:N0} bytes");
    }
}
