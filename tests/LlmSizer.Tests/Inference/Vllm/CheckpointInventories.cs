using LlmSizer.Formats;
using LlmSizer.Models;

namespace LlmSizer.Tests.Inference.Vllm;

/// <summary>
/// Tensor inventories for the engine-profile tests. <see cref="HuggingFace"/> writes the tensor list a Hugging Face
/// Llama-family checkpoint stores (names, shapes, one dtype); <see cref="FromCounter"/> writes one tensor per counted
/// component, for models whose per-tensor names do not matter to a test.
/// </summary>
internal static class CheckpointInventories
{
    /// <summary>
    /// The safetensors tensors of a dense Llama-family checkpoint (llama, mistral, qwen2/3, gemma) described by
    /// <paramref name="spec"/>, in <paramref name="dtype"/> (<c>BF16</c>, <c>F16</c> or <c>F32</c>).
    /// </summary>
    public static TensorInventory HuggingFace(ModelSpec spec, string dtype = "BF16")
    {
        if (spec.Moe is not null || spec.Mla is not null || spec.Mlp != MlpKind.Gated)
            throw new ArgumentException("only dense gated Llama-family checkpoints are written out tensor by tensor", nameof(spec));
        int bytes = dtype == "F32" ? 4 : 2;
        long h = spec.HiddenSize, hd = spec.EffectiveHeadDim, f = spec.FfnSize;
        long q = spec.AttentionHeads * hd, kv = spec.EffectiveKeyValueHeads * hd;
        var list = new List<TensorInfo>();
        void Add(string name, params long[] shape)
        {
            long n = shape.Aggregate(1L, (a, d) => a * d);
            list.Add(new TensorInfo(name, shape, dtype, n, n, n * bytes, TensorRole.Weight, TensorClassifier.Classify(name)));
        }

        Add("model.embed_tokens.weight", spec.VocabSize, h);
        for (int i = 0; i < spec.Layers; i++)
        {
            string p = $"model.layers.{i}.";
            Add(p + "input_layernorm.weight", h);
            Add(p + "post_attention_layernorm.weight", h);
            if (spec.NormsPerLayer == 4)
            {
                Add(p + "pre_feedforward_layernorm.weight", h);
                Add(p + "post_feedforward_layernorm.weight", h);
            }
            Add(p + "self_attn.q_proj.weight", q, h);
            Add(p + "self_attn.k_proj.weight", kv, h);
            Add(p + "self_attn.v_proj.weight", kv, h);
            if (spec.Biases.Qkv)
            {
                Add(p + "self_attn.q_proj.bias", q);
                Add(p + "self_attn.k_proj.bias", kv);
                Add(p + "self_attn.v_proj.bias", kv);
            }
            Add(p + "self_attn.o_proj.weight", h, q);
            if (spec.QkNorm == QkNormKind.PerHead)
            {
                Add(p + "self_attn.q_norm.weight", hd);
                Add(p + "self_attn.k_norm.weight", hd);
            }
            Add(p + "mlp.gate_proj.weight", f, h);
            Add(p + "mlp.up_proj.weight", f, h);
            Add(p + "mlp.down_proj.weight", h, f);
        }
        Add("model.norm.weight", h);
        if (!spec.TiedEmbeddings)
            Add("lm_head.weight", spec.VocabSize, h);
        return new TensorInventory("safetensors", list);
    }

    /// <summary>One BF16 tensor per component of <see cref="ParameterCounter.Count"/>, named after the component.</summary>
    public static TensorInventory FromCounter(ModelSpec spec)
    {
        var tensors = ParameterCounter.Count(spec).Components
            .Select(c => new TensorInfo(c.Name, [c.Total], "BF16", c.Total, c.Total, 2 * c.Total, TensorRole.Weight, c.Category))
            .ToList();
        return new TensorInventory("safetensors", tensors);
    }
}
