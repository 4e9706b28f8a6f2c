namespace LlmSizer.Training;

/// <summary>What is trained.</summary>
public enum TrainingMethod
{
    /// <summary>Every parameter is trainable.</summary>
    Full,
    /// <summary>LoRA: the base model is frozen in 16 bits; low-rank adapters on the target modules train.</summary>
    Lora,
    /// <summary>QLoRA: the base model's linear layers are frozen in NF4 with double quantization; adapters train.</summary>
    Qlora,
}
