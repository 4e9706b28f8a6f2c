using LlmSizer.Errors;

namespace LlmSizer.Training.DeepSpeed;

/// <summary>
/// DeepSpeed's own model-states memory estimator (<c>estimate_zero2_model_states_mem_needs*</c> in
/// deepspeed/runtime/zero/stage_1_and_2.py, <c>estimate_zero3_model_states_mem_needs*</c> in deepspeed/runtime/zero/stage3.py),
/// reproduced byte for byte: the same integer and floating-point steps and truncations as the Python, so each row prints as
/// DeepSpeed prints it. Model states only (16-bit weights, gradients, fp32 master weights and Adam moments), no activations,
/// no TP/PP, no ZeRO-1. CPU figures are per node, GPU figures per GPU; the buffer factor scales only the CPU figure.
/// </summary>
public static class DeepSpeedEstimator
{
    /// <summary>Larger counts than this are not a model: 10^15 parameters (a quadrillion).</summary>
    private const long MaxParameters = 1_000_000_000_000_000;

    /// <summary>
    /// <c>estimate_zero2_model_states_mem_needs_all_cold</c>: the rows for <c>offload_optimizer=cpu</c> and <c>=none</c>, in
    /// DeepSpeed's order.
    /// </summary>
    public static IReadOnlyList<DeepSpeedEstimate> Zero2Cold(long totalParameters, int gpusPerNode, int nodes,
        DeepSpeedVersion version = DeepSpeedVersion.Current, double additionalBufferFactor = 1.5) =>
    [
        Zero2(totalParameters, gpusPerNode, nodes, offloadOptimizer: true, version, additionalBufferFactor),
        Zero2(totalParameters, gpusPerNode, nodes, offloadOptimizer: false, version, additionalBufferFactor),
    ];

    /// <summary>
    /// <c>estimate_zero3_model_states_mem_needs_all_cold</c>: six rows in DeepSpeed's order: parameters and optimizer offloaded,
    /// optimizer offloaded, nothing offloaded; each with <c>zero.Init</c> and without.
    /// </summary>
    public static IReadOnlyList<DeepSpeedEstimate> Zero3Cold(long totalParameters, long largestLayerParameters, int gpusPerNode, int nodes,
        double additionalBufferFactor = 1.5)
    {
        var rows = new List<DeepSpeedEstimate>(6);
        foreach (var (offloadParameters, offloadOptimizer) in new[] { (true, true), (false, true), (false, false) })
            foreach (bool zeroInit in new[] { true, false })
                rows.Add(Zero3(totalParameters, largestLayerParameters, gpusPerNode, nodes, offloadParameters, offloadOptimizer, zeroInit,
                    additionalBufferFactor));
        return rows;
    }

    /// <summary>
    /// <c>estimate_zero2_model_states_mem_needs</c> for one configuration. N = <paramref name="gpusPerNode"/> × <paramref name="nodes"/>,
    /// n = <paramref name="gpusPerNode"/>, β = <paramref name="additionalBufferFactor"/>.
    /// <list type="bullet">
    /// <item>optimizer offloaded to CPU: GPU 2P; CPU P·max(4N, 16)·β (the code takes all GPUs here, the docs say per node);</item>
    /// <item>no offload: GPU 2P + ⌊18P/N⌋ (<see cref="DeepSpeedVersion.Current"/>) or 4P + ⌊16P/N⌋
    /// (<see cref="DeepSpeedVersion.Docs"/>); CPU 4P·n·β, the fp32 model each process builds on the host before moving it.</item>
    /// </list>
    /// </summary>
    public static DeepSpeedEstimate Zero2(long totalParameters, int gpusPerNode, int nodes, bool offloadOptimizer,
        DeepSpeedVersion version = DeepSpeedVersion.Current, double additionalBufferFactor = 1.5)
    {
        Validate(totalParameters, gpusPerNode, nodes, additionalBufferFactor);
        Int128 p = totalParameters;
        long totalGpus = (long)gpusPerNode * nodes;
        double cpu, gpu;
        if (offloadOptimizer)
        {
            gpu = (double)(2 * p);
            cpu = (double)(p * Math.Max(4 * totalGpus, 16)) * additionalBufferFactor;
        }
        else
        {
            gpu = version == DeepSpeedVersion.Current
                ? (double)(2 * p + TruncatedQuotient(18 * p, totalGpus))
                : (double)(4 * p + TruncatedQuotient(16 * p, totalGpus));
            cpu = (double)(p * 4 * gpusPerNode) * additionalBufferFactor;
        }
        return new DeepSpeedEstimate($"offload_optimizer={Device(offloadOptimizer)}".TrimEnd(), ToBytes(cpu), ToBytes(gpu));
    }

    /// <summary>
    /// <c>estimate_zero3_model_states_mem_needs</c> for one configuration. ℓ = 4 × <paramref name="largestLayerParameters"/> (the
    /// largest module's 16-bit weights and gradients, gathered whole on each GPU); g = 1 / <paramref name="nodes"/>.
    /// <list type="bullet">
    /// <item>parameters and optimizer offloaded: GPU ℓ; CPU 18P·g·β with <c>zero.Init</c>, else P·max(4n, 18g)·β;</item>
    /// <item>optimizer offloaded: GPU ℓ + ⌊2P/N⌋; CPU 16P·g·β with <c>zero.Init</c>, else P·max(4n, 16g)·β;</item>
    /// <item>nothing offloaded: GPU ℓ + ⌊18P/N⌋; CPU 4·(largest layer)·n·β with <c>zero.Init</c>, else 4P·n·β.</item>
    /// </list>
    /// DeepSpeed has no row for offloading parameters but not the optimizer; asking for it is a <see cref="UsageException"/>.
    /// </summary>
    public static DeepSpeedEstimate Zero3(long totalParameters, long largestLayerParameters, int gpusPerNode, int nodes,
        bool offloadParameters, bool offloadOptimizer, bool zeroInit, double additionalBufferFactor = 1.5)
    {
        Validate(totalParameters, gpusPerNode, nodes, additionalBufferFactor);
        if (largestLayerParameters < 1 || largestLayerParameters > totalParameters)
            throw new UsageException(
                $"DeepSpeed ZeRO-3 estimate: largestLayerParameters must be between 1 and totalParameters ({totalParameters}), got {largestLayerParameters}");
        if (offloadParameters && !offloadOptimizer)
            throw new UsageException(
                "DeepSpeed ZeRO-3 estimate: offloading parameters needs the optimizer offloaded too (DeepSpeed's estimator has no row for offload_param=cpu with offload_optimizer=none)");

        Int128 p = totalParameters, largest = largestLayerParameters;
        long totalGpus = (long)gpusPerNode * nodes;
        double nodeShare = 1.0 / nodes;
        Int128 largestLayerMemory = 4 * largest;
        double cpu, gpu;
        if (offloadOptimizer && offloadParameters)
        {
            gpu = (double)largestLayerMemory;
            cpu = zeroInit ? (double)(p * 18) * nodeShare * additionalBufferFactor : PythonMaxTimes(p, 4 * gpusPerNode, 18 * nodeShare) * additionalBufferFactor;
        }
        else if (offloadOptimizer)
        {
            gpu = (double)(largestLayerMemory + TruncatedQuotient(2 * p, totalGpus));
            cpu = zeroInit ? (double)(p * 16) * nodeShare * additionalBufferFactor : PythonMaxTimes(p, 4 * gpusPerNode, 16 * nodeShare) * additionalBufferFactor;
        }
        else
        {
            gpu = (double)(largestLayerMemory + TruncatedQuotient(18 * p, totalGpus));
            cpu = zeroInit ? (double)(largest * 4 * gpusPerNode) * additionalBufferFactor : (double)(p * 4 * gpusPerNode) * additionalBufferFactor;
        }
        string options = $"offload_param={Device(offloadParameters)}, offload_optimizer={Device(offloadOptimizer)}, zero_init={(zeroInit ? 1 : 0)}";
        return new DeepSpeedEstimate(options, ToBytes(cpu), ToBytes(gpu));
    }

    /// <summary>
    /// DeepSpeed writes the device as <c>f'{OffloadDeviceEnum.cpu:4}'</c>: "cpu " padded to four characters under the Python
    /// (≤ 3.10) its docs were printed with; Python 3.11 formats a mixed-in enum as "OffloadDeviceEnum.cpu" instead. The docs'
    /// rendering is kept.
    /// </summary>
    private static string Device(bool offloaded) => offloaded ? "cpu " : "none";

    /// <summary>
    /// Python's <c>int(a / b)</c> for integers: true division rounded once to a double, then truncated. This differs from exact
    /// floor division only when the quotient lies within half an ulp below an integer.
    /// </summary>
    private static Int128 TruncatedQuotient(Int128 numerator, long denominator) =>
        (Int128)Math.Truncate((double)numerator / denominator);

    /// <summary>
    /// Python's <c>P * max(4 * n, k * g)</c>: <c>max</c> keeps the integer unless the float is strictly larger, and an integer
    /// product stays exact until it meets the float buffer factor.
    /// </summary>
    private static double PythonMaxTimes(Int128 parameters, long integerFactor, double floatFactor) =>
        floatFactor > integerFactor ? (double)parameters * floatFactor : (double)(parameters * integerFactor);

    /// <summary>Python's <c>int(x)</c> for the non-negative byte counts here: truncation.</summary>
    private static long ToBytes(double bytes) =>
        bytes < long.MaxValue ? (long)bytes : throw new UsageException("DeepSpeed estimate: the result does not fit a 64-bit byte count; check the parameter and GPU counts");

    private static void Validate(long totalParameters, int gpusPerNode, int nodes, double additionalBufferFactor)
    {
        if (totalParameters < 1 || totalParameters > MaxParameters)
            throw new UsageException($"DeepSpeed estimate: totalParameters must be between 1 and 10^15, got {totalParameters}");
        if (gpusPerNode < 1)
            throw new UsageException($"DeepSpeed estimate: gpusPerNode must be at least 1, got {gpusPerNode}");
        if (nodes < 1)
            throw new UsageException($"DeepSpeed estimate: nodes must be at least 1, got {nodes}");
        if (!double.IsFinite(additionalBufferFactor) || additionalBufferFactor <= 0)
            throw new UsageException($"DeepSpeed estimate: additionalBufferFactor must be a positive number (DeepSpeed's default is 1.5), got {additionalBufferFactor}");
    }
}
