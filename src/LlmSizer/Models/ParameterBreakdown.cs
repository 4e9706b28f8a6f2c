namespace LlmSizer.Models;

/// <summary>Parameters per category; the parts sum to <see cref="Total"/>.</summary>
public sealed record ParameterBreakdown(long Embedding, long Attention, long Mlp, long Norm, long LmHead, long Other)
{
    public long Total => checked(Embedding + Attention + Mlp + Norm + LmHead + Other);

    public long this[ParameterCategory category] => category switch
    {
        ParameterCategory.Embedding => Embedding,
        ParameterCategory.Attention => Attention,
        ParameterCategory.Mlp => Mlp,
        ParameterCategory.Norm => Norm,
        ParameterCategory.LmHead => LmHead,
        _ => Other,
    };

    public static ParameterBreakdown Sum(IEnumerable<ParameterComponent> components, bool active)
    {
        var sums = new long[Enum.GetValues<ParameterCategory>().Length];
        foreach (var c in components)
            sums[(int)c.Category] = checked(sums[(int)c.Category] + (active ? c.Active : c.Total));
        return new ParameterBreakdown(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]);
    }
}
