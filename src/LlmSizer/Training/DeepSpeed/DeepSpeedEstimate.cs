using System.Globalization;
using LlmSizer.Units;

namespace LlmSizer.Training.DeepSpeed;

/// <summary>
/// One row of DeepSpeed's model-states estimate (parameters, gradients and Adam states; no activations): host RAM per node
/// and GPU memory per GPU, in bytes, for the ZeRO options <see cref="Options"/> names.
/// </summary>
/// <param name="Options">The options as DeepSpeed prints them, e.g. <c>offload_param=none, offload_optimizer=cpu , zero_init=1</c>.</param>
/// <param name="CpuBytes">Host memory per node, bytes (DeepSpeed's <c>cpu_mem</c>, already × the buffer factor).</param>
/// <param name="GpuBytes">Memory per GPU, bytes (DeepSpeed's <c>gpu_mem</c>).</param>
public sealed record DeepSpeedEstimate(string Options, long CpuBytes, long GpuBytes)
{
    /// <summary>
    /// The row as DeepSpeed prints it: <c> {cpu:7.2f}GB | {gpu:6.2f}GB | options</c>, where "GB" is DeepSpeed's label for
    /// 2^30 bytes (it divides by <c>2**30</c>). .NET's "F2" rounds the exact binary value half to even, as Python's format does.
    /// </summary>
    public string FormatRow() =>
        $" {FormatGiB(CpuBytes),7}GB | {FormatGiB(GpuBytes),6}GB | {Options}";

    private static string FormatGiB(long bytes) => ByteSize.ToGiB(bytes).ToString("F2", CultureInfo.InvariantCulture);
}
