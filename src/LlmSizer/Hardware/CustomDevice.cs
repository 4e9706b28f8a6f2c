using LlmSizer.Errors;
using LlmSizer.Units;

namespace LlmSizer.Hardware;

/// <summary>
/// A device described inline: <c>custom:mem=24GiB,bw=1008GB/s,fp16=165TF[,fp8=330TF][,int8=660TOPS][,usable=22GiB]
/// [,name=My card][,kind=gpu|unified|cpu][,pcie=32GB/s]</c>. mem, bw and fp16 are required; usable defaults to the kind's
/// rule (<see cref="UsableMemory"/>), kind to gpu. Note that GB is 10^9 bytes: a "24 GB" card has 24 GiB.
/// </summary>
public static class CustomDevice
{
    public const string Prefix = "custom:";

    private static readonly string[] Keys = ["mem", "bw", "fp16", "fp8", "int8", "usable", "name", "kind", "pcie"];

    public static bool IsCustom(string text) => text.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The device <paramref name="text"/> describes; a <see cref="UsageException"/> names the key and value at fault.</summary>
    public static DeviceSpec Parse(string text)
    {
        string body = text.Trim();
        if (!IsCustom(body))
            throw new UsageException($"custom device '{text}': expected it to start with {Prefix}");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in body[Prefix.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw Error($"expected key=value, found '{part}'");
            string key = part[..eq].Trim().ToLowerInvariant();
            if (!Keys.Contains(key))
                throw Error($"unknown key '{part[..eq].Trim()}'; known keys: {string.Join(", ", Keys)}");
            if (!values.TryAdd(key, part[(eq + 1)..].Trim()))
                throw Error($"'{key}' is given twice");
        }
        foreach (string required in (string[])["mem", "bw", "fp16"])
            if (!values.ContainsKey(required))
                throw Error($"'{required}' is missing (mem, bw and fp16 are required, e.g. {Prefix}mem=24GiB,bw=1008GB/s,fp16=165TF)");

        var kind = values.TryGetValue("kind", out string? kindText) ? Kind(kindText) : DeviceKind.Gpu;
        long memory = Size(values, "mem");
        long usable = values.ContainsKey("usable") ? Size(values, "usable") : UsableMemory.Default(kind, memory);
        if (usable > memory)
            throw Error($"usable {values["usable"]} is more than mem {values["mem"]}");
        if (usable <= 0)
            throw Error(kind == DeviceKind.Gpu
                ? $"mem {values["mem"]} leaves nothing once the GPU's {UsableMemory.GpuContextReserveBytes >> 20} MiB context is taken"
                : $"mem {values["mem"]} leaves nothing usable");
        double bandwidth = Rate(values, "bw");
        double? pcie = values.ContainsKey("pcie") ? Rate(values, "pcie") : null;
        return new DeviceSpec(
            "custom",
            values.TryGetValue("name", out string? name) ? name : $"Custom device ({ByteSize.FormatGiB(memory)}, {Bandwidth.Format(bandwidth)})",
            kind,
            "custom",
            [],
            memory,
            usable,
            values.ContainsKey("usable") ? "as given" : UsableMemory.DefaultNote(kind, memory),
            bandwidth,
            Compute(values, "fp16"),
            values.ContainsKey("fp8") ? Compute(values, "fp8") : null,
            values.ContainsKey("int8") ? Compute(values, "int8") : null,
            pcie is { } link ? $"PCIe ({Bandwidth.Format(link)} per direction)" : "unknown",
            kind == DeviceKind.Gpu ? pcie : null,
            kind == DeviceKind.Gpu ? pcie : null,
            "user-defined: " + body);
    }

    /// <summary>
    /// A GPU known only by its memory (<c>--gpu-memory 24GB</c>): usable memory by the discrete-GPU rule, no bandwidth or compute
    /// figures (callers that need them fall back or say so).
    /// </summary>
    public static DeviceSpec FromMemory(long memoryBytes, string text)
    {
        long usable = UsableMemory.DiscreteGpu(memoryBytes);
        if (usable <= 0)
            throw new UsageException($"--gpu-memory {text}: leaves nothing once the GPU's {UsableMemory.GpuContextReserveBytes >> 20} MiB context is taken");
        return new DeviceSpec("custom", $"GPU with {text.Trim()}", DeviceKind.Gpu, "custom", [], memoryBytes, usable,
            UsableMemory.DefaultNote(DeviceKind.Gpu, memoryBytes), 0, 0, null, null, "unknown", null, null, "--gpu-memory " + text.Trim());
    }

    private static DeviceKind Kind(string text) => text.ToLowerInvariant() switch
    {
        "gpu" => DeviceKind.Gpu,
        "unified" => DeviceKind.UnifiedMemory,
        "cpu" => DeviceKind.Cpu,
        _ => throw Error($"kind '{text}': expected gpu, unified or cpu"),
    };

    private static long Size(Dictionary<string, string> values, string key) =>
        ByteSize.TryParse(values[key], out long bytes) && bytes > 0
            ? bytes
            : throw Error($"{key} '{values[key]}': expected a positive size such as 24GiB or 80GB");

    private static double Rate(Dictionary<string, string> values, string key) =>
        Bandwidth.TryParse(values[key], out double rate) && rate > 0
            ? rate
            : throw Error($"{key} '{values[key]}': expected a positive rate in bytes per second such as 1008GB/s or 3.35TB/s"
                + (Bandwidth.IsBits(values[key].TrimStart("0123456789. ".ToCharArray())) ? " (this one is in bits)" : ""));

    private static double Compute(Dictionary<string, string> values, string key) =>
        ComputeRate.TryParse(values[key], out double rate) && rate > 0
            ? rate
            : throw Error($"{key} '{values[key]}': expected a positive throughput such as 165TF, 165TFLOPS or 660TOPS");

    private static UsageException Error(string problem) => new($"custom device: {problem}");
}
