namespace LlmSizer.Hardware.Tiers;

/// <summary>The JSON form of Hardware/tiers.json: tiers from the cheapest entry point to the dearest.</summary>
public sealed record TierDocument
{
    public List<TierEntry>? Tiers { get; init; }
}

/// <summary>One tier as written: catalog ids and/or whole device kinds, and the chart's devices as <c>NAME[xN]</c>.</summary>
public sealed record TierEntry
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public int? MaxCount { get; init; }

    /// <summary>Default true.</summary>
    public bool? Accelerated { get; init; }

    /// <summary>Catalog device ids.</summary>
    public List<string>? Devices { get; init; }

    /// <summary>Device kinds (<c>gpu</c>, <c>unified</c>, <c>cpu</c>) whose every catalog device belongs to the tier.</summary>
    public List<string>? Kinds { get; init; }

    /// <summary>Devices with counts (<c>rtx-3090x2</c>) for the fit chart's rows.</summary>
    public List<string>? Chart { get; init; }
}
