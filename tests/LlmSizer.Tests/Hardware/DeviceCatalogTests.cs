using LlmSizer.Hardware;
using LlmSizer.Units;
using Xunit;

namespace LlmSizer.Tests.Hardware;

public class DeviceCatalogTests
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;

    private static DeviceSpec Get(string id) => DeviceCatalog.All.Single(d => d.Id == id);

    [Fact]
    public void The_catalog_holds_at_least_45_devices_each_with_a_source_url_and_positive_figures()
    {
        Assert.True(DeviceCatalog.All.Count >= 45, $"{DeviceCatalog.All.Count} devices");
        foreach (var d in DeviceCatalog.All)
        {
            Assert.StartsWith("https://", d.Source);
            Assert.InRange(d.UsableMemoryBytes, 1, d.MemoryBytes);
            Assert.False(string.IsNullOrWhiteSpace(d.UsableMemoryNote), d.Id);
            Assert.True(d.BandwidthBytesPerSecond > 0, d.Id);
            Assert.True(d.Fp16Flops > 0, d.Id);
            Assert.True(d.Fp8Flops is null or > 0 && d.Int8Ops is null or > 0, d.Id);
            Assert.True(d.HostLinkBytesPerSecond is null or > 0 && d.PeerLinkBytesPerSecond is null or > 0, d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.Interconnect), d.Id);
        }
        Assert.Equal(DeviceCatalog.All.Count, DeviceCatalog.All.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void Every_name_resolves_to_its_own_device_so_no_alias_shadows_another()
    {
        foreach (var d in DeviceCatalog.All)
            foreach (string name in d.Aliases.Append(d.Id).Append(d.Name))
                Assert.Equal(d.Id, DeviceCatalog.Resolve(name).Device.Id);
    }

    [Theory]
    [InlineData("rtx-3060-12gb"), InlineData("rtx-3080-10gb"), InlineData("rtx-3090"), InlineData("rtx-3090-ti"), InlineData("rtx-4060-ti-16gb")]
    [InlineData("rtx-4070-ti-super"), InlineData("rtx-4080"), InlineData("rtx-4080-super"), InlineData("rtx-4090"), InlineData("rtx-5070-ti")]
    [InlineData("rtx-5080"), InlineData("rtx-5090"), InlineData("rtx-a6000"), InlineData("rtx-6000-ada"), InlineData("rtx-pro-6000")]
    [InlineData("v100-16gb"), InlineData("v100-32gb"), InlineData("a10g"), InlineData("l4"), InlineData("l40s"), InlineData("a100-40gb-sxm")]
    [InlineData("a100-80gb-sxm"), InlineData("h100-pcie"), InlineData("h100-sxm"), InlineData("h200"), InlineData("b200"), InlineData("rx-7900-xtx")]
    [InlineData("mi250x"), InlineData("mi300x"), InlineData("mi325x"), InlineData("arc-a770-16gb"), InlineData("arc-b580"), InlineData("dgx-spark")]
    [InlineData("ryzen-ai-max-395-128gb"), InlineData("m1-8gb"), InlineData("m1-pro-32gb"), InlineData("m1-max-64gb"), InlineData("m1-ultra-128gb")]
    [InlineData("m2-24gb"), InlineData("m2-pro-32gb"), InlineData("m2-max-96gb"), InlineData("m2-ultra-192gb"), InlineData("m3-24gb"), InlineData("m3-pro-36gb")]
    [InlineData("m3-max-36gb"), InlineData("m3-max-128gb"), InlineData("m3-ultra-512gb"), InlineData("m4-32gb"), InlineData("m4-pro-64gb")]
    [InlineData("m4-max-36gb"), InlineData("m4-max-128gb"), InlineData("ddr4-3200-2ch"), InlineData("ddr5-5600-2ch"), InlineData("ddr5-6000-2ch")]
    [InlineData("ddr5-4800-8ch"), InlineData("ddr5-4800-12ch")]
    public void Every_device_the_issue_asks_for_is_there(string id) => Assert.Contains(DeviceCatalog.All, d => d.Id == id);

    [Fact]
    public void Kinds_follow_the_memory_a_device_computes_from()
    {
        Assert.Equal(DeviceKind.Gpu, Get("rtx-4090").Kind);
        Assert.Equal(DeviceKind.UnifiedMemory, Get("m2-ultra-192gb").Kind);
        Assert.Equal(DeviceKind.UnifiedMemory, Get("dgx-spark").Kind);
        Assert.Equal(DeviceKind.UnifiedMemory, Get("ryzen-ai-max-395-128gb").Kind);
        Assert.Equal(DeviceKind.Cpu, Get("ddr5-4800-12ch").Kind);
        Assert.Equal(42, DeviceCatalog.All.Count(d => d.Vendor == "Apple"));
    }

    [Fact]
    public void Rtx_4090_matches_nvidias_ada_whitepaper()
    {
        // NVIDIA Ada GPU architecture whitepaper, appendix A (RTX 4090): 24 GB GDDR6X at 21 Gbps on 384 bits = 1008 GB/s;
        // peak FP16 tensor with FP32 accumulate 165.2 TFLOPS, FP8 with FP32 accumulate 330.3, INT8 660.6 TOPS, dense.
        var d = Get("rtx-4090");
        Assert.Equal(24 * GiB, d.MemoryBytes);
        Assert.Equal(1008e9, d.BandwidthBytesPerSecond);
        Assert.Equal(165.2e12, d.Fp16Flops);
        Assert.Equal(330.3e12, d.Fp8Flops);
        Assert.Equal(660.6e12, d.Int8Ops);
        Assert.Equal(31.5e9, d.HostLinkBytesPerSecond); // PCIe 4.0 x16: 16 GT/s × 16 lanes × 128/130 / 8 = 31.5 GB/s per direction
    }

    [Fact]
    public void H100_sxm_matches_the_hopper_whitepaper_and_datasheet()
    {
        // NVIDIA H100 datasheet: 80 GB HBM3 at 3.35 TB/s, NVLink 900 GB/s; Hopper whitepaper table 3: H100 SXM5 peak BF16
        // with FP32 accumulate 989.4 TFLOPS dense (1978.9 with sparsity), FP8 1978.9.
        var d = Get("h100-sxm");
        Assert.Equal(80 * GiB, d.MemoryBytes);
        Assert.Equal(3.35e12, d.BandwidthBytesPerSecond);
        Assert.Equal(989.4e12, d.Fp16Flops);
        Assert.Equal(1978.9e12, d.Fp8Flops);
        Assert.Equal(450e9, d.PeerLinkBytesPerSecond); // 900 GB/s both directions together
    }

    [Fact]
    public void A100_80gb_sxm_matches_nvidias_datasheet()
    {
        // NVIDIA A100 datasheet: 80 GB HBM2e at 2,039 GB/s (SXM), BF16 tensor 312 TFLOPS and INT8 624 TOPS dense, NVLink 600 GB/s.
        var d = Get("a100-80gb-sxm");
        Assert.Equal(2039e9, d.BandwidthBytesPerSecond);
        Assert.Equal(312e12, d.Fp16Flops);
        Assert.Equal(624e12, d.Int8Ops);
        Assert.Null(d.Fp8Flops); // Ampere has no FP8 tensor cores
        Assert.Equal(300e9, d.PeerLinkBytesPerSecond);
    }

    [Fact]
    public void Data_centre_parts_match_their_datasheets()
    {
        // L4 datasheet: 24 GB at 300 GB/s, FP16 242 TFLOPS and FP8 485 TFLOPS with sparsity (121 and 242.5 dense).
        Assert.Equal(300e9, Get("l4").BandwidthBytesPerSecond);
        Assert.Equal(121e12, Get("l4").Fp16Flops);
        Assert.Equal(242.5e12, Get("l4").Fp8Flops);
        // L40S datasheet: 48 GB at 864 GB/s, BF16 362.05 TFLOPS dense, FP8 733.
        Assert.Equal(864e9, Get("l40s").BandwidthBytesPerSecond);
        Assert.Equal(362.05e12, Get("l40s").Fp16Flops);
        // V100 datasheet (SXM2): 900 GB/s, 125 tensor TFLOPS; no FP8.
        Assert.Equal(900e9, Get("v100-32gb").BandwidthBytesPerSecond);
        Assert.Equal(125e12, Get("v100-32gb").Fp16Flops);
        Assert.Null(Get("v100-32gb").Fp8Flops);
        // AMD Instinct MI300X page: 192 GB HBM3 at 5.3 TB/s, FP16 1307.4 TFLOPS, FP8 2614.9 TFLOPS dense.
        Assert.Equal(192 * GiB, Get("mi300x").MemoryBytes);
        Assert.Equal(5.3e12, Get("mi300x").BandwidthBytesPerSecond);
        Assert.Equal(1307.4e12, Get("mi300x").Fp16Flops);
        Assert.Equal(2614.9e12, Get("mi300x").Fp8Flops);
        // HGX B200 datasheet: 8 GPUs, 1,440 GB, 64 TB/s, FP16/BF16 36 PFLOPS with sparsity: 180 GB, 8 TB/s and 2.25 PFLOPS dense each.
        Assert.Equal(180 * GiB, Get("b200").MemoryBytes);
        Assert.Equal(8e12, Get("b200").BandwidthBytesPerSecond);
        Assert.Equal(2250e12, Get("b200").Fp16Flops);
    }

    [Fact]
    public void Consumer_cards_match_their_vendor_pages()
    {
        // NVIDIA RTX Blackwell whitepaper, RTX 5090: 32 GB GDDR7 at 1792 GB/s, FP16 tensor with FP32 accumulate 209.5 TFLOPS dense.
        Assert.Equal(32 * GiB, Get("rtx-5090").MemoryBytes);
        Assert.Equal(1792e9, Get("rtx-5090").BandwidthBytesPerSecond);
        Assert.Equal(209.5e12, Get("rtx-5090").Fp16Flops);
        // AMD RX 7900 XTX page: 24 GB at 960 GB/s, peak half precision 122.8 TFLOPS.
        Assert.Equal(960e9, Get("rx-7900-xtx").BandwidthBytesPerSecond);
        Assert.Equal(122.8e12, Get("rx-7900-xtx").Fp16Flops);
        // Intel Arc B580 specifications: 12 GB at 456 GB/s, 233 peak INT8 TOPS, PCIe 4.0 x8.
        Assert.Equal(456e9, Get("arc-b580").BandwidthBytesPerSecond);
        Assert.Equal(233e12, Get("arc-b580").Int8Ops);
        Assert.Equal(15.75e9, Get("arc-b580").HostLinkBytesPerSecond);
    }

    [Fact]
    public void Apple_silicon_bandwidth_is_per_chip_bin_as_apple_publishes_it()
    {
        // Apple newsroom, June 2023: M2 Ultra 800 GB/s, 27.2 TFLOPS, up to 192 GB.
        Assert.Equal(800e9, Get("m2-ultra-192gb").BandwidthBytesPerSecond);
        Assert.Equal(27.2e12, Get("m2-ultra-192gb").Fp16Flops);
        Assert.Equal(192 * GiB, Get("m2-ultra-192gb").MemoryBytes);
        // Apple newsroom, Oct 2024, and the MacBook Pro (M4 Max) specs: 546 GB/s with the 40-core GPU, 410 GB/s with the 32-core one (36 GB).
        Assert.Equal(546e9, Get("m4-max-128gb").BandwidthBytesPerSecond);
        Assert.Equal(410e9, Get("m4-max-36gb").BandwidthBytesPerSecond);
        // MacBook Pro (Nov 2023) specs: M3 Max 30-core GPU (36 or 96 GB) 300 GB/s, 40-core 400 GB/s; M3 Pro 150 GB/s.
        Assert.Equal(300e9, Get("m3-max-96gb").BandwidthBytesPerSecond);
        Assert.Equal(400e9, Get("m3-max-64gb").BandwidthBytesPerSecond);
        Assert.Equal(150e9, Get("m3-pro-18gb").BandwidthBytesPerSecond);
        // Apple newsroom, Nov 2020: M1 2.6 TFLOPS. Apple gives no bandwidth: LPDDR4X-4266 on 128 bits, 68.25 GB/s as usually quoted.
        Assert.Equal(2.6e12, Get("m1-8gb").Fp16Flops);
        Assert.Equal(4266e6 * 16, Get("m1-8gb").BandwidthBytesPerSecond, 0.01e9);
    }

    [Fact]
    public void Dgx_spark_and_ryzen_ai_max_have_their_documented_pools()
    {
        // NVIDIA DGX Spark page: 128 GB LPDDR5x unified, 273 GB/s.
        var spark = Get("dgx-spark");
        Assert.Equal(128 * GiB, spark.MemoryBytes);
        Assert.Equal(273e9, spark.BandwidthBytesPerSecond);
        // CUDA's total there is Linux's MemTotal, 127600748 kB (XuehaiPan/nvitop#208), 121.69 GiB (unslothai/unsloth#10283).
        Assert.Equal(127_600_748L * 1024, spark.UsableMemoryBytes);
        Assert.Equal("121.69 GiB", ByteSize.FormatGiB(spark.UsableMemoryBytes));
        // AMD: Ryzen AI Max+ 395 with 128 GB gives up to 96 GB of Variable Graphics Memory; LPDDR5X-8000 × 256 bits = 256 GB/s.
        var strix = Get("ryzen-ai-max-395-128gb");
        Assert.Equal(96 * GiB, strix.UsableMemoryBytes);
        Assert.Equal(8000e6 * 32, strix.BandwidthBytesPerSecond);
    }

    [Theory]
    [InlineData("ddr4-3200-2ch", 2, 3200)]
    [InlineData("ddr5-5600-2ch", 2, 5600)]
    [InlineData("ddr5-6000-2ch", 2, 6000)]
    [InlineData("ddr4-3200-8ch", 8, 3200)]
    [InlineData("ddr5-4800-8ch", 8, 4800)]
    [InlineData("ddr5-4800-12ch", 12, 4800)]
    [InlineData("ddr5-6000-12ch", 12, 6000)]
    [InlineData("ddr5-6400-12ch", 12, 6400)]
    public void Cpu_bandwidth_is_channels_times_eight_bytes_times_transfers(string id, int channels, int megaTransfers)
    {
        // Each DDR4/DDR5 channel is 64 bits (two 32-bit subchannels on DDR5): 8 bytes per transfer.
        var d = Get(id);
        Assert.Equal(channels * 8.0 * megaTransfers * 1e6, d.BandwidthBytesPerSecond, 1e-3);
        Assert.Equal(d.MemoryBytes, d.UsableMemoryBytes);
    }

    [Fact]
    public void Storage_classes_carry_their_sustained_read_rates()
    {
        Assert.Equal(["hdd", "sata-ssd", "nvme3", "nvme4", "nvme5", "nas-1gbe", "nas-2.5gbe", "nas-10gbe"], DeviceCatalog.Storage.Select(s => s.Id));
        Assert.All(DeviceCatalog.Storage, s => Assert.StartsWith("https://", s.Source));
        // Samsung 990 PRO datasheet: 7,450 MB/s sequential read; 870 EVO: 560 MB/s.
        Assert.Equal(7450e6, DeviceCatalog.Storage.Single(s => s.Id == "nvme4").ReadBytesPerSecond);
        Assert.Equal(560e6, DeviceCatalog.Storage.Single(s => s.Id == "sata-ssd").ReadBytesPerSecond);
        // TCP goodput at MTU 1500: 1448 payload bytes per 1538 bytes on the wire (8 preamble, 14 header, 4 FCS, 12 gap, 20 IP, 32 TCP with timestamps).
        foreach (var (id, lineBytesPerSecond) in new[] { ("nas-1gbe", 125e6), ("nas-2.5gbe", 312.5e6), ("nas-10gbe", 1250e6) })
            Assert.Equal(Math.Round(lineBytesPerSecond * 1448 / 1538 / 1e5) * 1e5, DeviceCatalog.Storage.Single(s => s.Id == id).ReadBytesPerSecond, 1e-3);
    }
}
