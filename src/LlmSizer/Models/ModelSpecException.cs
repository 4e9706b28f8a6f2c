namespace LlmSizer.Models;

/// <summary>A model description is invalid; <see cref="Field"/> names the offending field as the source spells it.</summary>
public sealed class ModelSpecException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;

    public string Problem { get; } = message;
}
