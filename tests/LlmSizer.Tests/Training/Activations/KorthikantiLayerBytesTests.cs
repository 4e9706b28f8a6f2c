using LlmSizer.Training.Activations;
using Xunit;

namespace LlmSizer.Tests.Training.Activations;

/// <summary>
/// Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models" (arXiv 2205.05198): per-layer
/// activation bytes of the GPT layer, Table 2, and the savings §5 claims for selective recomputation. Expected values are the
/// paper's formulas written out in decimal arithmetic.
/// </summary>
public sealed class KorthikantiLayerBytesTests
{
    // GPT-3 175B as the paper sizes it (§5, Table 3): a = 96, s = 2048, h = 12288; one sequence.
    private const long S = 2048, B = 1, H = 12288, A = 96;
    private const decimal Sbh = S * B * H;

    [Fact]
    public void Unsplit_layer_is_sbh_times_34_plus_5as_over_h()
    {
        // sbh(34 + 5as/h); 5as/h = 5·96·2048/12288 = 80.
        decimal expected = Sbh * (34m + 5m * A * S / H);
        Assert.Equal((long)expected, ActivationMemory.KorthikantiLayerBytes(S, B, H, A, 1, false, Recomputation.None));
        Assert.Equal(2_868_903_936L, (long)expected);
    }

    [Theory]
    // Table 2 rows with t = 8.
    [InlineData(false, Recomputation.None)]        // tensor parallel (baseline): sbh(10 + 24/t + 5as/(ht))
    [InlineData(true, Recomputation.None)]         // tensor + sequence parallel: sbh(34/t + 5as/(ht))
    [InlineData(false, Recomputation.Selective)]   // tensor parallel + selective: sbh(10 + 24/t)
    [InlineData(true, Recomputation.Selective)]    // tensor + sequence parallel + selective: sbh(34/t)
    [InlineData(false, Recomputation.Full)]        // full recomputation: sbh·2
    public void Each_table_2_row_matches_its_formula_at_t_8(bool sequenceParallel, Recomputation r)
    {
        const decimal t = 8;
        decimal scores = 5m * A * S / (H * t);
        decimal expected = (sequenceParallel, r) switch
        {
            (false, Recomputation.None) => Sbh * (10 + 24 / t + scores),
            (true, Recomputation.None) => Sbh * (34 / t + scores),
            (false, Recomputation.Selective) => Sbh * (10 + 24 / t),
            (true, Recomputation.Selective) => Sbh * (34 / t),
            _ => Sbh * 2,
        };
        Assert.Equal((long)expected, ActivationMemory.KorthikantiLayerBytes(S, B, H, A, 8, sequenceParallel, r));
    }

    [Theory]
    // §5: selective recomputation saves 70% of the activation memory for GPT-3 (5as/h = 80) and 65% for MT-NLG
    // (a = 128, s = 2048, h = 20480: 5as/h = 64). 1 − 34/114 = 70.2%; 1 − 34/98 = 65.3%.
    [InlineData(96, 12288, 70.2, 70)]
    [InlineData(128, 20480, 65.3, 65)]
    public void Selective_recomputation_saves_what_the_paper_claims(long heads, long hidden, double percentToOneDecimal, int paperPercent)
    {
        double none = ActivationMemory.KorthikantiLayerBytes(2048, 1, hidden, heads, 1, false, Recomputation.None);
        double selective = ActivationMemory.KorthikantiLayerBytes(2048, 1, hidden, heads, 1, false, Recomputation.Selective);
        double saved = 100 * (1 - selective / none);
        Assert.Equal(percentToOneDecimal, Math.Round(saved, 1));
        Assert.Equal(paperPercent, (int)Math.Round(saved));
    }

    [Theory]
    // Hugging Face Ultra-Scale Playbook memory-usage figures (Llama-3.1-8B, b = 1, no recomputation of the MLP, flash-style
    // attention): activations 4.25 / 17 / 68 GiB at s = 1k / 4k / 16k, which is Korthikanti's 34·s·h per layer without the
    // score term, × 32 layers (h = 4096, a = 32).
    [InlineData(1024, 4.25)]
    [InlineData(4096, 17)]
    [InlineData(16384, 68)]
    public void Llama_3_1_8B_matches_the_ultra_scale_playbook(long s, double gib)
    {
        long perLayer = ActivationMemory.KorthikantiLayerBytes(s, 1, 4096, 32, 1, false, Recomputation.Selective);
        Assert.Equal((long)(gib * (1L << 30)), perLayer * 32);
    }
}
