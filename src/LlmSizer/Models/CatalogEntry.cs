namespace LlmSizer.Models;

/// <summary>One model of the embedded catalog: its architecture and the parameter count its publisher states, with the source.</summary>
public sealed record CatalogEntry
{
    /// <summary>Lower-case id used on the command line, e.g. <c>llama-3.1-8b</c>.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Family { get; init; }

    /// <summary>Hugging Face repo id the architecture was read from, where there is one.</summary>
    public string? HuggingFaceRepo { get; init; }

    /// <summary>Total parameters as published: exact digits or a rounded figure such as "175B".</summary>
    public required string OfficialParameters { get; init; }

    /// <summary>Active parameters as published, for MoE models.</summary>
    public string? OfficialActiveParameters { get; init; }

    /// <summary>The publisher's active count leaves out the input embedding (DeepSeek's "37B"); ours includes it.</summary>
    public bool OfficialActiveExcludesEmbedding { get; init; }

    /// <summary>The publisher cuts digits instead of rounding (LLaMA's "65.2B" for 65.29B): a stated X stands for X up to the next step.</summary>
    public bool OfficialTruncates { get; init; }

    /// <summary>Where the official figure comes from (model card, paper table, safetensors metadata).</summary>
    public required string Source { get; init; }

    /// <summary>Why the computed count may legitimately differ from the stated one, and by how much.</summary>
    public string? Note { get; init; }

    /// <summary>Largest accepted relative difference when <see cref="Note"/> explains a publisher's loose figure; 0 otherwise.</summary>
    public double Tolerance { get; init; }

    public required ModelSpec Spec { get; init; }

    /// <summary>
    /// Whether <paramref name="computed"/> agrees with the stated figure <paramref name="stated"/>: exactly, within half its
    /// last digit, from it up to the next step when the publisher truncates, or within <see cref="Tolerance"/> when a
    /// note explains a loose figure.
    /// </summary>
    public bool Agrees(string stated, long computed)
    {
        var official = OfficialCount.Parse(stated);
        if (OfficialTruncates ? official.MatchesTruncated(computed) : official.Matches(computed))
            return true;
        return Note is not null && Tolerance > 0 && Math.Abs(computed - official.Value) <= Tolerance * official.Value;
    }
}
