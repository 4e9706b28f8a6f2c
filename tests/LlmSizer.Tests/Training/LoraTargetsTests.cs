using LlmSizer.Errors;
using LlmSizer.Models;
using LlmSizer.Training;
using Xunit;

namespace LlmSizer.Tests.Training;

public class LoraTargetsTests
{
    private static TrainingEstimate Lora(string model, int rank, string targets) =>
        TrainingEstimator.Estimate(ModelCatalog.Find(model)!.Spec, new TrainingOptions
        {
            Method = TrainingMethod.Lora,
            LoraRank = rank,
            LoraTargets = LoraTargets.Parse(targets),
        });

    // PEFT's print_trainable_parameters for meta-llama/Llama-2-7b-hf with LoraConfig(r=8, target_modules=["q_proj", "v_proj"]):
    // "trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.0622" (reproduced in many PEFT tutorials).
    // 32 layers × 2 modules × 8 × (4096 + 4096) = 4,194,304.
    [Fact]
    public void Lora_rank_8_on_q_and_v_of_llama_2_7b_trains_what_peft_prints()
    {
        var e = Lora("llama-2-7b", 8, "q_proj,v_proj");
        Assert.Equal(4_194_304, e.TrainableParameters);
        Assert.Equal(6_742_609_920, e.TotalParameters + e.TrainableParameters);
    }

    // PEFT for meta-llama/Meta-Llama-3-8B, r=16 on q,k,v,o,gate,up,down: "trainable params: 41,943,040 || all params: 8,072,204,288".
    // Per layer 16 × ((4096+4096) + 2 × (4096+1024) + (4096+4096) + 2 × (4096+14336) + (14336+4096)) = 16 × 81,920; × 32 layers.
    [Fact]
    public void Lora_rank_16_on_every_projection_of_llama_3_8b_trains_what_peft_prints()
    {
        var e = Lora("llama-3-8b", 16, "q,k,v,o,gate,up,down");
        Assert.Equal(41_943_040, e.TrainableParameters);
        Assert.Equal(8_072_204_288, e.TotalParameters + e.TrainableParameters);
        Assert.Equal(e.TrainableParameters, Lora("llama-3-8b", 16, "all-linear").TrainableParameters);
    }

    // PEFT's README: bigscience/mt0-large with r=8 on its default modules (q and v of every attention: 24 encoder self-attentions,
    // 24 decoder self-attentions and 24 cross-attentions, each 1024 × 1024) trains 2,359,296 parameters. The encoder-decoder is not a
    // ModelSpec, so the rule is checked on its matrices directly: 72 × 2 × 8 × (1024 + 1024).
    [Fact]
    public void The_adapter_rule_gives_mt0_large_its_published_trainable_count()
    {
        var projection = new TrainingTensor("q", TensorKind.Query, 0, 1024, 1024, 1, 1024 * 1024);
        Assert.Equal(2_359_296, 72 * 2 * LoraTargets.AdapterParameters(projection, 8));
    }

    [Fact]
    public void A_fused_query_key_value_projection_is_adapted_once_for_q_and_v()
    {
        // GPT-2's c_attn is 768 → 2304: one adapter of 8 × (768 + 2304) per layer, 12 layers.
        var e = Lora("gpt2", 8, "q,v");
        Assert.Equal(12 * 8 * (768 + 2304), e.TrainableParameters);
    }

    [Fact]
    public void A_module_the_model_lacks_is_an_error_naming_it()
    {
        var error = Assert.Throws<UsageException>(() => Lora("gpt2", 8, "q,gate"));
        Assert.Contains("gpt2 has no gate module", error.Message);
        Assert.Contains("unknown module 'qq'", Assert.Throws<UsageException>(() => LoraTargets.Parse("q,qq")).Message);
        Assert.Throws<UsageException>(() => LoraTargets.Parse(" , "));
    }

    [Fact]
    public void A_group_takes_only_the_modules_the_model_has()
    {
        // GPT-2 has no gate projection, routers or recurrent layers; all-linear adapts c_attn, c_proj, c_fc and the MLP's c_proj.
        var e = Lora("gpt2", 4, "all-linear");
        Assert.Equal(12 * 4 * ((768 + 2304) + (768 + 768) + (768 + 3072) + (3072 + 768)), e.TrainableParameters);
    }
}
