using LlmSizer.Errors;
using LlmSizer.Models;
using static System.FormattableString;

namespace LlmSizer.Training.Activations;

/// <summary>
/// Activation memory during training, in closed form: the tensors the forward pass saves for the backward pass, per GPU, on
/// the first pipeline stage at the end of the forward pass. docs/training-activations.md states the model and its sources.
/// </summary>
public static class ActivationMemory
{
    private const string KorthikantiSource = "Korthikanti et al. 2022 (arXiv 2205.05198) Table 2";

    /// <summary>
    /// Activation bytes per GPU for <paramref name="spec"/> trained with <paramref name="settings"/>: the first (most loaded)
    /// pipeline stage, ceil(layers / p) layers × the micro-batches in flight, plus the embedding output and, when the stage is
    /// also the last (p = 1), the final norm, logits and loss.
    /// </summary>
    /// <exception cref="UsageException">A setting is out of range for this model.</exception>
    public static ActivationEstimate Estimate(ModelSpec spec, ActivationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(spec, settings);
        var x = new ActivationShape(settings);
        int layers = (int)ActivationShape.CeilDiv(spec.Layers, settings.PipelineParallel);
        int inFlight = settings.MicroBatchesInFlight;
        var terms = new List<ActivationTerm>();
        var notes = new List<string>();

        var kept = Enumerable.Range(0, layers)
            .Select(l => LayerActivations.Saved(spec, l, x, settings.Recompute == Recomputation.Full ? Recomputation.None : settings.Recompute))
            .ToList();
        long perLayer;
        if (settings.Recompute == Recomputation.Full)
        {
            var checkpoint = x.Replicated("layer inputs (checkpoints)", Invariant($"{x.TokensText} × h {spec.HiddenSize}"),
                checked(x.Tokens * spec.HiddenSize), x.Bytes, "full recomputation keeps each layer's input; " + KorthikantiSource + " (2sbh)");
            terms.Add(Times(checkpoint, layers, inFlight));
            int largest = Enumerable.Range(0, layers).MaxBy(l => Sum(kept[l]));
            terms.Add(new ActivationTerm("recomputed layer (one, transient)", Sum(kept[largest]),
                Invariant($"layer {largest}'s saved tensors without recomputation, one micro-batch: ") + string.Join(" + ", kept[largest].Select(t => t.Bytes)),
                "the layer being recomputed in the backward pass holds its full activations"));
            perLayer = checkpoint.Bytes;
        }
        else
        {
            terms.AddRange(Aggregate(kept, inFlight));
            perLayer = kept.Max(Sum);
            if (settings.Recompute == Recomputation.Selective && settings.Attention == AttentionKernel.Flash)
                notes.Add("Selective recomputation with FlashAttention drops only the fp32 logsumexp (and the kernel's own copy of its output when o_proj does not keep it): FlashAttention saves no s × s tensor to drop.");
        }

        if (settings.Recompute != Recomputation.Full)
            terms.Add(Times(x.Replicated("embedding output", Invariant($"{x.TokensText} × h {spec.HiddenSize}"), checked(x.Tokens * spec.HiddenSize), x.Bytes,
                "Megatron theoretical_memory_usage and llm-analysis count the embedding output"), 1, inFlight));

        var head = HeadTerms(spec, x);
        if (settings.PipelineParallel == 1)
            terms.AddRange(head);
        else
            notes.Add(Invariant($"The final norm, logits and loss ({head.Sum(t => t.Bytes)} bytes per micro-batch) live on the last pipeline stage; the first stage is reported because 1F1B keeps the most micro-batches in flight there."));

        AddNotes(spec, settings, notes);
        return new ActivationEstimate(terms, notes) { PerLayerBytes = perLayer, LayersOnStage = layers };
    }

    /// <summary>
    /// Bytes per layer of Korthikanti et al.'s GPT layer (16-bit activations, 1-byte dropout masks, GELU MLP with f = 4h,
    /// LayerNorm), Table 2: sbh(34 + 5as/h) unsplit; sbh(10 + 24/t + 5as/(ht)) with tensor parallelism; sbh(34/t + 5as/(ht))
    /// with sequence parallelism; selective recomputation drops the 5as/h term; full recomputation keeps 2sbh. Rounded down
    /// when t does not divide the sizes.
    /// </summary>
    public static long KorthikantiLayerBytes(long s, long b, long h, long a, int t, bool sequenceParallel, Recomputation r)
    {
        RequirePositive(s, "s (sequence tokens)");
        RequirePositive(b, "b (micro-batch)");
        RequirePositive(h, "h (hidden size)");
        RequirePositive(a, "a (attention heads)");
        RequirePositive(t, "t (tensor parallel)");
        checked
        {
            long sbh = s * b * h;
            long scores = 5 * a * s * s * b;   // sbh · 5as/h
            return r switch
            {
                Recomputation.Full => 2 * sbh,
                Recomputation.Selective => sequenceParallel ? 34 * sbh / t : 10 * sbh + 24 * sbh / t,
                _ => sequenceParallel ? (34 * sbh + scores) / t : 10 * sbh + (24 * sbh + scores) / t,
            };
        }
    }

    /// <summary>Final norm, lm_head input, logits and the cross-entropy's fp32 tensors (vocabulary split by t).</summary>
    private static List<ActivationTerm> HeadTerms(ModelSpec spec, ActivationShape x)
    {
        var terms = new List<ActivationTerm>();
        long h = spec.HiddenSize;
        if (spec.FinalNorm)
            terms.Add(Single(x.Replicated("final norm input (fp32)", Invariant($"{x.TokensText} × h {h}"), checked(x.Tokens * h), 4,
                "transformers RMSNorm upcasts its input to fp32")));
        if (x.Trains("lm_head"))
            terms.Add(Single(x.Replicated("lm_head input", Invariant($"{x.TokensText} × h {h}"), checked(x.Tokens * h), x.Bytes,
                "a linear saves its input when its weight or an adapter trains")));
        if (x.Adapted("lm_head"))
            terms.Add(Single(x.Replicated("LoRA: lm_head rank-r intermediate", Invariant($"{x.TokensText} × r {x.Settings.LoraRank}"),
                checked(x.Tokens * x.Settings.LoraRank), x.Bytes, "PEFT LoRA: lora_B saves lora_A's output")));

        var (v, vText) = x.PerRank("V", spec.VocabSize);
        terms.Add(Single(x.Whole("logits (lm_head output)", Invariant($"{x.TokensText} × {vText}"), checked(x.Tokens * v), x.Bytes,
            "the model output keeps the logits until the loss backward")));
        // transformers' loss upcasts the logits to fp32 (a no-op for fp32 training) and log_softmax saves its fp32 output; a
        // chunked loss does this for one chunk of tokens at a time.
        int bytes = x.Bytes == 4 ? 4 : 8;
        string what = x.Bytes == 4 ? "fp32 log-softmax" : "fp32 upcast + fp32 log-softmax";
        if (x.Settings.ChunkedLoss)
        {
            long chunkTokens = ActivationShape.CeilDiv(x.Tokens, x.Settings.LossChunks);
            terms.Add(Single(x.Whole("cross-entropy, one chunk (" + what + ")", Invariant($"s·b/{x.Settings.LossChunks} chunks {chunkTokens} × {vText}"),
                checked(chunkTokens * v), bytes, "torchtune CEWithChunkedOutputLoss upcasts one chunk of tokens at a time (8 chunks)")));
        }
        else
            terms.Add(Single(x.Whole("cross-entropy (" + what + ")", Invariant($"{x.TokensText} × {vText}"), checked(x.Tokens * v), bytes,
                "transformers ForCausalLMLoss: logits.float(), then cross_entropy (log_softmax saves its output)")));
        return terms;
    }

    private static ActivationTerm Single(SavedTensor t) => new(t.Term, t.Bytes, t.Formula, t.Source);

    private static ActivationTerm Times(SavedTensor t, int layers, int microBatches) =>
        new(t.Term, checked(t.Bytes * layers * microBatches), t.Formula + Multipliers(layers, microBatches, "layers"), t.Source);

    private static string Multipliers(int layers, int microBatches, string unit) =>
        (layers > 1 ? Invariant($" × {layers} {unit}") : "") + (microBatches > 1 ? Invariant($" × {microBatches} micro-batches in flight") : "");

    /// <summary>Sums each term over the stage's layers; layers that save the same bytes share one "× n layers" formula.</summary>
    private static IEnumerable<ActivationTerm> Aggregate(List<List<SavedTensor>> kept, int microBatches)
    {
        var all = kept.SelectMany(layer => layer).ToList();
        foreach (var name in all.Select(t => t.Term).Distinct())
        {
            var groups = all.Where(t => t.Term == name).GroupBy(t => (t.Formula, t.Bytes)).ToList();
            long bytes = checked(groups.Sum(g => g.Key.Bytes * g.Count()) * microBatches);
            string formula = groups.Count == 1
                ? groups[0].Key.Formula + Multipliers(groups[0].Count(), microBatches, "layers")
                : string.Join(" + ", groups.Select(g => Invariant($"[{g.Key.Formula}] × {g.Count()} layers"))) + Multipliers(1, microBatches, "layers");
            yield return new ActivationTerm(name, bytes, formula, groups[0].First().Source);
        }
    }

    private static long Sum(List<SavedTensor> layer) => layer.Aggregate(0L, (sum, t) => checked(sum + t.Bytes));

    private static void AddNotes(ModelSpec spec, ActivationSettings settings, List<string> notes)
    {
        if (spec.SlidingWindow is not null)
            notes.Add("Sliding-window layers save the same tensors as global ones in training: FlashAttention keeps Q, K, V and the output for every token, and the eager path materialises the full masked s × s scores.");
        if (settings.Attention == AttentionKernel.Eager && settings.Recompute == Recomputation.None && spec.Mla is null && spec.EffectiveKeyValueHeads != spec.AttentionHeads)
            notes.Add("Eager attention saves K and V repeated up to the query heads (transformers' repeat_kv copies them before the matmuls).");
        if (spec.Recurrent is { } r && r.Count(LayerMixer.Recurrent) > 0)
            notes.Add("Recurrent layers are approximated by their projection outputs and inner-width tensors; the scan kernel's own saved states are not counted.");
        if (spec.Moe is not null)
            notes.Add("MoE: dropless top-k routing (every token visits exactly k experts, no capacity padding); expert parallelism is not modelled.");
        if (settings.TrainableLinears is not null)
            notes.Add("LoRA: lora_dropout 0 assumed (PEFT and torchtune default); with dropout each adapted linear also saves a dropped copy of its input.");
        if (settings.Recompute == Recomputation.Full)
            notes.Add("Full recomputation: the embedding output is layer 0's checkpoint, so it is not counted again.");
    }

    private static void Validate(ModelSpec spec, ActivationSettings s)
    {
        RequirePositive(s.SequenceTokens, "SequenceTokens (tokens per sequence)");
        RequirePositive(s.MicroBatch, "MicroBatch (sequences per micro-batch)");
        RequirePositive(s.TensorParallel, "TensorParallel");
        RequirePositive(s.PipelineParallel, "PipelineParallel");
        RequirePositive(s.LossChunks, "LossChunks");
        RequirePositive(s.LoraRank, "LoraRank");
        if (s.ActivationBytes is not (2 or 4))
            throw new UsageException(Invariant($"ActivationBytes: expected 2 (bf16/fp16) or 4 (fp32), got {s.ActivationBytes}"));
        if (spec.AttentionHeads % s.TensorParallel != 0)
            throw new UsageException(Invariant($"TensorParallel: {s.TensorParallel} does not divide the model's {spec.AttentionHeads} attention heads"));
        if (s.PipelineParallel > spec.Layers)
            throw new UsageException(Invariant($"PipelineParallel: {s.PipelineParallel} stages exceed the model's {spec.Layers} layers"));
        if (s.MicroBatchesInFlight < 1 || s.MicroBatchesInFlight > s.PipelineParallel)
            throw new UsageException(Invariant($"MicroBatchesInFlight: expected 1 to {s.PipelineParallel} (1F1B keeps at most p micro-batches on the first stage), got {s.MicroBatchesInFlight}"));
        if (s.TrainableLinears is { } set && set.FirstOrDefault(n => !ActivationSettings.LinearNames.Contains(n)) is { } unknown)
            throw new UsageException($"TrainableLinears: unknown linear '{unknown}', expected some of {string.Join(", ", ActivationSettings.LinearNames)}");
    }

    private static void RequirePositive(long value, string name)
    {
        if (value <= 0)
            throw new UsageException(Invariant($"{name}: expected a positive integer, got {value}"));
    }
}
