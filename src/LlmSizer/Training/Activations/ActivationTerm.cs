namespace LlmSizer.Training.Activations;

/// <summary>
/// One line of an activation estimate: what is saved, how many bytes per GPU, the arithmetic with its numbers filled in, and
/// where the rule comes from.
/// </summary>
public sealed record ActivationTerm(string Name, long Bytes, string Formula, string Source);
