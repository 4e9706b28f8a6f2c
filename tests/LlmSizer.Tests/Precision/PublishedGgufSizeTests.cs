using System.Globalization;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;
using LlmSizer.Precision;
using Xunit;

namespace LlmSizer.Tests.Precision;

/// <summary>
/// Predicted GGUF files against the exact byte sizes of published ones. The prediction is the data section (every tensor in
/// the type llama-quantize gives it, padded to 32 bytes), the tensor infos and the fixed 24-byte header; the key/value
/// metadata (tokenizer vocabulary and merges, chat template: 0.7–13 MB) is not derivable from an architecture and is the
/// only part left out, so every published file is a little larger than predicted, and files sharing a tokenizer exceed
/// their predictions by the same number of bytes. Sizes are the Hub's LFS object sizes as recorded, with their SHA-256,
/// in the public listings named beside each row (read 2026). All these files were made before llama.cpp's 2026 rework of
/// its quantization rules, so they are predicted with <see cref="GgufQuantRules.Before2026"/>.
/// </summary>
public class PublishedGgufSizeTests
{
    private static readonly Dictionary<string, ModelSpec> InlineSpecs = new()
    {
        // deepseek-ai/deepseek-coder-6.7b-instruct config.json: a Llama with 32,256 tokens, MHA, FFN 11,008.
        ["deepseek-coder-6.7b"] = new ModelSpec
        {
            Architecture = "llama", VocabSize = 32_256, HiddenSize = 4096, Layers = 32, AttentionHeads = 32, KeyValueHeads = 32, FfnSize = 11_008,
        },
        // Qwen/Qwen1.5-7B-Chat config.json: qwen2, 151,936 tokens, MHA, FFN 11,008, biased q/k/v, untied.
        ["qwen1.5-7b"] = new ModelSpec
        {
            Architecture = "qwen2", VocabSize = 151_936, HiddenSize = 4096, Layers = 32, AttentionHeads = 32, KeyValueHeads = 32, FfnSize = 11_008,
            Biases = new BiasSpec { Qkv = true },
        },
        // TinyLlama/TinyLlama-1.1B-Chat-v1.0 config.json: 22 layers, 32 heads on 4 KV heads, FFN 5,632.
        ["tinyllama-1.1b"] = new ModelSpec
        {
            Architecture = "llama", VocabSize = 32_000, HiddenSize = 2048, Layers = 22, AttentionHeads = 32, KeyValueHeads = 4, FfnSize = 5632,
        },
    };

    private static ModelSpec Spec(string id) => InlineSpecs.GetValueOrDefault(id) ?? ModelCatalog.Find(id)!.Spec;

    /// <summary>Predicted bytes of the file without its key/value metadata.</summary>
    private static long Predict(string id, string mix, bool storeTiedOutput = false, bool? imatrix = null, bool fusedDeltaNetInput = false)
    {
        var spec = Spec(id);
        var layout = GgufLayout.Tensors(spec, new GgufLayoutOptions { StoreTiedOutput = storeTiedOutput, FusedGatedDeltaNetInput = fusedDeltaNetInput });
        var options = new GgufQuantOptions { Rules = GgufQuantRules.Before2026, Imatrix = imatrix };
        return GgufLayout.FileBytes(GgufQuantizer.Inventory(spec, layout, GgufQuantMix.Find(mix)!, options), metadataBytes: 0);
    }

    /// <summary>Model, spec, mix, published bytes; the source of each is in the comment on its row.</summary>
    public static TheoryData<string, string, string, long> Files => new()
    {
        // lmstudio-ai/model-catalog models/Llama-3.1-8B-Instruct.json: lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF,
        // sha256 2a4ca64e… (the same object as bartowski's Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf at 7cbac988).
        { "Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b", "Q4_K_M", 4_920_734_656 },
        // lmstudio-ai/model-catalog models/Llama-3-8B-Instruct.json: lmstudio-community/Meta-Llama-3-8B-Instruct-GGUF.
        { "Meta-Llama-3-8B-Instruct", "llama-3-8b", "Q4_K_M", 4_920_733_888 },
        // https://huggingface.co/bartowski/Llama-3.2-3B-Instruct-GGUF @5ab33fa9, Llama-3.2-3B-Instruct-Q4_K_M.gguf, sha256 6c1a2b41… (tied head).
        { "Llama-3.2-3B-Instruct", "llama-3.2-3b", "Q4_K_M", 2_019_377_696 },
        // https://huggingface.co/TheBloke/Mistral-7B-Instruct-v0.2-GGUF @3a6fbf4a, mistral-7b-instruct-v0.2.Q4_K_M.gguf, sha256 3e0039fd….
        { "Mistral-7B-Instruct-v0.2", "mistral-7b", "Q4_K_M", 4_368_439_584 },
        // lmstudio-ai/model-catalog models/Mistral-7B-Instruct-v0.2.json: TheBloke's Q4_K_S (sha256 1213e19b…) and Q6_K (a4643671…).
        { "Mistral-7B-Instruct-v0.2", "mistral-7b", "Q4_K_S", 4_140_374_304 },
        { "Mistral-7B-Instruct-v0.2", "mistral-7b", "Q6_K", 5_942_065_440 },
        // https://huggingface.co/TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF @52e7645b, tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf, sha256 9fecc3b3….
        { "TinyLlama-1.1B-Chat-v1.0", "tinyllama-1.1b", "Q4_K_M", 668_788_096 },
        // lmstudio-ai/model-catalog models/deepseek-coder-6.7b-instruct.json: TheBloke's Q4_K_S (d5d4b757…) and Q6_K (113fba50…).
        { "deepseek-coder-6.7b-instruct", "deepseek-coder-6.7b", "Q4_K_S", 3_858_751_712 },
        { "deepseek-coder-6.7b-instruct", "deepseek-coder-6.7b", "Q6_K", 5_531_476_192 },
        // https://huggingface.co/bartowski/Qwen2.5-7B-Instruct-GGUF, Qwen2.5-7B-Instruct-Q4_K_M.gguf, sha256 65b8fcd9….
        { "Qwen2.5-7B-Instruct", "qwen2.5-7b", "Q4_K_M", 4_683_074_240 },
        // https://huggingface.co/bartowski/Qwen2.5-14B-Instruct-GGUF @05244aa5, Qwen2.5-14B-Instruct-Q4_K_M.gguf, sha256 e47ad95d….
        { "Qwen2.5-14B-Instruct", "qwen2.5-14b", "Q4_K_M", 8_988_110_976 },
        // https://huggingface.co/bartowski/Qwen2.5-32B-Instruct-GGUF, Qwen2.5-32B-Instruct-Q4_K_M.gguf (measured size in a public download list).
        { "Qwen2.5-32B-Instruct", "qwen2.5-32b", "Q4_K_M", 19_851_336_576 },
        // lmstudio-ai/model-catalog models/qwen-1.5.json: Qwen/Qwen1.5-7B-Chat-GGUF qwen1_5-7b-chat-q5_k_m.gguf, sha256 06ab8a96….
        { "Qwen1.5-7B-Chat", "qwen1.5-7b", "Q5_K_M", 5_530_664_160 },
        // https://huggingface.co/Qwen/Qwen3-0.6B-GGUF @23749fef Qwen3-0.6B-Q8_0.gguf (9465e63a…), Qwen3-1.7B-GGUF @90862c4b Q8_0
        // (061b54da…), Qwen3-4B-GGUF @bc640142 Q4_K_M (7485fe6f…), Qwen3-8B-GGUF @7c41481f Q4_K_M (d98cdcbd…),
        // Qwen3-14B-GGUF @530227a7 Q4_K_M (500a8806…).
        { "Qwen3-0.6B", "qwen3-0.6b", "Q8_0", 639_446_688 },
        { "Qwen3-1.7B", "qwen3-1.7b", "Q8_0", 1_834_426_016 },
        { "Qwen3-4B", "qwen3-4b", "Q4_K_M", 2_497_280_256 },
        { "Qwen3-8B", "qwen3-8b", "Q4_K_M", 5_027_783_488 },
        { "Qwen3-14B", "qwen3-14b", "Q4_K_M", 9_001_752_960 },
        // https://huggingface.co/Qwen/Qwen3-30B-A3B-GGUF @dae61f03, Qwen3-30B-A3B-Q4_K_M.gguf, sha256 0d003f66… (128 experts).
        { "Qwen3-30B-A3B", "qwen3-30b-a3b", "Q4_K_M", 18_556_685_824 },
        // lmstudio-ai/model-catalog models/gemma-2-9b.json: lmstudio-community/gemma-2-9b-it-GGUF, sha256 13b2a7b4… (= bartowski's).
        { "gemma-2-9b-it", "gemma-2-9b", "Q4_K_M", 5_761_057_728 },
        // lmstudio-ai/model-catalog models/phi-3.1-mini-4k.json (Q4_K_M, d6d25bf0…) and models/phi-3.json (Q5_K_M, bb076f8f…):
        // lmstudio-community/Phi-3.1-mini-4k-instruct-GGUF.
        { "Phi-3.1-mini-4k-instruct", "phi-3-mini", "Q4_K_M", 2_393_232_096 },
        { "Phi-3.1-mini-4k-instruct", "phi-3-mini", "Q5_K_M", 2_815_275_232 },
        // https://huggingface.co/lmstudio-community/gpt-oss-20b-GGUF, gpt-oss-20b-MXFP4.gguf (public download lists).
        { "gpt-oss-20b", "gpt-oss-20b", "MXFP4_MOE", 12_109_565_632 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_published_gguf_file_is_within_1_percent_of_its_prediction_and_larger_only_by_its_metadata(
        string model, string spec, string mix, long published)
    {
        long predicted = Predict(spec, mix);
        double error = (predicted - (double)published) / published;
        Assert.True(Math.Abs(error) < 0.01, $"{model} {mix}: predicted {predicted:N0}, published {published:N0} ({error:P3})");
        // What the prediction leaves out is the key/value metadata: positive, and at most a few tens of MB for any tokenizer.
        long metadata = published - predicted;
        Assert.InRange(metadata, 100_000, 16_000_000);
    }

    /// <summary>
    /// lmstudio-ai/model-catalog models/falcon-7b-instruct.json: maddes8cht/tiiuae-falcon-7b-instruct-gguf (October 2023). Falcon-7B
    /// ties its head, but these files store output.weight (converted from PyTorch .bin files that held lm_head.weight): Q8_0, as
    /// llama.cpp quantizes Falcon's output. Its hidden size, 4,544, is not a multiple of 256, so most K-quant tensors fall back.
    /// </summary>
    [Theory]
    [InlineData("Q4_K_M", 4_975_385_792)]
    [InlineData("Q5_K_M", 5_731_380_160)]
    [InlineData("Q6_K", 7_031_618_496)]
    public void Falcon_7b_files_with_their_stored_head_and_fallback_types_are_predicted_to_the_tokenizer(string mix, long published)
    {
        long predicted = Predict("falcon-7b", mix, storeTiedOutput: true);
        // The three files differ from their predictions by the same 2,547,808 bytes: their common metadata.
        Assert.Equal(2_547_808, published - predicted);
    }

    /// <summary>
    /// Qwen3-Next-80B-A3B-Instruct-Q4_K_M.gguf (the Qwen/Qwen3-Next-80B-A3B-Instruct-GGUF file), 48,410,988,384 bytes with SHA-256
    /// d103b273… as recorded in a public llama.cpp benchmark log on GitHub (the repository lists it as 48.4 GB). It was converted
    /// before llama.cpp split in_proj_qkvz: each Gated DeltaNet layer stores one ssm_in, which llama-quantize leaves at Q4_K,
    /// where the split layout's attn_qkv takes Q5_K under the rules of the time (76,040,480 bytes more). No MTP layer. What is
    /// left, 5,735,584 bytes, is the metadata: Qwen's 151,936-token tokenizer, as in the Qwen2.5 files above (5,934,912).
    /// </summary>
    [Fact]
    public void Qwen3_next_80b_q4_k_m_is_predicted_to_its_tokenizer_with_the_fused_deltanet_input_it_was_converted_with()
    {
        const long published = 48_410_988_384;
        long predicted = Predict("qwen3-next-80b-a3b", "Q4_K_M", fusedDeltaNetInput: true);
        Assert.True(Math.Abs(predicted - (double)published) / published < 0.01);
        Assert.Equal(5_735_584, published - predicted);
        // Predicted from the split layout it overshoots the file: the attn_qkv upgrades it did not have.
        Assert.Equal(76_040_480, Predict("qwen3-next-80b-a3b", "Q4_K_M") - predicted);
    }

    [Fact]
    public void Files_that_share_a_tokenizer_exceed_their_predictions_by_the_same_bytes()
    {
        // The metadata does not grow with the weights, so a residual that stays put across sizes and mixes means the tensor
        // bytes are exact; what differs by a few bytes is the model's name and similar strings.
        long Residual(string id, string mix, long published) => published - Predict(id, mix);
        long[] qwen25 = [Residual("qwen2.5-7b", "Q4_K_M", 4_683_074_240), Residual("qwen2.5-14b", "Q4_K_M", 8_988_110_976), Residual("qwen2.5-32b", "Q4_K_M", 19_851_336_576)];
        long[] qwen3 = [Residual("qwen3-4b", "Q4_K_M", 2_497_280_256), Residual("qwen3-8b", "Q4_K_M", 5_027_783_488), Residual("qwen3-14b", "Q4_K_M", 9_001_752_960),
            Residual("qwen3-0.6b", "Q8_0", 639_446_688), Residual("qwen3-30b-a3b", "Q4_K_M", 18_556_685_824)];
        long[] llama3 = [Residual("llama-3-8b", "Q4_K_M", 4_920_733_888), Residual("llama-3.1-8b", "Q4_K_M", 4_920_734_656), Residual("llama-3.2-3b", "Q4_K_M", 2_019_377_696)];
        long[] mistral = [Residual("mistral-7b", "Q4_K_M", 4_368_439_584), Residual("mistral-7b", "Q4_K_S", 4_140_374_304), Residual("mistral-7b", "Q6_K", 5_942_065_440)];
        Assert.Equal(5_934_912, qwen25.Distinct().Single());
        Assert.InRange(qwen3.Max() - qwen3.Min(), 0, 8_192);
        Assert.InRange(llama3.Max() - llama3.Min(), 0, 8_192);
        Assert.InRange(mistral.Max() - mistral.Min(), 0, 8_192);
    }

    /// <summary>
    /// bartowski/Meta-Llama-3.1-8B-Instruct-GGUF's file listing shows every mix rounded to three significant digits (trees at
    /// 256b6230, e781cb4, 8c92eab, 36f4a58). With the metadata of the exact Q4_K_M file above (7,819,296 bytes: same tokenizer),
    /// each prediction rounds to the published figure. bartowski makes every quant with an importance matrix, which for these
    /// mixes only changes IQ4_XS (no Q5_K in the first ffn_down layers).
    /// </summary>
    [Theory]
    [InlineData("IQ2_M", "2.95")]
    [InlineData("IQ3_XS", "3.52")]
    [InlineData("IQ3_M", "3.78")]
    [InlineData("IQ4_XS", "4.45")]
    [InlineData("Q2_K", "3.18")]
    [InlineData("Q3_K_M", "4.02")]
    [InlineData("Q3_K_L", "4.32")]
    [InlineData("Q4_K_S", "4.69")]
    [InlineData("Q4_K_M", "4.92")]
    [InlineData("Q5_K_S", "5.6")]
    [InlineData("Q5_K_M", "5.73")]
    [InlineData("Q6_K", "6.6")]
    [InlineData("Q8_0", "8.54")]
    [InlineData("BF16", "16.1")]
    public void Every_mix_of_llama_3_1_8b_rounds_to_the_size_bartowski_s_listing_shows(string mix, string publishedGb)
    {
        long metadata = 4_920_734_656 - Predict("llama-3.1-8b", "Q4_K_M");
        long predicted = Predict("llama-3.1-8b", mix, imatrix: true) + metadata;
        double gb = predicted / 1e9;
        double rounded = Math.Round(gb, 2 - (int)Math.Floor(Math.Log10(gb)));
        Assert.Equal(double.Parse(publishedGb, CultureInfo.InvariantCulture), rounded, 6);
    }

    [Fact]
    public void Files_without_a_fused_qkv_are_the_same_under_both_rule_sets()
    {
        // The 2026 rework changed only fused attn_qkv / attn_kv_b and the names of Q2_K/Q3_K fallbacks (same size).
        foreach (var id in new[] { "llama-3.1-8b", "qwen3-30b-a3b", "gemma-2-9b", "mixtral-8x7b", "deepseek-v2-lite" })
            foreach (var mix in new[] { "Q4_K_M", "Q5_K_M", "Q3_K_M", "Q2_K", "IQ3_M" })
            {
                var spec = ModelCatalog.Find(id)!.Spec;
                long now = GgufQuantizer.Inventory(spec, GgufQuantMix.Find(mix)!).Bytes;
                long before = GgufQuantizer.Inventory(spec, GgufQuantMix.Find(mix)!, new GgufQuantOptions { Rules = GgufQuantRules.Before2026 }).Bytes;
                Assert.True(now == before, $"{id} {mix}: {now:N0} now, {before:N0} before 2026");
            }
    }
}
