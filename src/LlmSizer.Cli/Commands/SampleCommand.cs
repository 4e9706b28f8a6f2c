using System.CommandLine;
using LlmSizer.Cli.Charts;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Requests;
using LlmSizer.Sampling;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// <c>llmsizer sample [--logits FILE | --example] [settings]</c>: what temperature, top-k, top-p, min-p, typical-p and the
/// penalties do to a next-token distribution, stage by stage in an engine's order, with seeded draws.
/// </summary>
internal static class SampleCommand
{
    public static Command Create(CliOutput output)
    {
        var logits = new Option<string?>("--logits") { Description = "A file of logits: a JSON array, a JSON object {token: logit}, or CSV lines token,logit" };
        var probabilities = new Option<bool>("--probabilities") { Description = "The file holds probabilities (or weights), not logits" };
        var example = new Option<bool>("--example") { Description = "Use the built-in example: \"The cat sat on the\" over a 32,000-token vocabulary" };
        var engine = new Option<string>("--engine") { Description = "Whose stage order and defaults: llama.cpp, transformers or vllm", DefaultValueFactory = _ => "llama.cpp" };
        var temperature = new Option<double?>("--temperature") { Description = "Temperature ≥ 0; 0 is greedy (default: the engine's)" };
        var topK = new Option<int?>("--top-k") { Description = "Keep the k most probable tokens; 0 keeps all (default: the engine's)" };
        var topP = new Option<double?>("--top-p") { Description = "Keep the smallest set reaching this mass, in (0, 1] (default: the engine's)" };
        var minP = new Option<double?>("--min-p") { Description = "Keep tokens with at least this fraction of the top probability, in [0, 1] (default: the engine's)" };
        var typicalP = new Option<double?>("--typical-p") { Description = "Locally typical mass in (0, 1]; 1 is off (default: the engine's)" };
        var repetition = new Option<double?>("--repetition-penalty") { Description = "Repetition penalty > 0 on previous tokens; 1 is off" };
        var presence = new Option<double?>("--presence-penalty") { Description = "Subtracted once from each previous token's logit; 0 is off" };
        var frequency = new Option<double?>("--frequency-penalty") { Description = "Subtracted per occurrence from each previous token's logit; 0 is off" };
        var previous = new Option<string?>("--previous-tokens") { Description = "The text so far for the penalties: token names or ids, comma-separated" };
        var draws = new Option<int>("--draws") { Description = "How many tokens to draw", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the xoshiro256** generator; the same seed gives the same draws", DefaultValueFactory = _ => 42 };
        var show = new Option<int>("--show") { Description = "How many of the most probable tokens each stage lists", DefaultValueFactory = _ => SamplingPipeline.DefaultShown };
        var plot = CommonOptions.Plot("the distribution before (input) and after every stage (final), most probable tokens");
        var json = CommonOptions.Json();
        var command = new Command("sample", "What sampling settings do to a next-token distribution, stage by stage, with seeded draws")
        {
            logits, probabilities, example, engine, temperature, topK, topP, minP, typicalP, repetition, presence, frequency, previous, draws, seed, show, plot, json,
        };
        command.SetAction(parse =>
        {
            string? file = parse.GetValue(logits);
            bool useExample = parse.GetValue(example);
            if (file is null == !useExample)
                throw new UsageException("sample: give either --logits FILE or --example");
            if (useExample && parse.GetValue(probabilities))
                throw new UsageException("sample: --probabilities describes a --logits file; the example needs no flag");
            var request = new SampleRequest
            {
                Engine = parse.GetValue(engine),
                Temperature = parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                MinP = parse.GetValue(minP),
                TypicalP = parse.GetValue(typicalP),
                RepetitionPenalty = parse.GetValue(repetition),
                PresencePenalty = parse.GetValue(presence),
                FrequencyPenalty = parse.GetValue(frequency),
                PreviousTokens = parse.GetValue(previous),
                Draws = parse.GetValue(draws),
                Seed = parse.GetValue(seed),
                Show = parse.GetValue(show),
            }.Resolve(FieldStyle.Cli);
            string? plotFile = parse.GetValue(plot);
            if (plotFile is not null)
                ChartFile.Check(plotFile);

            var input = useExample ? ExampleDistribution.Create() : LogitsFile.Read(file!, parse.GetValue(probabilities));
            string inputName = useExample ? $"built-in example: \"{ExampleDistribution.Prompt}\"" : file!;
            var report = request.Build(input, inputName);
            if (plotFile is not null)
                ChartFile.Save(SampleChart.Draw(report), plotFile);
            int exit = output.Emit(report, c => c.SampleReport, SampleRenderer.Render);
            if (plotFile is not null && !output.Json)
                output.Out.WriteLine($"Chart: {plotFile}");
            return exit;
        });
        return command;
    }
}
