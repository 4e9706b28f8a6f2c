namespace LlmSizer.Training.Activations;

/// <summary>One group of tensors one layer saves for the backward pass, per GPU and micro-batch; summed into an <see cref="ActivationTerm"/>.</summary>
internal sealed record SavedTensor(string Term, long Bytes, string Formula, string Source);
