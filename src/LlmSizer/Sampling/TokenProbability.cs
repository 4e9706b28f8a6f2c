namespace LlmSizer.Sampling;

/// <summary>A token id and its probability (0–1) at some stage.</summary>
public readonly record struct TokenProbability(int Token, double Probability);
