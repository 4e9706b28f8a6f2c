using LlmSizer.Models;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>What a Hugging Face <c>config.json</c> says: the architecture, the checkpoint dtype if named, and notes on what was assumed or left out.</summary>
public sealed record HuggingFaceConfig(ModelSpec Spec, string? CheckpointDtype, IReadOnlyList<string> Notes);
