using System.Globalization;

namespace LlmSizer.Sampling;

/// <summary>An interaction users trip over, shown on the distribution at hand. <see cref="Topic"/> is a stable key.</summary>
public sealed record SamplingExplanation(string Topic, string Text)
{
    public const string TopPAfterTopK = "topPAfterTopK", TemperatureOrder = "temperatureOrder", MinPRelative = "minPRelative", LowTemperature = "lowTemperature";

    /// <summary>
    /// The explanations that apply to <paramref name="result"/> (a run on <paramref name="input"/>),
    /// each with numbers from what-if runs on the same distribution.
    /// </summary>
    public static IReadOnlyList<SamplingExplanation> For(TokenLogits input, SamplingResult result)
    {
        var list = new List<SamplingExplanation>();
        var s = result.Settings;
        var engine = result.Engine;
        var order = result.Order.ToList();
        var topK = result.After(SamplingStage.TopK);
        var topP = result.After(SamplingStage.TopP);
        if (topK is not null && topP is not null && order.IndexOf(SamplingStage.TopK) < order.IndexOf(SamplingStage.TopP))
        {
            var before = SamplingPipeline.Run(input, s, engine, order.TakeWhile(x => x != SamplingStage.TopK).ToList(), shown: Math.Min(s.TopK, 100_000));
            double held = before.Stages[^1].Top.Take(s.TopK).Sum(t => t.Probability);
            int alone = SamplingPipeline.Run(input, s with { TopK = 0 }, engine, order, shown: 0).After(SamplingStage.TopP)!.Survivors;
            list.Add(new(TopPAfterTopK,
                $"top-p {Num(s.TopP)} ran after top-k {s.TopK}, on probabilities renormalized over the {Count(topK.Survivors)} survivors " +
                $"(which held {Pct(held)} of the mass before top-k), so it reached {Num(s.TopP)} sooner: {Count(topP.Survivors)} tokens kept. " +
                $"Without top-k the same top-p would keep {Count(alone)} tokens."));
        }

        var truncations = new[] { SamplingStage.TopP, SamplingStage.MinP, SamplingStage.TypicalP }.Where(t => result.After(t) is not null).ToList();
        if (result.After(SamplingStage.Temperature) is not null && s.Temperature > 0 && truncations.Count > 0)
        {
            var withoutTemperature = order.Where(x => x != SamplingStage.Temperature).ToList();
            int at = withoutTemperature.IndexOf(SamplingStage.Penalties) + 1;
            var first = new List<SamplingStage>(withoutTemperature);
            first.Insert(at, SamplingStage.Temperature);
            var last = withoutTemperature.Append(SamplingStage.Temperature).ToList();
            int survivorsFirst = SamplingPipeline.Run(input, s, engine, first, shown: 0).Final.Count;
            int survivorsLast = SamplingPipeline.Run(input, s, engine, last, shown: 0).Final.Count;
            bool engineFirst = order.IndexOf(SamplingStage.Temperature) < truncations.Min(t => order.IndexOf(t));
            string names = string.Join("/", truncations.Select(SamplingStageNames.Name));
            string effect = survivorsFirst == survivorsLast
                ? "here both orders keep the same tokens"
                : $"temperature first (transformers, vLLM) leaves {Count(survivorsFirst)} tokens, temperature last (llama.cpp) {Count(survivorsLast)}";
            list.Add(new(TemperatureOrder,
                $"{engine.Name} applies temperature {(engineFirst ? "before" : "after")} {names}, so they see the distribution " +
                $"{(engineFirst ? $"at temperature {Num(s.Temperature)}" : "at temperature 1")}; {effect}. Top-k alone is not affected: dividing logits keeps their order."));
        }

        var minP = result.After(SamplingStage.MinP);
        if (minP is not null)
        {
            int index = result.Stages.ToList().IndexOf(minP);
            double top = result.Stages[index - 1].Top.FirstOrDefault().Probability;
            list.Add(new(MinPRelative,
                $"min-p {Num(s.MinP)} is relative to the top token: its probability was {Pct(top)} at that point, so the cut was " +
                $"{Num(s.MinP)} × {Pct(top)} = {Pct(s.MinP * top)} and {Count(minP.Survivors)} tokens stayed. A flatter distribution " +
                "(a lower top probability) lowers the cut and keeps more tokens; a peaked one keeps fewer."));
        }

        if (s.Temperature < 1)
            list.Add(new(LowTemperature, LowTemperatureText(input, s.Temperature)));
        return list;
    }

    private static string LowTemperatureText(TokenLogits input, double temperature)
    {
        var logits = input.Logits;
        int best = 0, second = -1;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                second = best;
                best = i;
            }
            else if (second < 0 || logits[i] > logits[second])
            {
                second = i;
            }
        }
        string name = input.Name(best);
        if (temperature == 0)
            return $"Temperature 0 is greedy: '{name}' (the most probable token) every time; lower ids win exact ties.";
        double TopAt(double t) => TopProbability(input, best, t);
        string ratio = second < 0 ? "" :
            $" — its odds against the runner-up '{input.Name(second)}' go from {Num(Math.Exp(logits[best] - logits[second]))} to " +
            $"{Num(Math.Exp((logits[best] - logits[second]) / temperature))} (the ratio to the power 1/T)";
        return $"At temperature {Num(temperature)} the top token '{name}' goes from {Pct(TopAt(1))} to {Pct(TopAt(temperature))}{ratio}. " +
               $"Lower temperatures collapse towards greedy: at 0.1 it has {Pct(TopAt(0.1))}, and temperature 0 is greedy.";
    }

    /// <summary>The probability of token <paramref name="best"/> (the largest logit) at temperature <paramref name="t"/>.</summary>
    private static double TopProbability(TokenLogits input, int best, double t)
    {
        var logits = input.Logits;
        double sum = 0;
        foreach (double l in logits)
            sum += Math.Exp((l - logits[best]) / t);
        return 1 / sum;
    }

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(double p) => p >= 0.9999 && p < 1 ? "99.99%" : (100 * p).ToString(p < 0.01 ? "0.###" : "0.##", CultureInfo.InvariantCulture) + "%";
}
