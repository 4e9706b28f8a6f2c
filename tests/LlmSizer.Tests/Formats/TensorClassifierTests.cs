using LlmSizer.Formats;
using LlmSizer.Models;
using Xunit;

namespace LlmSizer.Tests.Formats;

public class TensorClassifierTests
{
    [Theory]
    // llama.cpp GGUF names (llama.cpp src/llama-arch.cpp tensor name table)
    [InlineData("token_embd.weight", ParameterCategory.Embedding)]
    [InlineData("token_embd_norm.weight", ParameterCategory.Norm)]
    [InlineData("position_embd.weight", ParameterCategory.Embedding)]
    [InlineData("output.weight", ParameterCategory.LmHead)]
    [InlineData("output_norm.weight", ParameterCategory.Norm)]
    [InlineData("blk.0.attn_norm.weight", ParameterCategory.Norm)]
    [InlineData("blk.0.attn_q.weight", ParameterCategory.Attention)]
    [InlineData("blk.0.attn_qkv.bias", ParameterCategory.Attention)]
    [InlineData("blk.0.attn_output.weight", ParameterCategory.Attention)]
    [InlineData("blk.0.attn_q_norm.weight", ParameterCategory.Attention)]
    [InlineData("blk.0.attn_kv_a_norm.weight", ParameterCategory.Attention)]
    [InlineData("blk.0.attn_kv_a_mqa.weight", ParameterCategory.Attention)]
    [InlineData("blk.0.attn_sinks.weight", ParameterCategory.Attention)]
    [InlineData("blk.0.ffn_norm.weight", ParameterCategory.Norm)]
    [InlineData("blk.0.post_ffw_norm.weight", ParameterCategory.Norm)]
    [InlineData("blk.0.ffn_gate.weight", ParameterCategory.Mlp)]
    [InlineData("blk.0.ffn_gate_inp.weight", ParameterCategory.Mlp)]
    [InlineData("blk.0.ffn_down_exps.weight", ParameterCategory.Mlp)]
    [InlineData("blk.0.ffn_up_shexp.weight", ParameterCategory.Mlp)]
    [InlineData("blk.3.exp_probs_b.bias", ParameterCategory.Mlp)]
    // Hugging Face names (transformers modelling classes)
    [InlineData("model.embed_tokens.weight", ParameterCategory.Embedding)]
    [InlineData("lm_head.weight", ParameterCategory.LmHead)]
    [InlineData("model.norm.weight", ParameterCategory.Norm)]
    [InlineData("model.layers.0.input_layernorm.weight", ParameterCategory.Norm)]
    [InlineData("model.layers.0.self_attn.q_proj.weight", ParameterCategory.Attention)]
    [InlineData("model.layers.0.self_attn.q_norm.weight", ParameterCategory.Attention)]
    [InlineData("model.layers.0.self_attn.kv_a_layernorm.weight", ParameterCategory.Attention)]
    [InlineData("model.layers.0.self_attn.sinks", ParameterCategory.Attention)]
    [InlineData("model.layers.0.mlp.gate_proj.weight", ParameterCategory.Mlp)]
    [InlineData("model.layers.0.mlp.gate.weight", ParameterCategory.Mlp)]
    [InlineData("model.layers.0.block_sparse_moe.experts.7.w3.weight", ParameterCategory.Mlp)]
    [InlineData("model.layers.0.mlp.experts.gate_up_proj_bias", ParameterCategory.Mlp)]
    [InlineData("transformer.wte.weight", ParameterCategory.Embedding)]
    [InlineData("transformer.wpe.weight", ParameterCategory.Embedding)]
    [InlineData("transformer.h.0.ln_1.weight", ParameterCategory.Norm)]
    [InlineData("transformer.h.0.attn.c_attn.bias", ParameterCategory.Attention)]
    [InlineData("transformer.h.0.mlp.c_fc.weight", ParameterCategory.Mlp)]
    [InlineData("transformer.ln_f.bias", ParameterCategory.Norm)]
    [InlineData("gpt_neox.embed_in.weight", ParameterCategory.Embedding)]
    [InlineData("embed_out.weight", ParameterCategory.LmHead)]
    [InlineData("gpt_neox.layers.0.attention.query_key_value.weight", ParameterCategory.Attention)]
    [InlineData("transformer.word_embeddings_layernorm.weight", ParameterCategory.Norm)]
    [InlineData("model.decoder.project_in.weight", ParameterCategory.Other)]
    [InlineData("model.decoder.layers.0.fc1.weight", ParameterCategory.Mlp)]
    [InlineData("model.layers.61.shared_head.head.weight", ParameterCategory.LmHead)]
    [InlineData("model.layers.61.eh_proj.weight", ParameterCategory.Other)]
    [InlineData("model.decoder.layers.0.self_attn_layer_norm.weight", ParameterCategory.Norm)]
    public void Tensor_names_fall_into_the_same_categories_as_the_counter_uses(string name, ParameterCategory category) =>
        Assert.Equal(category, TensorClassifier.Classify(name));

    [Theory]
    [InlineData("rope_freqs.weight", true)]
    [InlineData("rope_factors_long.weight", true)]
    [InlineData("model.layers.0.self_attn.rotary_emb.inv_freq", true)]
    [InlineData("h.0.attn.bias", true)]
    [InlineData("h.0.attn.c_attn.bias", false)]
    [InlineData("blk.0.attn_q.weight", false)]
    public void Rotary_factors_and_causal_masks_are_buffers_not_parameters(string name, bool buffer) =>
        Assert.Equal(buffer, TensorClassifier.IsBuffer(name));
}
