using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Inference.LlamaCpp;
using LlmSizer.Inference.Transformers;
using LlmSizer.Inference.Vllm;
using LlmSizer.Models;
using LlmSizer.Precision;

namespace LlmSizer.Inference;

/// <summary>
/// Inference memory of any opened model on one engine: picks the weights (the file's own tensors when they are in the
/// engine's format and no other type was asked for, else the tensors predicted for the asked or default type) and
/// hands them to the engine's profile.
/// </summary>
public static class InferenceEstimator
{
    /// <summary>What llama.cpp users download most (Ollama's default tag quantization).</summary>
    public const string LlamaCppDefaultWeights = "Q4_K_M";

    public static MemoryEstimate Estimate(ModelSource source, InferenceOptions options)
    {
        try
        {
            return EstimateChecked(source, options);
        }
        catch (OverflowException)
        {
            throw SizeLimit.Exceeded($"{source.Model.Id} on {options.Engine}");
        }
    }

    private static MemoryEstimate EstimateChecked(ModelSource source, InferenceOptions options)
    {
        var spec = source.Model.Spec ?? throw new UsageException(
            $"{source.Model.Id}: its architecture is not one LlmSizer maps, so memory beyond the weights cannot be estimated; 'llmsizer inspect' still counts its tensors");
        if (options.ContextTokens is <= 0)
            throw new UsageException($"--context: expected a positive number of tokens, found {options.ContextTokens}");
        if (options.Sequences <= 0)
            throw new UsageException($"--batch: expected a positive number of sequences, found {options.Sequences}");
        if (options.TensorParallel <= 0)
            throw new UsageException($"--tp: expected a positive number of GPUs, found {options.TensorParallel}");

        var (weights, weightsNote) = Weights(source, spec, options);
        var estimate = options.Engine switch
        {
            InferenceEngine.LlamaCpp => LlamaCppProfile.Estimate(spec, weights, options),
            InferenceEngine.Vllm => VllmProfile.Estimate(spec, weights, options),
            _ => TransformersProfile.Estimate(spec, weights, options),
        };
        var notes = new List<string> { weightsNote };
        if (spec.MaxContextTokens > 0 && estimate.ContextTokens > spec.MaxContextTokens)
            notes.Add($"context {estimate.ContextTokens} is beyond the {spec.MaxContextTokens} tokens the model was trained for; quality past it is not assured");
        // Totals are sums read later; summing here makes one that passes 64 bits fail inside the size check.
        _ = estimate.TotalBytes;
        return estimate with { Notes = [.. notes, .. estimate.Notes] };
    }

    /// <summary>The weights the engine would load, and a sentence saying where they came from.</summary>
    public static (TensorInventory Weights, string Note) Weights(ModelSource source, ModelSpec spec, InferenceOptions options)
    {
        bool gguf = options.Engine == InferenceEngine.LlamaCpp;
        string wantedFormat = gguf ? "gguf" : "safetensors";
        var container = gguf ? WeightsContainer.Gguf : WeightsContainer.Safetensors;
        if (options.WeightsType is { } asked)
            return (WeightsPrediction.Predict(spec, asked, container), $"weights: {asked}, tensor by tensor as {(gguf ? "llama.cpp's quantizer" : "the quantizer")} stores them");
        if (source.Inventory is { } inventory && inventory.Format == wantedFormat)
            return (inventory, $"weights: the {inventory.Format} file's own tensors ({inventory.BitsPerWeight:0.00} bits per weight)");
        string type = gguf ? LlamaCppDefaultWeights : DefaultHfType(source);
        return (WeightsPrediction.Predict(spec, type, container),
            $"weights: {type} assumed (no --weights given{(source.Inventory is null ? "" : $" and the {source.Inventory.Format} file is not what this engine loads")}); pass --weights to choose");
    }

    /// <summary>
    /// The name of the weights <see cref="Weights"/> picks: the asked type's canonical name (<c>Q4_K_M</c>, <c>GPTQ-INT4-G128</c>),
    /// <c>file</c> for a weights file's own tensors, or the engine's default type.
    /// </summary>
    public static string WeightsName(ModelSource source, InferenceOptions options)
    {
        bool gguf = options.Engine == InferenceEngine.LlamaCpp;
        if (options.WeightsType is { } asked)
            return WeightsPrediction.Resolve(asked, gguf ? WeightsContainer.Gguf : WeightsContainer.Safetensors).Name;
        if (source.Inventory is { } inventory && inventory.Format == (gguf ? "gguf" : "safetensors"))
            return "file";
        return gguf ? LlamaCppDefaultWeights : DefaultHfType(source);
    }

    private static string DefaultHfType(ModelSource source) => source.Model.CheckpointDtype switch
    {
        "float16" => "FP16",
        "float32" => "FP32",
        _ => "BF16",
    };
}
