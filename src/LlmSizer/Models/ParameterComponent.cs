namespace LlmSizer.Models;

/// <summary>
/// One kind of stored tensor group, e.g. "attention.q" in each of 32 layers.
/// Counts are parameters (elements); <see cref="Total"/> = <see cref="Instances"/> × <see cref="ParametersPerInstance"/>.
/// </summary>
/// <param name="Name">Dotted name, e.g. <c>layers.attention.q</c>.</param>
/// <param name="Category">The breakdown bucket.</param>
/// <param name="Instances">How many copies the model stores (layers that have it, or 1).</param>
/// <param name="ParametersPerInstance">Parameters in one copy.</param>
/// <param name="ActiveParametersPerInstance">Parameters of one copy a token passes through (MoE routes a token to some experts only).</param>
/// <param name="Formula">How <paramref name="ParametersPerInstance"/> was computed, with the numbers.</param>
public sealed record ParameterComponent(
    string Name,
    ParameterCategory Category,
    int Instances,
    long ParametersPerInstance,
    long ActiveParametersPerInstance,
    string Formula)
{
    public long Total => checked(Instances * ParametersPerInstance);

    public long Active => checked(Instances * ActiveParametersPerInstance);
}
