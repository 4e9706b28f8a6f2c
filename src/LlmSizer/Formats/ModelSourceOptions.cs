using LlmSizer.Formats.HuggingFace;
using LlmSizer.Formats.Local;

namespace LlmSizer.Formats;

/// <summary>Where <see cref="ModelSource.Open"/> looks for remote and local models; defaults come from the environment.</summary>
public sealed record ModelSourceOptions
{
    public HubOptions? Hub { get; init; }

    /// <summary>Called as header bytes arrive from the Hub (for a progress display).</summary>
    public IProgress<HubTransfer>? HubProgress { get; init; }

    public LocalModelLocations? Locations { get; init; }
}
