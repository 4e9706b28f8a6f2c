using LlmSizer.Sampling;
using Xunit;
using static LlmSizer.Tests.Sampling.SamplingTestData;

namespace LlmSizer.Tests.Sampling;

/// <summary>Properties checked over 200 seeded random distributions and settings (the same every run).</summary>
public class SamplingPropertyTests
{
    private static readonly SamplingEngineProfile[] Engines = [SamplingEngineProfile.Transformers, SamplingEngineProfile.LlamaCpp, SamplingEngineProfile.Vllm];

    private static IEnumerable<(double[] Logits, SamplingSettings Settings, SamplingEngineProfile Engine)> Cases(int seed, int count = 200)
    {
        var random = new Random(seed);
        for (int c = 0; c < count; c++)
        {
            var logits = RandomLogits(random, random.Next(1, 3000));
            var settings = new SamplingSettings
            {
                Temperature = random.Next(5) == 0 ? 0 : 0.1 + 2 * random.NextDouble(),
                TopK = random.Next(3) == 0 ? 0 : random.Next(1, 200),
                TopP = random.Next(3) == 0 ? 1 : 0.05 + 0.95 * random.NextDouble(),
                MinP = random.Next(3) == 0 ? 0 : 0.3 * random.NextDouble(),
                TypicalP = random.Next(4) == 0 ? 0.2 + 0.8 * random.NextDouble() : 1,
            };
            yield return (logits, settings, Engines[c % 3]);
        }
    }

    [Fact]
    public void Final_probabilities_sum_to_one_within_1e_12_and_are_sorted_descending()
    {
        foreach (var (logits, settings, engine) in Cases(1))
        {
            var final = SamplingPipeline.Run(TokenLogits.FromLogits(logits), settings, engine).Final;
            double sum = 0;
            foreach (double p in final.Probabilities)
                sum += p;
            Assert.InRange(sum, 1 - 1e-12, 1 + 1e-12);
            for (int i = 1; i < final.Count; i++)
                Assert.True(final.Probabilities[i - 1] > final.Probabilities[i]
                    || (final.Probabilities[i - 1] == final.Probabilities[i] && final.Tokens[i - 1] < final.Tokens[i]));
        }
    }

    [Fact]
    public void Top_k_leaves_at_most_k_tokens_and_exactly_the_k_highest_logits()
    {
        foreach (var (logits, settings, engine) in Cases(2))
        {
            if (settings.TopK == 0)
                continue;
            var result = SamplingPipeline.Run(TokenLogits.FromLogits(logits), settings, engine);
            Assert.True(result.Final.Count <= settings.TopK);
            var topK = SamplingPipeline.Run(TokenLogits.FromLogits(logits), settings, engine, [SamplingStage.TopK]).Final;
            var expected = SortedSoftmax(logits).Take(settings.TopK).Select(t => t.Id).Order();
            Assert.Equal(expected, topK.Tokens.ToArray().Order());
        }
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_whose_mass_reaches_p()
    {
        foreach (var (logits, settings, engine) in Cases(3))
        {
            if (settings.TopP >= 1)
                continue;
            var kept = SamplingPipeline.Run(TokenLogits.FromLogits(logits), settings, engine, [SamplingStage.TopP]).Final;
            // Independently: a full softmax, sorted; the kept tokens are its first n; n reaches p, n − 1 does not.
            var sorted = SortedSoftmax(logits);
            int n = kept.Count;
            Assert.Equal(sorted.Take(n).Select(t => t.Id).Order(), kept.Tokens.ToArray().Order());
            Assert.True(sorted.Take(n).Sum(t => t.P) >= settings.TopP - 1e-12 || n == sorted.Length);
            Assert.True(sorted.Take(n - 1).Sum(t => t.P) < settings.TopP + 1e-12);
        }
    }

    [Fact]
    public void Temperature_zero_draws_the_argmax_every_time()
    {
        var random = new Random(4);
        for (int c = 0; c < 100; c++)
        {
            var logits = RandomLogits(random, random.Next(1, 3000));
            int argmax = Array.IndexOf(logits, logits.Max());
            foreach (var engine in Engines)
            {
                var final = SamplingPipeline.Run(TokenLogits.FromLogits(logits), engine.Defaults with { Temperature = 0 }, engine).Final;
                Assert.Equal([argmax], final.Tokens.ToArray());
                var draws = TokenDraws.Draw(final, 50, (ulong)c);
                Assert.Equal(50, draws.Counts[0]);
            }
        }
    }

    [Fact]
    public void Partial_selection_on_a_256k_vocabulary_matches_a_full_sort()
    {
        // Top-k and top-p sort only the head of the distribution; the result must be what a full sort gives.
        var random = new Random(5);
        var logits = RandomLogits(random, 256_000);
        var input = TokenLogits.FromLogits(logits);
        var sorted = SortedSoftmax(logits);
        var topK = SamplingPipeline.Run(input, new SamplingSettings { TopK = 100 }, SamplingEngineProfile.Vllm, [SamplingStage.TopK]).Final;
        Assert.Equal(sorted.Take(100).Select(t => t.Id), topK.Tokens.ToArray());
        var topP = SamplingPipeline.Run(input, new SamplingSettings { TopP = 0.9 }, SamplingEngineProfile.Vllm, [SamplingStage.TopP]).Final;
        double before = sorted.Take(topP.Count - 1).Sum(t => t.P);
        Assert.True(before < 0.9 && before + sorted[topP.Count - 1].P >= 0.9 - 1e-12);
        Assert.Equal(sorted.Take(topP.Count).Select(t => t.Id), topP.Tokens.ToArray());
    }

    [Fact]
    public void Draws_at_a_fixed_seed_fit_the_final_distribution_by_chi_squared()
    {
        // 100,000 draws from 20 random distributions of 10 tokens (all expected counts ≥ 5 after pooling). Pearson's
        // statistic must stay under the chi-squared 0.999 quantile for its degrees of freedom (NIST/SEMATECH e-Handbook,
        // §1.3.6.7.4, upper critical values: df 9 → 27.877; df below 9 have lower critical values, listed here).
        double[] critical999 = [0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877];
        var random = new Random(6);
        for (int c = 0; c < 20; c++)
        {
            var logits = RandomLogits(random, 10).Select(l => l / 3).ToArray();
            var final = SamplingPipeline.Run(TokenLogits.FromLogits(logits), new SamplingSettings(), SamplingEngineProfile.Vllm).Final;
            var draws = TokenDraws.Draw(final, 100_000, seed: 12345 + (ulong)c);
            Assert.Equal(100_000, draws.Counts.Sum());
            Assert.InRange(draws.DegreesOfFreedom, 1, 9);
            Assert.True(draws.ChiSquared < critical999[draws.DegreesOfFreedom],
                $"case {c}: chi-squared {draws.ChiSquared} on {draws.DegreesOfFreedom} df");
        }
    }

    [Fact]
    public void A_wrong_distribution_fails_the_same_chi_squared_test()
    {
        // The test above can fail: counts drawn from (0.5, 0.5) judged against (0.55, 0.45) give a statistic far over 10.828 (df 1).
        var fair = SamplingPipeline.Run(Probabilities(0.5, 0.5), new SamplingSettings(), SamplingEngineProfile.Vllm).Final;
        var draws = TokenDraws.Draw(fair, 100_000, 1);
        var (chi, df) = TokenDraws.PearsonChiSquared(draws.Counts, new[] { 0.55, 0.45 }, 100_000);
        Assert.Equal(1, df);
        Assert.True(chi > 10.828, $"chi-squared {chi}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws_and_another_seed_others()
    {
        var final = SamplingPipeline.Run(ExampleDistribution.Create(), SamplingEngineProfile.LlamaCpp.Defaults, SamplingEngineProfile.LlamaCpp).Final;
        var a = TokenDraws.Draw(final, 1000, 7);
        var b = TokenDraws.Draw(final, 1000, 7);
        var c = TokenDraws.Draw(final, 1000, 8);
        Assert.Equal(a.Counts, b.Counts);
        Assert.Equal(a.Sequence, b.Sequence);
        Assert.NotEqual(a.Sequence, c.Sequence);
    }
}
