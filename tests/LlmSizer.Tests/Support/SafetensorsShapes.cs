using LlmSizer.Models;

namespace LlmSizer.Tests.Support;

/// <summary>
/// The tensor lists of real checkpoints (names, dtypes and shapes as their Hugging Face safetensors store them), and
/// the architectures that describe them, built inline so these tests do not move when the catalog is edited.
/// </summary>
internal static class SafetensorsShapes
{
    /// <summary>meta-llama/Llama-2-7b-hf: 291 BF16 tensors (the first upload also stored 32 rotary inv_freq buffers).</summary>
    public static List<(string Name, string Dtype, long[] Shape)> Llama2_7b(bool withInvFreq = false)
    {
        var list = new List<(string, string, long[])> { ("model.embed_tokens.weight", "BF16", [32000, 4096]) };
        for (int i = 0; i < 32; i++)
        {
            string p = $"model.layers.{i}.";
            list.Add((p + "input_layernorm.weight", "BF16", [4096]));
            list.Add((p + "mlp.down_proj.weight", "BF16", [4096, 11008]));
            list.Add((p + "mlp.gate_proj.weight", "BF16", [11008, 4096]));
            list.Add((p + "mlp.up_proj.weight", "BF16", [11008, 4096]));
            list.Add((p + "post_attention_layernorm.weight", "BF16", [4096]));
            list.Add((p + "self_attn.k_proj.weight", "BF16", [4096, 4096]));
            list.Add((p + "self_attn.o_proj.weight", "BF16", [4096, 4096]));
            list.Add((p + "self_attn.q_proj.weight", "BF16", [4096, 4096]));
            if (withInvFreq)
                list.Add((p + "self_attn.rotary_emb.inv_freq", "F32", [64]));
            list.Add((p + "self_attn.v_proj.weight", "BF16", [4096, 4096]));
        }
        list.Add(("model.norm.weight", "BF16", [4096]));
        list.Add(("lm_head.weight", "BF16", [32000, 4096]));
        return list;
    }

    public static ModelSpec Llama2_7bSpec { get; } = new()
    {
        Architecture = "llama", VocabSize = 32000, HiddenSize = 4096, Layers = 32, AttentionHeads = 32, KeyValueHeads = 32,
        FfnSize = 11008, MaxContextTokens = 4096,
    };

    /// <summary>Hugging Face's parameter count for meta-llama/Llama-2-7b-hf.</summary>
    public const long Llama2_7bParameters = 6_738_415_616;

    /// <summary>Qwen/Qwen2.5-0.5B: BF16, biased q/k/v, the LM head tied to the embedding (not stored).</summary>
    public static List<(string Name, string Dtype, long[] Shape)> Qwen25_05b()
    {
        var list = new List<(string, string, long[])> { ("model.embed_tokens.weight", "BF16", [151936, 896]) };
        for (int i = 0; i < 24; i++)
        {
            string p = $"model.layers.{i}.";
            list.Add((p + "input_layernorm.weight", "BF16", [896]));
            list.Add((p + "mlp.down_proj.weight", "BF16", [896, 4864]));
            list.Add((p + "mlp.gate_proj.weight", "BF16", [4864, 896]));
            list.Add((p + "mlp.up_proj.weight", "BF16", [4864, 896]));
            list.Add((p + "post_attention_layernorm.weight", "BF16", [896]));
            list.Add((p + "self_attn.k_proj.bias", "BF16", [128]));
            list.Add((p + "self_attn.k_proj.weight", "BF16", [128, 896]));
            list.Add((p + "self_attn.o_proj.weight", "BF16", [896, 896]));
            list.Add((p + "self_attn.q_proj.bias", "BF16", [896]));
            list.Add((p + "self_attn.q_proj.weight", "BF16", [896, 896]));
            list.Add((p + "self_attn.v_proj.bias", "BF16", [128]));
            list.Add((p + "self_attn.v_proj.weight", "BF16", [128, 896]));
        }
        list.Add(("model.norm.weight", "BF16", [896]));
        return list;
    }

    public static ModelSpec Qwen25_05bSpec { get; } = new()
    {
        Architecture = "qwen2", VocabSize = 151936, HiddenSize = 896, Layers = 24, AttentionHeads = 14, KeyValueHeads = 2,
        FfnSize = 4864, Biases = new BiasSpec { Qkv = true }, TiedEmbeddings = true, MaxContextTokens = 32768,
    };

    /// <summary>Hugging Face's parameter count for Qwen/Qwen2.5-0.5B.</summary>
    public const long Qwen25_05bParameters = 494_032_768;

    /// <summary>
    /// openai/gpt-oss-20b as published: MXFP4 experts (U8 blocks [E, rows, G, 16] and U8 scales [E, rows, G]),
    /// everything else BF16.
    /// </summary>
    public static List<(string Name, string Dtype, long[] Shape)> GptOss20b()
    {
        const long hidden = 2880, experts = 32, ffn = 2880, vocab = 201088;
        var list = new List<(string, string, long[])> { ("model.embed_tokens.weight", "BF16", [vocab, hidden]) };
        for (int i = 0; i < 24; i++)
        {
            string p = $"model.layers.{i}.";
            list.Add((p + "input_layernorm.weight", "BF16", [hidden]));
            list.Add((p + "mlp.experts.down_proj_bias", "BF16", [experts, hidden]));
            list.Add((p + "mlp.experts.down_proj_blocks", "U8", [experts, hidden, ffn / 32, 16]));
            list.Add((p + "mlp.experts.down_proj_scales", "U8", [experts, hidden, ffn / 32]));
            list.Add((p + "mlp.experts.gate_up_proj_bias", "BF16", [experts, 2 * ffn]));
            list.Add((p + "mlp.experts.gate_up_proj_blocks", "U8", [experts, 2 * ffn, hidden / 32, 16]));
            list.Add((p + "mlp.experts.gate_up_proj_scales", "U8", [experts, 2 * ffn, hidden / 32]));
            list.Add((p + "mlp.router.bias", "BF16", [experts]));
            list.Add((p + "mlp.router.weight", "BF16", [experts, hidden]));
            list.Add((p + "post_attention_layernorm.weight", "BF16", [hidden]));
            list.Add((p + "self_attn.k_proj.bias", "BF16", [512]));
            list.Add((p + "self_attn.k_proj.weight", "BF16", [512, hidden]));
            list.Add((p + "self_attn.o_proj.bias", "BF16", [hidden]));
            list.Add((p + "self_attn.o_proj.weight", "BF16", [hidden, 4096]));
            list.Add((p + "self_attn.q_proj.bias", "BF16", [4096]));
            list.Add((p + "self_attn.q_proj.weight", "BF16", [4096, hidden]));
            list.Add((p + "self_attn.sinks", "BF16", [64]));
            list.Add((p + "self_attn.v_proj.bias", "BF16", [512]));
            list.Add((p + "self_attn.v_proj.weight", "BF16", [512, hidden]));
        }
        list.Add(("model.norm.weight", "BF16", [hidden]));
        list.Add(("lm_head.weight", "BF16", [vocab, hidden]));
        return list;
    }

    public static ModelSpec GptOss20bSpec { get; } = new()
    {
        Architecture = "gpt_oss", VocabSize = 201088, HiddenSize = 2880, Layers = 24, AttentionHeads = 64, KeyValueHeads = 8,
        HeadDim = 64, FfnSize = 2880, Biases = new BiasSpec { Qkv = true, AttentionOutput = true, Mlp = true }, AttentionSinks = true,
        MaxContextTokens = 131072,
        SlidingWindow = new SlidingWindowSpec { WindowTokens = 128, GlobalLayerPeriod = 2 },
        Moe = new MoeSpec { RoutedExperts = 32, ExpertsPerToken = 4, ExpertFfnSize = 2880, RouterBias = true },
    };

    /// <summary>Writes <paramref name="tensors"/> into one sparse file.</summary>
    public static string WriteSingle(string path, IEnumerable<(string Name, string Dtype, long[] Shape)> tensors)
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        foreach (var (name, dtype, shape) in tensors)
            writer.Add(name, dtype, shape);
        return writer.Write(path);
    }
}
