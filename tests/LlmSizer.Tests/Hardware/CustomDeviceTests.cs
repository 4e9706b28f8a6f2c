using LlmSizer.Errors;
using LlmSizer.Hardware;
using Xunit;

namespace LlmSizer.Tests.Hardware;

public class CustomDeviceTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void A_full_description_sets_every_figure()
    {
        var d = CustomDevice.Parse("custom:mem=24GiB,bw=1008GB/s,fp16=165TF,fp8=330TF,int8=660TOPS,usable=22GiB,name=My card,kind=gpu,pcie=32GB/s");
        Assert.Equal("custom", d.Id);
        Assert.Equal("My card", d.Name);
        Assert.Equal(DeviceKind.Gpu, d.Kind);
        Assert.Equal(24 * GiB, d.MemoryBytes);
        Assert.Equal(22 * GiB, d.UsableMemoryBytes);
        Assert.Equal(1008e9, d.BandwidthBytesPerSecond);
        Assert.Equal(165e12, d.Fp16Flops);
        Assert.Equal(330e12, d.Fp8Flops);
        Assert.Equal(660e12, d.Int8Ops);
        Assert.Equal(32e9, d.HostLinkBytesPerSecond);
        Assert.StartsWith("user-defined: custom:mem=24GiB", d.Source);
    }

    [Fact]
    public void Usable_memory_defaults_to_the_rule_for_the_kind()
    {
        Assert.Equal(24 * GiB - (512L << 20), CustomDevice.Parse("custom:mem=24GiB,bw=1TB/s,fp16=100TF").UsableMemoryBytes);
        var mac = CustomDevice.Parse("CUSTOM: mem=96GiB, bw=800GB/s, fp16=27TFLOPS, kind=unified");
        Assert.Equal(72 * GiB, mac.UsableMemoryBytes);
        Assert.Null(mac.HostLinkBytesPerSecond);
        Assert.Equal(64 * GiB, CustomDevice.Parse("custom:mem=64GiB,bw=89.6GB/s,fp16=2TF,kind=cpu").UsableMemoryBytes);
    }

    [Theory]
    [InlineData("custom:mem=24GiB,bw=1008GB/s,fp16=165TF,colour=red", "custom device: unknown key 'colour'; known keys: mem, bw, fp16, fp8, int8, usable, name, kind, pcie")]
    [InlineData("custom:bw=1008GB/s,fp16=165TF", "custom device: 'mem' is missing (mem, bw and fp16 are required, e.g. custom:mem=24GiB,bw=1008GB/s,fp16=165TF)")]
    [InlineData("custom:mem=24GiB,fp16=165TF", "custom device: 'bw' is missing (mem, bw and fp16 are required, e.g. custom:mem=24GiB,bw=1008GB/s,fp16=165TF)")]
    [InlineData("custom:mem=24GiB,bw=1008GB/s", "custom device: 'fp16' is missing (mem, bw and fp16 are required, e.g. custom:mem=24GiB,bw=1008GB/s,fp16=165TF)")]
    [InlineData("custom:mem=24GiB,bw=1008GB/s,fp16=165TF,usable=30GiB", "custom device: usable 30GiB is more than mem 24GiB")]
    [InlineData("custom:mem=256MiB,bw=100GB/s,fp16=1TF", "custom device: mem 256MiB leaves nothing once the GPU's 512 MiB context is taken")]
    [InlineData("custom:mem=0GB,bw=1008GB/s,fp16=165TF", "custom device: mem '0GB': expected a positive size such as 24GiB or 80GB")]
    [InlineData("custom:mem=24GiB,bw=-5GB/s,fp16=165TF", "custom device: bw '-5GB/s': expected a positive rate in bytes per second such as 1008GB/s or 3.35TB/s")]
    [InlineData("custom:mem=24GiB,bw=0GB/s,fp16=165TF", "custom device: bw '0GB/s': expected a positive rate in bytes per second such as 1008GB/s or 3.35TB/s")]
    [InlineData("custom:mem=24 bananas,bw=1008GB/s,fp16=165TF", "custom device: mem '24 bananas': expected a positive size such as 24GiB or 80GB")]
    [InlineData("custom:mem=24GiB,bw=100Gb/s,fp16=165TF", "custom device: bw '100Gb/s': expected a positive rate in bytes per second such as 1008GB/s or 3.35TB/s (this one is in bits)")]
    [InlineData("custom:mem=24GiB,bw=1008GB/s,fp16=165", "custom device: fp16 '165': expected a positive throughput such as 165TF, 165TFLOPS or 660TOPS")]
    [InlineData("custom:mem=24GiB,bw=1008GB/s,fp16=165TF,kind=tpu", "custom device: kind 'tpu': expected gpu, unified or cpu")]
    [InlineData("custom:mem=24GiB,mem=48GiB,bw=1008GB/s,fp16=165TF", "custom device: 'mem' is given twice")]
    [InlineData("custom:mem=24GiB,bw,fp16=165TF", "custom device: expected key=value, found 'bw'")]
    public void Each_mistake_is_named(string text, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => CustomDevice.Parse(text)).Message);
}
