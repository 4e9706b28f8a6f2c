using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;
using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Precision;

/// <summary>
/// The type llama-quantize gives each tensor. Expected types come from llama.cpp's own type-selection snapshots
/// (ggml-org/llama.cpp tests/snapshots/*.schema: per mix, every tensor whose type differs from the mix's default) where
/// those apply, and from src/llama-quant.cpp's rules otherwise.
/// </summary>
public class GgufQuantizerTests
{
    private static ModelSpec Catalog(string id) => ModelCatalog.Find(id)!.Spec;

    /// <summary>llama.cpp's snapshot harness lays out output.weight even for tied models, so its Qwen3-0.6B is untied.</summary>
    private static ModelSpec Qwen3_06B_AsTheSnapshotLaysItOut => Catalog("qwen3-0.6b") with { TiedEmbeddings = false };

    /// <summary>Every tensor whose type differs from the mix's default, as "name type" lines (the snapshots' form).</summary>
    private static List<string> Upgrades(ModelSpec spec, string mix, GgufQuantOptions? options = null)
    {
        var m = GgufQuantMix.Find(mix)!;
        return GgufQuantizer.Assign(spec, m, options)
            .Where(t => t.Type != m.DefaultType && !t.Rule.StartsWith("not quantized", StringComparison.Ordinal))
            .Select(t => $"{t.Tensor.Name} {t.Type.Name}").Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Layers(IEnumerable<int> layers, string tensor, string type) =>
        layers.Select(i => $"blk.{i}.{tensor}.weight {type}");

    private static List<string> Sorted(params IEnumerable<string>[] parts) => parts.SelectMany(p => p).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Types_do_not_depend_on_the_order_the_layout_lists_tensors_in()
    {
        // llama.cpp visits tensors by (block, name) and its attn_v / ffn_down counters follow that order; the quantizer
        // must reproduce it whatever order it is handed, so a shuffled layout gives the same types as the layout itself.
        var random = new Random(20261123);
        foreach (var entry in ModelCatalog.Entries.Where(e => GgufLayout.Supports(e.Spec)))
        {
            var layout = GgufLayout.Tensors(entry.Spec);
            var shuffled = layout.OrderBy(_ => random.Next()).ToList();
            foreach (var mix in GgufQuantMix.All.Where(m => m.IsQuantized))
            {
                Dictionary<string, string> Types(IReadOnlyList<GgufLayoutTensor> tensors)
                {
                    try
                    {
                        return GgufQuantizer.Assign(entry.Spec, tensors, mix).ToDictionary(t => t.Tensor.Name, t => $"{t.Type.Name} ({t.Rule})");
                    }
                    catch (UsageException e)
                    {
                        return new() { ["error"] = e.Message };
                    }
                }
                Assert.Equal(Types(layout), Types(shuffled));
            }
        }
    }

    [Fact]
    public void Qwen3_0_6b_Q4_K_M_gives_attn_v_and_ffn_down_Q6_K_in_the_use_more_bits_layers()
    {
        // tests/snapshots/qwen3-0.6b.schema [Q4_K_M]: 28 layers; the first 3, the last 4 (from 7·28/8 = 24) and every
        // third layer between (5, 8, …, 23) get Q6_K; output Q6_K.
        int[] layers = [0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27];
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(layers, "attn_v", "Q6_K"), Layers(layers, "ffn_down", "Q6_K")),
            Upgrades(Qwen3_06B_AsTheSnapshotLaysItOut, "Q4_K_M"));
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(layers, "attn_v", "Q6_K"), Layers(layers, "ffn_down", "Q6_K")),
            Upgrades(Qwen3_06B_AsTheSnapshotLaysItOut, "Q5_K_M"));
    }

    [Fact]
    public void Qwen3_0_6b_Q4_K_S_Q3_K_M_Q3_K_L_and_Q2_K_upgrade_as_llama_cpp_does()
    {
        var spec = Qwen3_06B_AsTheSnapshotLaysItOut;
        var all = Enumerable.Range(0, 28).ToArray();
        // [Q4_K_S]: attn_v in the first 4 layers and ffn_down in the first 28/8 = 3 in Q5_K.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers([0, 1, 2, 3], "attn_v", "Q5_K"), Layers([0, 1, 2], "ffn_down", "Q5_K")),
            Upgrades(spec, "Q4_K_S"));
        // [Q3_K_M]: attn_v Q5_K in layers 0-1 then Q4_K; ffn_down Q5_K in the first 28/16 = 1 layer then Q4_K; attn_output Q4_K.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers([0, 1], "attn_v", "Q5_K"), Layers(all[2..], "attn_v", "Q4_K"),
                Layers([0], "ffn_down", "Q5_K"), Layers(all[1..], "ffn_down", "Q4_K"), Layers(all, "attn_output", "Q4_K")),
            Upgrades(spec, "Q3_K_M"));
        // [Q3_K_L]: attn_v, attn_output, ffn_down all Q5_K.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(all, "attn_v", "Q5_K"), Layers(all, "attn_output", "Q5_K"), Layers(all, "ffn_down", "Q5_K")),
            Upgrades(spec, "Q3_K_L"));
        // [Q2_K]: GQA 16/8 = 2 < 4, so attn_v Q3_K; attn_output and ffn_down Q3_K.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(all, "attn_v", "Q3_K"), Layers(all, "attn_output", "Q3_K"), Layers(all, "ffn_down", "Q3_K")),
            Upgrades(spec, "Q2_K"));
        // [Q3_K_S], [Q5_K_S]: only the output.
        Assert.Equal(["output.weight Q6_K"], Upgrades(spec, "Q3_K_S"));
        Assert.Equal(["output.weight Q6_K"], Upgrades(spec, "Q5_K_S"));
        // [Q8_0], [Q6_K]: nothing changes; [Q4_0] and friends: only the output, in Q6_K.
        Assert.Empty(Upgrades(spec, "Q8_0"));
        Assert.Empty(Upgrades(spec, "Q6_K"));
        Assert.Equal(["output.weight Q6_K"], Upgrades(spec, "Q4_0"));
        Assert.Equal(["output.weight Q6_K"], Upgrades(spec, "Q5_1"));
    }

    [Fact]
    public void Qwen3_0_6b_i_quants_protect_attn_v_token_embd_and_the_first_ffn_down_layers()
    {
        var spec = Qwen3_06B_AsTheSnapshotLaysItOut;
        var all = Enumerable.Range(0, 28).ToArray();
        // [IQ2_XXS]: output Q5_K, token_embd Q2_K, attn_v Q2_K (GQA 2), ffn_down Q2_K in the first 3 layers.
        Assert.Equal(Sorted(["output.weight Q5_K", "token_embd.weight Q2_K"], Layers(all, "attn_v", "Q2_K"), Layers([0, 1, 2], "ffn_down", "Q2_K")),
            Upgrades(spec, "IQ2_XXS"));
        // [IQ3_XS] (default IQ3_S): attn_q and attn_k IQ3_XXS; ffn_gate and ffn_up IQ3_XXS in layers 3 to 23.
        var middle = Enumerable.Range(3, 21).ToArray();
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(all, "attn_q", "IQ3_XXS"), Layers(all, "attn_k", "IQ3_XXS"),
                Layers(middle, "ffn_gate", "IQ3_XXS"), Layers(middle, "ffn_up", "IQ3_XXS")),
            Upgrades(spec, "IQ3_XS"));
        // [IQ3_XXS], as the snapshot makes it without an importance matrix: attn_v IQ3_S, ffn_down Q4_K then Q3_K.
        var noImatrix = new GgufQuantOptions { Imatrix = false };
        Assert.Equal(Sorted(["output.weight Q5_K", "token_embd.weight IQ3_S"], Layers(all, "attn_k", "IQ2_S"), Layers(all, "attn_q", "IQ2_S"),
                Layers(all, "attn_output", "IQ3_S"), Layers(all, "attn_v", "IQ3_S"), Layers([0, 1, 2], "ffn_down", "Q4_K"), Layers(all[3..], "ffn_down", "Q3_K")),
            Upgrades(spec, "IQ3_XXS", noImatrix));
        // [Q2_K_S]: ffn_down Q4_K in the first 3 layers.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers([0, 1, 2], "ffn_down", "Q4_K")), Upgrades(spec, "Q2_K_S"));
    }

    [Fact]
    public void Llama_3_1_70b_bumps_attn_v_to_Q5_K_because_it_is_llama_cpp_s_70B_type()
    {
        // tests/snapshots/meta-llama-3.1-70b-instruct.schema: 80 layers, 64 heads, 8 KV heads.
        var spec = Catalog("llama-3.1-70b");
        var all = Enumerable.Range(0, 80).ToArray();
        // [Q2_K]: attn_v Q4_K (GQA 8 ≥ 4) → Q5_K (70B); attn_output and ffn_down Q3_K.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(all, "attn_v", "Q5_K"), Layers(all, "attn_output", "Q3_K"), Layers(all, "ffn_down", "Q3_K")),
            Upgrades(spec, "Q2_K"));
        // [Q3_K_S]: attn_v Q3_K → Q5_K (70B).
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(all, "attn_v", "Q5_K")), Upgrades(spec, "Q3_K_S"));
        // [Q3_K_M]: ffn_down Q5_K in the first 80/16 = 5 layers, Q4_K after; attn_v all Q5_K.
        Assert.Equal(Sorted(["output.weight Q6_K"], Layers(all, "attn_v", "Q5_K"), Layers(all, "attn_output", "Q4_K"),
                Layers(all[..5], "ffn_down", "Q5_K"), Layers(all[5..], "ffn_down", "Q4_K")),
            Upgrades(spec, "Q3_K_M"));
    }

    [Fact]
    public void DeepSeek_v3_routed_and_shared_ffn_down_follow_the_layer_named_in_the_tensor()
    {
        // tests/snapshots/deepseek-v3.1.schema [Q3_K_M]: dense ffn_down in layers 0-2 (< 61/16 = 3) Q5_K; ffn_down_exps and
        // ffn_down_shexp of the MoE layers Q4_K; attn_output Q4_K.
        var types = GgufQuantizer.Assign(Catalog("deepseek-v3"), GgufQuantMix.Find("Q3_K_M")!).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("Q5_K", types["blk.2.ffn_down.weight"]);
        Assert.Equal("Q4_K", types["blk.3.ffn_down_exps.weight"]);
        Assert.Equal("Q4_K", types["blk.60.ffn_down_shexp.weight"]);
        Assert.Equal("Q4_K", types["blk.30.attn_output.weight"]);
        Assert.Equal("Q6_K", types["output.weight"]);
        // MLA's per-head k_b has rows of 128 (the nope size), too short for Q3_K's 256: llama.cpp falls back.
        Assert.Equal("Q4_0", types["blk.10.attn_k_b.weight"]);
        Assert.Equal("Q3_K", types["blk.10.attn_v_b.weight"]); // rows of 512
        Assert.Equal("F32", types["blk.10.exp_probs_b.bias"]);
        Assert.Equal("F32", types["blk.10.ffn_gate_inp.weight"]);
    }

    [Fact]
    public void A_tied_model_quantizes_its_token_embedding_as_the_output()
    {
        // Llama 3.2 3B ties its head: token_embd takes the output rule (Q6_K in Q4_K_M).
        var types = GgufQuantizer.Assign(Catalog("llama-3.2-3b"), GgufQuantMix.Find("Q4_K_M")!).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("Q6_K", types["token_embd.weight"]);
        Assert.DoesNotContain("output.weight", types.Keys);
        // Untied (Llama 3.1 8B), the embedding keeps the default.
        var untied = GgufQuantizer.Assign(Catalog("llama-3.1-8b"), GgufQuantMix.Find("Q4_K_M")!).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("Q4_K", untied["token_embd.weight"]);
        Assert.Equal("Q6_K", untied["output.weight"]);
    }

    [Fact]
    public void Mixtral_as_an_8_expert_model_gets_Q8_0_attn_v_and_attn_k_and_Q5_K_attn_output()
    {
        var types = GgufQuantizer.Assign(Catalog("mixtral-8x7b"), GgufQuantMix.Find("Q4_K_M")!).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("Q8_0", types["blk.0.attn_v.weight"]);
        Assert.Equal("Q8_0", types["blk.5.attn_k.weight"]);
        Assert.Equal("Q5_K", types["blk.5.attn_output.weight"]);
        Assert.Equal("Q4_K", types["blk.5.attn_q.weight"]);
        // ffn_down_exps: the layer comes from the tensor's name. Of 32 layers, 6 is a use_more_bits layer ((6 − 32/8) % 3 = 2), 5 is not.
        Assert.Equal("Q6_K", types["blk.6.ffn_down_exps.weight"]);
        Assert.Equal("Q4_K", types["blk.5.ffn_down_exps.weight"]);
        Assert.Equal("F32", types["blk.5.ffn_gate_inp.weight"]);
    }

    [Fact]
    public void The_use_more_bits_pattern_covers_the_first_and_last_eighth_and_every_third_layer_between()
    {
        // 48 layers (Qwen3-30B-A3B): 0-5, 42-47, and 8, 11, …, 41.
        var expected = Enumerable.Range(0, 6).Concat(Enumerable.Range(0, 12).Select(k => 8 + 3 * k)).Concat(Enumerable.Range(42, 6)).ToList();
        var types = GgufQuantizer.Assign(Catalog("qwen3-30b-a3b"), GgufQuantMix.Find("Q4_K_M")!);
        Assert.Equal(expected, types.Where(t => t.Tensor.Name.EndsWith("ffn_down_exps.weight", StringComparison.Ordinal) && t.Type.Name == "Q6_K")
            .Select(t => t.Tensor.Layer).ToList());
        // Qwen3-30B-A3B has 32 query heads on 4 KV heads; attn_v follows the same layers.
        Assert.Equal(expected, types.Where(t => t.Tensor.Name.EndsWith("attn_v.weight", StringComparison.Ordinal) && t.Type.Name == "Q6_K")
            .Select(t => t.Tensor.Layer).ToList());
    }

    [Fact]
    public void Rows_that_do_not_fill_a_256_block_fall_back_to_a_32_block_type()
    {
        // Falcon-7B: hidden 4544 = 17.75 × 256. Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0; ffn_down rows (18176 = 71 × 256) keep K-quants.
        var types = GgufQuantizer.Assign(Catalog("falcon-7b"), GgufQuantMix.Find("Q4_K_M")!).ToDictionary(t => t.Tensor.Name, t => t);
        Assert.Equal("Q5_0", types["blk.10.attn_output.weight"].Type.Name);
        Assert.Contains("fallback Q5_0", types["blk.10.attn_output.weight"].Rule);
        Assert.Equal("Q4_K", types["blk.10.ffn_down.weight"].Type.Name); // Falcon's own rule: Q4_K outside the protected layers
        Assert.Equal("Q6_K", types["blk.0.ffn_down.weight"].Type.Name);  // first 32/16 = 2 layers
        Assert.Equal("Q5_K", types["blk.6.ffn_down.weight"].Type.Name);  // a use_more_bits layer ((6 − 4) % 3 = 2)
        Assert.Equal("Q8_0", types["token_embd.weight"].Type.Name);      // tied: the output rule, and Falcon's output is always Q8_0
        // attn_qkv: under the current rules it is treated as attn_v (Q6_K → Q8_0 in use_more_bits layers); before 2026 it had its own Q5_K → Q5_1.
        Assert.Equal("Q8_0", types["blk.0.attn_qkv.weight"].Type.Name);
        var before = GgufQuantizer.Assign(Catalog("falcon-7b"), GgufQuantMix.Find("Q4_K_M")!, new GgufQuantOptions { Rules = GgufQuantRules.Before2026 })
            .ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("Q5_1", before["blk.0.attn_qkv.weight"]);
    }

    [Fact]
    public void Gpt_oss_MXFP4_MOE_puts_the_stacked_experts_in_MXFP4_and_everything_else_in_Q8_0()
    {
        var types = GgufQuantizer.Assign(Catalog("gpt-oss-20b"), GgufQuantMix.Find("mxfp4_moe")!).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("MXFP4", types["blk.3.ffn_gate_exps.weight"]);
        Assert.Equal("MXFP4", types["blk.3.ffn_down_exps.weight"]);
        Assert.Equal("Q8_0", types["blk.3.attn_q.weight"]);
        Assert.Equal("Q8_0", types["output.weight"]);
        Assert.Equal("Q8_0", types["token_embd.weight"]);
        Assert.Equal("F32", types["blk.3.attn_sinks.weight"]);
        Assert.Equal("F32", types["blk.3.ffn_up_exps.bias"]);
        Assert.Equal("F32", types["blk.3.ffn_gate_inp.weight"]);
    }

    [Fact]
    public void F16_and_BF16_convert_every_matrix_and_keep_vectors_and_routers_in_F32()
    {
        var f16 = GgufQuantizer.Assign(Catalog("qwen3-30b-a3b"), GgufQuantMix.Find("F16")!);
        Assert.All(f16.Where(t => t.Tensor.Dimensions == 1 || t.Tensor.Name.Contains("ffn_gate_inp", StringComparison.Ordinal)), t => Assert.Equal("F32", t.Type.Name));
        Assert.All(f16.Where(t => t.Tensor.Dimensions >= 2 && !t.Tensor.Name.Contains("ffn_gate_inp", StringComparison.Ordinal)), t => Assert.Equal("F16", t.Type.Name));
        Assert.Equal("BF16", GgufQuantizer.Assign(Catalog("gpt2"), GgufQuantMix.Find("BF16")!).Single(t => t.Tensor.Name == "output.weight").Type.Name);
        // GPT-2's learned positions are never quantized.
        Assert.Equal("F32", GgufQuantizer.Assign(Catalog("gpt2"), GgufQuantMix.Find("Q4_0")!).Single(t => t.Tensor.Name == "position_embd.weight").Type.Name);
    }

    [Fact]
    public void An_imatrix_moves_the_first_ffn_down_layers_of_Q4_0_to_Q4_1()
    {
        var spec = Catalog("llama-3.1-8b");
        var plain = GgufQuantizer.Assign(spec, GgufQuantMix.Find("Q4_0")!).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        var imatrix = GgufQuantizer.Assign(spec, GgufQuantMix.Find("Q4_0")!, new GgufQuantOptions { Imatrix = true }).ToDictionary(t => t.Tensor.Name, t => t.Type.Name);
        Assert.Equal("Q4_0", plain["blk.0.ffn_down.weight"]);
        Assert.Equal("Q4_1", imatrix["blk.3.ffn_down.weight"]); // first 32/8 = 4 layers
        Assert.Equal("Q4_0", imatrix["blk.4.ffn_down.weight"]);
    }

    [Fact]
    public void A_type_with_no_fallback_for_an_odd_row_is_a_usage_error_naming_the_tensor()
    {
        // Rows of 1000 values are not whole blocks of 32: the output rule picks Q8_0, which has no fallback in llama.cpp.
        var spec = new ModelSpec { Architecture = "llama", VocabSize = 1000, HiddenSize = 1000, Layers = 2, AttentionHeads = 10, FfnSize = 2048 };
        var e = Assert.Throws<UsageException>(() => GgufQuantizer.Assign(spec, GgufQuantMix.Find("Q4_0")!));
        Assert.Contains("output.weight", e.Message);
        Assert.Contains("1000", e.Message);
        Assert.Contains("Q8_0", e.Message);
    }

    [Fact]
    public void Every_mix_quantizes_every_catalog_model_with_a_layout_to_whole_blocks()
    {
        // NVFP4 (blocks of 64) and Q1_0 (128) have no fallback in llama.cpp, so models with other rows cannot be made in them.
        foreach (var entry in ModelCatalog.Entries.Where(e => GgufLayout.Supports(e.Spec)))
            foreach (var mix in GgufQuantMix.All.Where(m => m.Name is not ("NVFP4" or "Q1_0")))
            {
                var inventory = GgufQuantizer.Inventory(entry.Spec, mix);
                Assert.Equal(GgufLayout.Tensors(entry.Spec).Sum(t => t.Elements), inventory.Parameters);
                Assert.All(inventory.Tensors, t => Assert.True(t.Bytes > 0, $"{entry.Id} {mix.Name} {t.Name}"));
            }
    }

    [Fact]
    public void Mix_names_and_llama_quantize_s_aliases_are_found_case_insensitively()
    {
        Assert.Equal("Q4_K_M", GgufQuantMix.Find("q4_k")!.Name);
        Assert.Equal("Q5_K_M", GgufQuantMix.Find("Q5_K")!.Name);
        Assert.Equal("Q3_K_M", GgufQuantMix.Find("q3_k")!.Name);
        Assert.Equal("IQ4_XS", GgufQuantMix.Find(" iq4_xs ")!.Name);
        Assert.Null(GgufQuantMix.Find("Q7_K"));
        Assert.Equal("Q4_K", GgufQuantMix.Find("Q4_K_S")!.DefaultType.Name);
        Assert.Equal("IQ2_XS", GgufQuantMix.Find("IQ2_S")!.DefaultType.Name);
        Assert.Equal("IQ3_S", GgufQuantMix.Find("IQ3_XS")!.DefaultType.Name);
    }
}
