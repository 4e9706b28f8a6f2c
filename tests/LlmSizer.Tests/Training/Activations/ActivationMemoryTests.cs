using LlmSizer.Models;
using LlmSizer.Training.Activations;
using Xunit;

namespace LlmSizer.Tests.Training.Activations;

/// <summary>
/// The modern-block model of saved tensors (docs/training-activations.md), checked against hand arithmetic on a small
/// Llama-shaped spec. Every expected value below is written out from the rules the doc derives from transformers' modelling
/// code (RMSNorm fp32 upcast, LlamaMLP, eager attention, ForCausalLMLoss), FlashAttention's backward inputs, and
/// Korthikanti et al. 2022's tensor-parallel split.
/// </summary>
public sealed class ActivationMemoryTests
{
    /// <summary>h 64, 4 heads of d 16, 2 KV heads (GQA), gated MLP f 160, vocabulary 1000, 4 layers, RMSNorm.</summary>
    private static readonly ModelSpec Small = new()
    {
        Architecture = "llama", VocabSize = 1000, HiddenSize = 64, Layers = 4, AttentionHeads = 4, KeyValueHeads = 2,
        FfnSize = 160, MaxContextTokens = 4096,
    };

    // s = 32, b = 2: 64 tokens per micro-batch; bf16 activations (e = 2).
    private static readonly ActivationSettings Base = new() { SequenceTokens = 32, MicroBatch = 2 };
    private const long Tokens = 64, H = 64, D = 16, F = 160, V = 1000;

    // One layer, full fine-tune, FlashAttention, no recomputation:
    private const long Norms = 2 * Tokens * H * 4;              // 2 RMSNorm inputs in fp32 = 32768
    private const long AttentionInput = Tokens * H * 2;          // q/k/v projections' input = 8192
    private const long Qkv = Tokens * (4 + 2 * 2) * D * 2;       // Q (4 heads) + K, V (2 heads each) = 16384
    private const long Output = Tokens * 4 * D * 2;              // attention output = o_proj input = 8192
    private const long Logsumexp = Tokens * 4 * 4;               // fp32 per head and token = 1024
    private const long MlpInput = Tokens * H * 2;                // gate/up input = 8192
    private const long MlpIntermediates = 4 * Tokens * F * 2;    // gate out, SiLU out, up out, down input = 81920
    private const long Layer = Norms + AttentionInput + Qkv + Output + Logsumexp + MlpInput + MlpIntermediates; // 156672

    // Outside the layers:
    private const long Embedding = Tokens * H * 2;               // 8192
    private const long FinalNorm = Tokens * H * 4;               // 16384
    private const long LmHeadInput = Tokens * H * 2;             // 8192
    private const long Logits = Tokens * V * 2;                  // 128000
    private const long CrossEntropy = Tokens * V * (4 + 4);      // fp32 upcast + fp32 log-softmax = 512000

    private static long Term(ActivationEstimate estimate, string name) => estimate.Terms.Single(t => t.Name == name).Bytes;

    [Fact]
    public void Full_fine_tune_with_flash_attention_sums_the_hand_counted_tensors()
    {
        var estimate = ActivationMemory.Estimate(Small, Base);
        Assert.Equal(156_672, Layer);
        Assert.Equal(Layer, estimate.PerLayerBytes);
        Assert.Equal(4 * Layer + Embedding + FinalNorm + LmHeadInput + Logits + CrossEntropy, estimate.TotalBytes);
        Assert.Equal(1_299_456, estimate.TotalBytes);
        Assert.Equal(4 * MlpIntermediates, Term(estimate, "MLP: intermediates"));
        Assert.Equal("4 (gate, act, up, down input) × s·b 64 × f 160 × 2 B × 4 layers",
            estimate.Terms.Single(t => t.Name == "MLP: intermediates").Formula);
    }

    [Fact]
    public void Llama_3_1_8B_layer_is_sb_times_16h_plus_4_kv_d_plus_4a_plus_8f()
    {
        // Llama-3.1-8B config.json: h 4096, 32 layers, 32 heads, 8 KV heads, head_dim 128, intermediate 14336, vocab 128256.
        // s = 4096, b = 1, bf16, Flash: 4096 × (16·4096 + 4·8·128 + 4·32 + 8·14336) = 4096 × 184448 (docs/training-activations.md §2).
        var llama = new ModelSpec
        {
            Architecture = "llama", VocabSize = 128256, HiddenSize = 4096, Layers = 32, AttentionHeads = 32, KeyValueHeads = 8,
            FfnSize = 14336, MaxContextTokens = 131072,
        };
        var estimate = ActivationMemory.Estimate(llama, new ActivationSettings { SequenceTokens = 4096, MicroBatch = 1 });
        Assert.Equal(4096L * (16 * 4096 + 4 * 8 * 128 + 4 * 32 + 8 * 14336), estimate.PerLayerBytes);
        Assert.Equal(755_499_008, estimate.PerLayerBytes);
    }

    [Fact]
    public void Eager_attention_differs_from_flash_by_the_score_tensors_less_the_logsumexp()
    {
        // MHA (4 KV heads), so eager's repeat_kv copies nothing: the difference is only the attention core's own saves.
        var mha = Small with { KeyValueHeads = 4 };
        long flash = ActivationMemory.Estimate(mha, Base).TotalBytes;
        long eager = ActivationMemory.Estimate(mha, Base with { Attention = AttentionKernel.Eager }).TotalBytes;
        long scores = 2 * 4 * 32 * 32 * (4 + 2);   // b × a × s × s × (fp32 softmax + bf16 copy) = 49152 per layer
        Assert.Equal(4 * (scores - Logsumexp), eager - flash);
    }

    [Fact]
    public void Eager_attention_with_grouped_query_heads_also_saves_repeated_keys_and_values()
    {
        long flash = ActivationMemory.Estimate(Small, Base).TotalBytes;
        long eager = ActivationMemory.Estimate(Small, Base with { Attention = AttentionKernel.Eager }).TotalBytes;
        long scores = 2 * 4 * 32 * 32 * (4 + 2);
        long repeated = Tokens * 2 * (4 - 2) * D * 2;   // K and V grow from 2 to 4 heads
        Assert.Equal(4 * (scores + repeated - Logsumexp), eager - flash);
    }

    [Fact]
    public void Selective_recomputation_drops_only_the_attention_core()
    {
        long none = ActivationMemory.Estimate(Small, Base with { Attention = AttentionKernel.Eager }).TotalBytes;
        var selective = ActivationMemory.Estimate(Small, Base with { Attention = AttentionKernel.Eager, Recompute = Recomputation.Selective });
        long scores = 2 * 4 * 32 * 32 * (4 + 2);
        long repeated = Tokens * 2 * (4 - 2) * D * 2;
        Assert.Equal(4 * (scores + repeated), none - selective.TotalBytes);
        // With flash there is no s × s tensor: only the logsumexp goes (o_proj keeps the output in a full fine-tune).
        long flashSelective = ActivationMemory.Estimate(Small, Base with { Recompute = Recomputation.Selective }).TotalBytes;
        Assert.Equal(4 * Logsumexp, ActivationMemory.Estimate(Small, Base).TotalBytes - flashSelective);
    }

    [Fact]
    public void Tensor_parallelism_splits_heads_ffn_and_vocabulary_but_not_norm_and_projection_inputs()
    {
        var estimate = ActivationMemory.Estimate(Small, Base with { TensorParallel = 2 });
        long layer = Norms + AttentionInput + MlpInput            // replicated
            + Tokens * (2 + 2 * 1) * D * 2                          // Q (a/t = 2), K and V (kv/t = 1)
            + Tokens * 2 * D * 2 + Tokens * 2 * 4                   // output, logsumexp
            + 4 * Tokens * (F / 2) * 2;                             // MLP intermediates, f/t = 80
        Assert.Equal(layer, estimate.PerLayerBytes);
        Assert.Equal(4 * layer + Embedding + FinalNorm + LmHeadInput + Logits / 2 + CrossEntropy / 2, estimate.TotalBytes);
    }

    [Fact]
    public void Sequence_parallelism_also_splits_the_replicated_tensors()
    {
        var estimate = ActivationMemory.Estimate(Small, Base with { TensorParallel = 2, SequenceParallel = true });
        long layer = (Norms + AttentionInput + MlpInput) / 2
            + Tokens * (2 + 2 * 1) * D * 2 + Tokens * 2 * D * 2 + Tokens * 2 * 4 + 4 * Tokens * (F / 2) * 2;
        Assert.Equal(layer, estimate.PerLayerBytes);
        Assert.Equal(4 * layer + (Embedding + FinalNorm + LmHeadInput + Logits + CrossEntropy) / 2, estimate.TotalBytes);
    }

    [Fact]
    public void Full_recomputation_keeps_each_layer_input_and_one_layer_being_recomputed()
    {
        var estimate = ActivationMemory.Estimate(Small, Base with { Recompute = Recomputation.Full });
        Assert.Equal(4 * Tokens * H * 2, Term(estimate, "layer inputs (checkpoints)"));   // 4 layers × s·b·h × 2 B
        Assert.Equal(Layer, Term(estimate, "recomputed layer (one, transient)"));
        Assert.Equal(4 * Tokens * H * 2 + Layer + FinalNorm + LmHeadInput + Logits + CrossEntropy, estimate.TotalBytes);
    }

    [Fact]
    public void The_first_pipeline_stage_holds_its_layers_for_every_micro_batch_in_flight_and_no_logits()
    {
        // p = 2: ceil(4 / 2) = 2 layers; 1F1B with 2 micro-batches in flight; the loss lives on the last stage.
        var estimate = ActivationMemory.Estimate(Small, Base with { PipelineParallel = 2, MicroBatchesInFlight = 2 });
        Assert.Equal(2, estimate.LayersOnStage);
        Assert.Equal(2 * 2 * Layer + 2 * Embedding, estimate.TotalBytes);
        Assert.Contains(estimate.Notes, n => n.Contains("last pipeline stage", StringComparison.Ordinal));
    }

    [Fact]
    public void A_chunked_loss_keeps_the_fp32_copy_of_one_chunk_only()
    {
        long unchunked = ActivationMemory.Estimate(Small, Base).TotalBytes;
        long chunked = ActivationMemory.Estimate(Small, Base with { ChunkedLoss = true }).TotalBytes;
        long oneChunk = (Tokens / 8) * V * (4 + 4);   // torchtune's 8 chunks: 8 tokens × 1000 × 8 B = 64000
        Assert.Equal(CrossEntropy - oneChunk, unchunked - chunked);
    }

    [Fact]
    public void Fp32_training_has_no_separate_upcast_copies()
    {
        var estimate = ActivationMemory.Estimate(Small, Base with { ActivationBytes = 4, Attention = AttentionKernel.Eager });
        Assert.Equal(Tokens * V * 4, Term(estimate, "logits (lm_head output)"));
        Assert.Equal(Tokens * V * 4, Term(estimate, "cross-entropy (fp32 log-softmax)"));              // .float() is a no-op
        Assert.Equal(4 * (2L * 4 * 32 * 32 * 4), Term(estimate, "attention: scores (fp32 softmax + e-byte copy)")); // one fp32 copy
    }

    [Fact]
    public void Lora_on_q_and_v_drops_the_inputs_only_frozen_linears_would_save()
    {
        long full = ActivationMemory.Estimate(Small, Base).TotalBytes;
        var lora = ActivationMemory.Estimate(Small, Base with { TrainableLinears = new HashSet<string> { "q", "v" } });
        // Dropped per layer: the MLP input (gate and up frozen) and down's input (one of the four intermediates); the
        // attention input stays (q and v read it) and so does the output (FlashAttention keeps it). Outside: lm_head's input.
        long dropped = 4 * (MlpInput + Tokens * F * 2) + LmHeadInput;
        long added = 4 * (2 * Tokens * 8 * 2);   // two adapters per layer save lora_A's output: s·b × r 8 × 2 B
        Assert.Equal(full - dropped + added, lora.TotalBytes);
    }

    [Fact]
    public void Lora_with_eager_attention_and_frozen_o_proj_does_not_keep_the_attention_output()
    {
        var eager = Base with { Attention = AttentionKernel.Eager };
        long withO = ActivationMemory.Estimate(Small, eager with { TrainableLinears = new HashSet<string> { "q", "v", "o" } }).TotalBytes;
        long withoutO = ActivationMemory.Estimate(Small, eager with { TrainableLinears = new HashSet<string> { "q", "v" } }).TotalBytes;
        Assert.Equal(4 * (Output + Tokens * 8 * 2), withO - withoutO);   // o_proj's input plus its adapter's intermediate
    }

    [Fact]
    public void A_moe_layer_saves_router_probabilities_and_k_routed_passes_through_the_experts()
    {
        var moe = Small with { Moe = new MoeSpec { RoutedExperts = 8, ExpertsPerToken = 2, ExpertFfnSize = 48, SharedExperts = 1 } };
        var estimate = ActivationMemory.Estimate(moe, Base);
        Assert.Equal(4 * Tokens * 8 * 4, Term(estimate, "MoE: router probabilities (fp32)"));                 // fp32 softmax over 8 experts
        Assert.Equal(4 * 2 * 2 * Tokens * H * 2, Term(estimate, "MoE: routed token inputs and weighted outputs")); // gathered copy + weighted output, k = 2
        Assert.Equal(4 * 4 * 2 * Tokens * 48 * 2, Term(estimate, "MoE: routed expert intermediates"));        // 4 tensors × k 2 × f_e 48
        Assert.Equal(4 * 4 * 1 * Tokens * 48 * 2, Term(estimate, "MoE: shared expert intermediates"));
        long layer = Norms + AttentionInput + Qkv + Output + Logsumexp + MlpInput
            + Tokens * 8 * 4 + 2 * 2 * Tokens * H * 2 + 4 * 2 * Tokens * 48 * 2 + 4 * Tokens * 48 * 2;
        Assert.Equal(layer, estimate.PerLayerBytes);
    }

    [Fact]
    public void Latent_attention_saves_the_normed_latents_and_per_head_nope_plus_rope_tensors()
    {
        var mla = Small with { KeyValueHeads = null, Mla = new MlaSpec { QLoraRank = 24, KvLoraRank = 16, QkNopeHeadDim = 8, QkRopeHeadDim = 4, VHeadDim = 8 } };
        var estimate = ActivationMemory.Estimate(mla, Base);
        Assert.Equal(4 * Tokens * (24 + 16) * 4, Term(estimate, "MLA: latent norm inputs (fp32)"));
        Assert.Equal(4 * Tokens * (24 + 16) * 2, Term(estimate, "MLA: normed latents (up-projection inputs)"));
        Assert.Equal(4 * Tokens * 4 * (2 * 12 + 8) * 2, Term(estimate, "attention: Q, K, V"));   // Q, K of 8 + 4, V of 8
        Assert.Equal(4 * Tokens * 4 * 8 * 2, Term(estimate, "attention: output"));
    }

    [Fact]
    public void More_tokens_or_a_bigger_micro_batch_never_needs_less()
    {
        foreach (var settings in new[] { Base, Base with { Recompute = Recomputation.Full }, Base with { Attention = AttentionKernel.Eager, TensorParallel = 4, SequenceParallel = true } })
        {
            long previous = 0;
            foreach (int s in new[] { 1, 2, 7, 32, 100, 1000, 4096 })
            {
                long bytes = ActivationMemory.Estimate(Small, settings with { SequenceTokens = s }).TotalBytes;
                Assert.True(bytes >= previous, $"s = {s}: {bytes} < {previous}");
                Assert.True(ActivationMemory.Estimate(Small, settings with { SequenceTokens = s, MicroBatch = 3 }).TotalBytes >= bytes);
                previous = bytes;
            }
        }
    }
}
