using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;
using LlmSizer.Tests.Formats.Gguf;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Precision;

/// <summary>
/// llama.cpp's tensor layout predicted from an architecture: it must hold exactly the parameters the counter counts, and
/// match, tensor for tensor, what the project's GGUF fixtures (llama.cpp's tensor tables, src/llama-model.cpp) lay out.
/// </summary>
public class GgufLayoutTests
{
    public static TheoryData<string> CatalogEntriesWithALayout()
    {
        var data = new TheoryData<string>();
        foreach (var e in ModelCatalog.Entries.Where(e => GgufLayout.Supports(e.Spec)))
            data.Add(e.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(CatalogEntriesWithALayout))]
    public void The_layout_holds_exactly_the_parameters_the_counter_counts(string id)
    {
        var spec = ModelCatalog.Find(id)!.Spec;
        long elements = GgufLayout.Tensors(spec).Sum(t => t.Elements);
        long counted = ParameterCounter.Count(spec).Total;
        // GPT-2's converter writes its tied head a second time as output.weight (vocab × hidden more values); documented.
        long expected = spec.Architecture == "gpt2" ? counted + spec.VocabSize * spec.HiddenSize : counted;
        Assert.Equal(expected, elements);
    }

    [Fact]
    public void Every_mapped_family_of_the_catalog_has_a_layout()
    {
        var families = ModelCatalog.Entries.Where(e => GgufLayout.Supports(e.Spec)).Select(e => e.Spec.Architecture).Distinct().ToHashSet();
        foreach (string arch in new[] { "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma2", "gemma3_text",
                     "phi3", "deepseek_v2", "deepseek_v3", "gpt_oss", "gpt2", "falcon" })
            Assert.Contains(arch, families);
    }

    /// <summary>The fixtures of GgufModels (real models' shapes, as the project's GGUF reader tests write them).</summary>
    public static TheoryData<string> Fixtures => new()
    {
        nameof(GgufModels.Llama31_8B), nameof(GgufModels.Mistral7B), nameof(GgufModels.Mixtral8x7B), nameof(GgufModels.Qwen25_05B),
        nameof(GgufModels.Qwen15MoeA27B), nameof(GgufModels.Qwen3_06B), nameof(GgufModels.Qwen3_30B_A3B), nameof(GgufModels.Gemma2_2B),
        nameof(GgufModels.Gemma3_1B), nameof(GgufModels.Phi3Mini128k), nameof(GgufModels.DeepSeekV3), nameof(GgufModels.GptOss20B),
        nameof(GgufModels.Gpt2), nameof(GgufModels.Falcon7B), nameof(GgufModels.Qwen3Next80B), nameof(GgufModels.GraniteHTiny),
        nameof(GgufModels.Lfm2_12B),
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_layout_of_the_spec_read_from_a_gguf_is_that_file_tensor_for_tensor(string fixture)
    {
        var gguf = GgufArchitectureTests.Open(GgufModels.Writer(GgufArchitectureTests.Shape(fixture)));
        var expected = gguf.Inventory.Tensors
            .Where(t => t.Role != TensorRole.Buffer) // rope_freqs / LongRoPE factors: computed from the config, not modelled
            .Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal).ToList();

        var predicted = GgufLayout.Tensors(gguf.Spec!)
            .Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, predicted);
    }

    [Fact]
    public void DeepSeek_v3_latent_attention_is_split_per_head_into_k_b_and_v_b()
    {
        var spec = ModelCatalog.Find("deepseek-v3")!.Spec;
        var blk = GgufLayout.Tensors(spec).Where(t => t.Layer == 3).ToDictionary(t => t.Name);

        // kv_b_proj [128 × (128 + 128), 512] becomes k_b [heads 128, kv_lora 512, nope 128] (transposed) and v_b [128, v 128, 512].
        Assert.Equal([128L, 512, 128], blk["blk.3.attn_k_b.weight"].Shape);
        Assert.Equal([128L, 128, 512], blk["blk.3.attn_v_b.weight"].Shape);
        Assert.Equal(3, blk["blk.3.attn_k_b.weight"].Dimensions);
        Assert.Equal(128, blk["blk.3.attn_k_b.weight"].RowLength);
        Assert.DoesNotContain("blk.3.attn_kv_b.weight", blk.Keys);
        Assert.Equal([256L, 2048, 7168], blk["blk.3.ffn_gate_exps.weight"].Shape);
        Assert.Equal([7168L, 2048], blk["blk.3.ffn_down_shexp.weight"].Shape);
        Assert.Equal(GgufTensorRole.Bias, blk["blk.3.exp_probs_b.bias"].Role);
        // The three leading layers are dense.
        Assert.Contains(GgufLayout.Tensors(spec), t => t.Name == "blk.2.ffn_down.weight" && t.Shape.SequenceEqual([7168L, 18432]));
    }

    [Fact]
    public void Gpt_oss_keeps_its_sinks_router_bias_and_expert_biases()
    {
        var blk = GgufLayout.Tensors(ModelCatalog.Find("gpt-oss-20b")!.Spec).Where(t => t.Layer == 0).ToDictionary(t => t.Name, t => t.Shape);

        Assert.Equal([64L], blk["blk.0.attn_sinks.weight"]);
        Assert.Equal([32L], blk["blk.0.ffn_gate_inp.bias"]);
        Assert.Equal([32L, 2880], blk["blk.0.ffn_up_exps.bias"]);
        Assert.Equal([32L, 2880, 2880], blk["blk.0.ffn_down_exps.weight"]);
        Assert.Contains("blk.0.post_attention_norm.weight", blk.Keys);
        Assert.DoesNotContain("blk.0.ffn_norm.weight", blk.Keys);
    }

    [Fact]
    public void Phi_3_fuses_qkv_and_gate_up_and_gemma_3_has_four_norms_and_qk_norms()
    {
        var phi = GgufLayout.Tensors(ModelCatalog.Find("phi-3-mini")!.Spec).Where(t => t.Layer == 0).ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal([9216L, 3072], phi["blk.0.attn_qkv.weight"]); // q 3072 + k 3072 + v 3072
        Assert.Equal([16384L, 3072], phi["blk.0.ffn_up.weight"]);  // gate and up, 2 × 8192
        Assert.DoesNotContain("blk.0.ffn_gate.weight", phi.Keys);

        var gemma = GgufLayout.Tensors(ModelCatalog.Find("gemma-3-1b")!.Spec).ToList();
        Assert.Equal(["attn_k_norm", "attn_norm", "attn_q_norm", "ffn_norm", "post_attention_norm", "post_ffw_norm"],
            gemma.Where(t => t.Layer == 0 && t.Role == GgufTensorRole.Norm).Select(t => t.Name[6..^7]).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(gemma, t => t.Name == "output.weight"); // tied
    }

    [Fact]
    public void An_architecture_without_a_modelled_layout_is_a_usage_error()
    {
        var e = Assert.Throws<UsageException>(() => GgufLayout.Tensors(ModelCatalog.Find("opt-125m")!.Spec));
        Assert.Contains("\"opt\"", e.Message);
        Assert.Contains("llama", e.Message);
    }

    [Fact]
    public void Falcon_files_from_2023_store_the_tied_head_when_asked()
    {
        var spec = ModelCatalog.Find("falcon-7b")!.Spec;
        Assert.DoesNotContain(GgufLayout.Tensors(spec), t => t.Name == "output.weight");
        var stored = GgufLayout.Tensors(spec, new GgufLayoutOptions { StoreTiedOutput = true });
        Assert.Contains(stored, t => t.Name == "output.weight" && t.Shape.SequenceEqual([65024L, 4544]));
    }

    [Fact]
    public void A_gguf_file_is_its_header_its_tensor_infos_padded_to_32_and_each_tensor_padded_to_32()
    {
        var inventory = new TensorInventory("gguf",
        [
            new TensorInfo("a.weight", [3], "F32", 3, 3, 12, TensorRole.Weight, ParameterCategory.Other),
            new TensorInfo("bb.weight", [32, 64], "Q8_0", 2048, 2048, 2176, TensorRole.Weight, ParameterCategory.Other),
        ]);
        // Tensor infos: (8 + 8 name + 4 + 1 × 8 + 4 + 8) = 40 and (8 + 9 + 4 + 2 × 8 + 4 + 8) = 49.
        Assert.Equal(89, GgufLayout.TensorInfoBytes(inventory));
        // Data: 12 → 32, 2,176 → 2,176 (already a multiple of 32).
        Assert.Equal(2208, GgufLayout.DataBytes(inventory));
        // 24 + 100 metadata + 89 = 213 → 224, plus 2,208.
        Assert.Equal(2432, GgufLayout.FileBytes(inventory, metadataBytes: 100));
    }
}
