using LlmSizer.Errors;
using LlmSizer.Units;

namespace LlmSizer.Models;

/// <summary>Turns a parsed <see cref="BareSize"/> into a model with an assumed architecture and notes saying how it was built.</summary>
public static class BareSizeModel
{
    public static ResolvedModel Resolve(BareSize size)
    {
        if (size.Parameters < BareSize.MinParameters || size.Parameters > BareSize.MaxParameters)
            throw new UsageException(
                $"size '{size.Text}' is outside what LlmSizer can represent: expected {CountFormat.Short(BareSize.MinParameters)} to {CountFormat.Short(BareSize.MaxParameters)} parameters");
        if (size.Experts > 256)
            throw new UsageException($"size '{size.Text}': expected at most 256 experts, found {size.Experts}");
        var notes = new List<string>
        {
            $"architecture assumed, not read from a model: {RepresentativeArchitecture.Rule}",
            $"nearest published shape: {RepresentativeArchitecture.NearestAnchor(size.Parameters)}",
        };
        ModelSpec spec;
        if (size.IsMixture)
        {
            spec = RepresentativeArchitecture.Mixture(size.Experts, size.Parameters);
            notes.Add($"mixture of experts as Mixtral builds it: the {CountFormat.Short(size.Parameters)} dense model with its MLP replaced by {size.Experts} experts, {spec.Moe!.ExpertsPerToken} used per token (Mixtral 8x7B totals 46.7B, not 56B, for this reason)");
        }
        else
        {
            spec = RepresentativeArchitecture.Dense(size.Parameters);
        }
        return new ResolvedModel(size.Text, $"{size.Text} (assumed architecture)", ModelOrigin.BareSize, spec, notes);
    }
}
