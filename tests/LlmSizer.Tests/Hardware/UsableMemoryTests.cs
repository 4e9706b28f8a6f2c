using LlmSizer.Hardware;
using Xunit;

namespace LlmSizer.Tests.Hardware;

public class UsableMemoryTests
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;

    private static DeviceSpec Get(string id) => DeviceCatalog.All.Single(d => d.Id == id);

    [Fact]
    public void A_gpu_keeps_what_its_driver_reports_less_the_context()
    {
        // nvidia-smi totals: RTX 4090 24564 MiB (RLinf/RLinf#255), H100 SXM 81559 MiB and L40S 46068 MiB (modal-labs/modal-client#2797).
        Assert.Equal((24564 - 512) * MiB, Get("rtx-4090").UsableMemoryBytes);
        Assert.Equal((81559 - 512) * MiB, Get("h100-sxm").UsableMemoryBytes);
        Assert.Equal((46068 - 512) * MiB, Get("l40s").UsableMemoryBytes);
        Assert.Contains("24564 MiB", Get("rtx-4090").UsableMemoryNote);
        // Without a sourced driver total, the installed memory is the start.
        Assert.Equal(24 * GiB - 512 * MiB, Get("rx-7900-xtx").UsableMemoryBytes);
    }

    [Theory]
    // llama.cpp's ggml_metal_init logs "recommendedMaxWorkingSetSize" in MiB: 10922.67 on 16 GB Macs (ggml-org/llama.cpp#2011,
    // ise-uiuc/magicoder#19), 21845.34 on 32 GB (ollama/ollama#434), 49152.00 on 64 GB (ggml-org/llama.cpp#1870),
    // 73728.00 on 96 GB (ggml-org/llama.cpp#3213).
    [InlineData("m1-16gb", 10922.67)]
    [InlineData("m2-max-32gb", 21845.34)]
    [InlineData("m1-max-64gb", 49152.00)]
    [InlineData("m2-max-96gb", 73728.00)]
    public void Apple_silicon_gets_metals_default_working_set(string id, double loggedMiB)
    {
        var d = Get(id);
        Assert.Equal(loggedMiB, d.UsableMemoryBytes / (double)MiB, 0.02);
        Assert.Contains("iogpu.wired_limit_mb", d.UsableMemoryNote);
    }

    [Fact]
    public void The_working_set_share_steps_from_two_thirds_to_three_quarters_at_64_gib()
    {
        Assert.Equal(48 * GiB * 2 / 3, UsableMemory.AppleWorkingSet(48 * GiB));
        Assert.Equal(48 * GiB, UsableMemory.AppleWorkingSet(64 * GiB));
        Assert.Equal(144 * GiB, UsableMemory.AppleWorkingSet(192 * GiB));
    }

    [Fact]
    public void The_default_rule_follows_the_kind()
    {
        Assert.Equal(24 * GiB - 512 * MiB, UsableMemory.Default(DeviceKind.Gpu, 24 * GiB));
        Assert.Equal((24564 - 512) * MiB, UsableMemory.Default(DeviceKind.Gpu, 24 * GiB, 24564 * MiB));
        Assert.Equal(16 * GiB, UsableMemory.Default(DeviceKind.UnifiedMemory, 24 * GiB));
        Assert.Equal(64 * GiB, UsableMemory.Default(DeviceKind.Cpu, 64 * GiB));
    }
}
