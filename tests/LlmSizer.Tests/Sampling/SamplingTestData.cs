using LlmSizer.Sampling;

namespace LlmSizer.Tests.Sampling;

/// <summary>Helpers: distributions from probabilities, one-stage runs, and seeded random distributions for property tests.</summary>
internal static class SamplingTestData
{
    public static TokenLogits Probabilities(params double[] p) => TokenLogits.FromProbabilities(p);

    /// <summary>Runs only <paramref name="order"/>'s stages under transformers' profile (which has every stage but presence and frequency penalties).</summary>
    public static SampledDistribution Run(TokenLogits input, SamplingSettings settings, params SamplingStage[] order) =>
        SamplingPipeline.Run(input, settings, SamplingEngineProfile.Transformers, order).Final;

    /// <summary>
    /// A random distribution: <paramref name="vocabulary"/> logits drawn as scale × (a standard normal), with scale in [0.5, 6)
    /// so some distributions are flat and some peaked; from System.Random with a fixed seed, so every run tests the same ones.
    /// </summary>
    public static double[] RandomLogits(Random random, int vocabulary)
    {
        double scale = 0.5 + 5.5 * random.NextDouble();
        var logits = new double[vocabulary];
        for (int i = 0; i < vocabulary; i++)
        {
            // Box–Muller.
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            logits[i] = scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return logits;
    }

    /// <summary>Probabilities of the candidates as a naive full softmax computes them, sorted descending (ties by lower id).</summary>
    public static (int Id, double P)[] SortedSoftmax(double[] logits)
    {
        double max = logits.Max();
        double z = logits.Sum(l => Math.Exp(l - max));
        return logits.Select((l, i) => (Id: i, P: Math.Exp(l - max) / z)).OrderByDescending(t => logits[t.Id]).ThenBy(t => t.Id).ToArray();
    }
}
