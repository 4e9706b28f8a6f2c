using LlmSizer.Reports;
using LlmSizer.Sampling;

namespace LlmSizer.Requests;

/// <summary>A <see cref="SampleRequest"/> checked, with the engine's defaults filled in: what remains needs the logits.</summary>
public sealed record ResolvedSampleRequest
{
    internal ResolvedSampleRequest(SamplingEngineProfile engine, SamplingSettings settings, IReadOnlyList<string> defaulted, int draws, ulong seed,
        int show, string? previousTokens, FieldStyle style)
    {
        Engine = engine;
        Settings = settings;
        Defaulted = defaulted;
        Draws = draws;
        Seed = seed;
        Show = show;
        PreviousTokens = previousTokens;
        Style = style;
    }

    public SamplingEngineProfile Engine { get; }

    /// <summary>The settings, without the previous tokens (they are resolved against the vocabulary).</summary>
    public SamplingSettings Settings { get; }

    /// <summary>The settings not given, named in <see cref="Style"/>: they took the engine's defaults.</summary>
    public IReadOnlyList<string> Defaulted { get; }

    public int Draws { get; }

    public ulong Seed { get; }

    public int Show { get; }

    /// <summary>Token names or ids, comma-separated, as given.</summary>
    public string? PreviousTokens { get; }

    /// <summary>How the usage errors name fields.</summary>
    public FieldStyle Style { get; }

    /// <summary>Runs the settings on <paramref name="input"/> (called <paramref name="inputName"/> in the report) stage by stage and draws.</summary>
    public SampleReport Build(TokenLogits input, string inputName) => RequestFields.Styled(Style, () =>
    {
        var settings = Settings with { PreviousTokens = ResolvePrevious(input) };
        return SampleReport.Build(input, inputName, settings, Engine, Defaulted, Draws, Seed, Show);
    });

    /// <summary>Comma-separated token names or ids, each resolved against the vocabulary (a name first, then an id).</summary>
    private IReadOnlyList<int> ResolvePrevious(TokenLogits input)
    {
        if (string.IsNullOrWhiteSpace(PreviousTokens))
            return [];
        var ids = new List<int>();
        foreach (string part in PreviousTokens.Split(','))
        {
            string token = part.Trim();
            // A name may begin with a space (" the"), so the untrimmed part is tried first.
            int? id = input.Find(part) ?? input.Find(token);
            if (id is null)
                throw RequestFields.Error("previousTokens",
                    $"{RequestFields.Name("previousTokens", Style)}: '{token}' is neither a token name nor an id below {input.Count}");
            ids.Add(id.Value);
        }
        return ids;
    }
}
