using System.Text.Json;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Cli;

public class SampleCommandTests
{
    public SampleCommandTests() => ChartFont.Ensure();

    [Fact]
    public void Json_has_stages_with_candidates_and_a_final_list_sorted_descending()
    {
        var r = CliResult.Run("sample", "--example", "--json", "--draws", "2000");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json;
        Assert.Equal("llama.cpp", json.GetProperty("engine").GetString());
        var stages = json.GetProperty("stages").EnumerateArray().ToList();
        // llama.cpp defaults: top-k 40, top-p 0.95, min-p 0.05, temperature 0.8 (typical-p off, no penalties).
        Assert.Equal(["input", "top-k", "top-p", "min-p", "temperature"], stages.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([32_000, 40, 10, 10, 10], stages.Select(s => s.GetProperty("survivors").GetInt32()));
        var first = stages[0].GetProperty("candidates")[0];
        Assert.Equal("mat", first.GetProperty("token").GetString());
        Assert.Equal(0.40, first.GetProperty("probability").GetDouble(), 12);
        var final = json.GetProperty("final").EnumerateArray().Select(c => c.GetProperty("probability").GetDouble()).ToList();
        Assert.Equal(10, final.Count);
        Assert.Equal(final.OrderByDescending(p => p), final);
        Assert.InRange(final.Sum(), 1 - 1e-12, 1 + 1e-12);
        Assert.Equal(Math.Exp(json.GetProperty("entropyNats").GetDouble()), json.GetProperty("effectiveCandidates").GetDouble(), 12);
        var draws = json.GetProperty("draws");
        Assert.Equal(2000, draws.GetProperty("tokens").EnumerateArray().Sum(t => t.GetProperty("observed").GetInt32()));
        Assert.Equal(["--temperature", "--top-k", "--top-p", "--min-p", "--typical-p"],
            json.GetProperty("settings").GetProperty("defaulted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["topPAfterTopK", "temperatureOrder", "minPRelative", "lowTemperature"],
            json.GetProperty("explanations").EnumerateArray().Select(e => e.GetProperty("topic").GetString()));
    }

    [Fact]
    public void The_same_seed_prints_the_same_document()
    {
        string[] args = ["sample", "--example", "--json", "--seed", "7", "--temperature", "1.3", "--engine", "vllm", "--top-p", "0.9"];
        Assert.Equal(CliResult.Run(args).Stdout, CliResult.Run(args).Stdout);
    }

    [Fact]
    public void Tables_show_every_stage_the_draws_and_the_explanations()
    {
        var r = CliResult.Run("sample", "--example", "--temperature", "0.8", "--top-k", "36", "--top-p", "0.7", "--engine", "transformers");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Order: penalties → temperature → top-k → top-p → min-p → typical-p → dist", r.Stdout);
        Assert.Contains("after temperature 0.8:", r.Stdout);
        Assert.Contains("after top-k 36: 36 candidates", r.Stdout);
        Assert.Contains("top-p 0.7 ran after top-k 36", r.Stdout);
        Assert.Contains("Drawn", r.Stdout);
        Assert.Contains("█", r.Stdout);
        Assert.Contains("xoshiro256**", r.Stdout);
    }

    [Fact]
    public void Previous_tokens_by_name_are_penalized()
    {
        // Logits are ln p. Repetition penalty 2 doubles a negative logit, presence 1 subtracts 1 from every seen token:
        // "mat" (ln 0.4) → 2 ln 0.4 − 1, i.e. ∝ 0.4² / e; "floor" (seen twice; no frequency penalty) → 0.14² / e; the rest unchanged.
        // Renormalized over 1 − 0.4 − 0.14 + (0.16 + 0.0196) / e.
        var r = CliResult.Run("sample", "--example", "--json", "--engine", "vllm", "--repetition-penalty", "2", "--previous-tokens", "mat, floor,floor",
            "--presence-penalty", "1", "--draws", "0");
        Assert.Equal(0, r.ExitCode);
        var penalties = r.Json.GetProperty("stages")[1];
        Assert.Equal("penalties", penalties.GetProperty("name").GetString());
        Assert.Equal("repetition 2, presence 1 over 3 previous tokens", penalties.GetProperty("setting").GetString());
        double P(string token) => penalties.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("token").GetString() == token).GetProperty("probability").GetDouble();
        double total = 1 - 0.4 - 0.14 + (0.4 * 0.4 + 0.14 * 0.14) * Math.Exp(-1);
        Assert.Equal(0.4 * 0.4 * Math.Exp(-1) / total, P("mat"), 12);
        Assert.Equal(0.14 * 0.14 * Math.Exp(-1) / total, P("floor"), 12);
        Assert.Equal(0.09 / total, P("couch"), 12);
    }

    [Fact]
    public void A_csv_file_of_logits_is_read()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "l.csv");
        // logits ln 3, ln 1 → p 0.75, 0.25; temperature 1, nothing else (vllm defaults).
        File.WriteAllText(file, $"token,logit\nyes,{Math.Log(3).ToString(System.Globalization.CultureInfo.InvariantCulture)}\nno,0\n");
        var r = CliResult.Run("sample", "--logits", file, "--engine", "vllm", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(0.75, r.Json.GetProperty("final")[0].GetProperty("probability").GetDouble(), 12);
    }

    [Theory]
    [InlineData("--temperature", "-1", "--temperature -1: expected a finite number ≥ 0")]
    [InlineData("--top-p", "0", "--top-p 0: expected a number in (0, 1]")]
    [InlineData("--top-p", "1.5", "--top-p 1.5: expected a number in (0, 1]")]
    [InlineData("--top-k", "-1", "--top-k -1: expected an integer ≥ 0")]
    [InlineData("--min-p", "2", "--min-p 2: expected a number in [0, 1]")]
    [InlineData("--engine", "tgi", "--engine 'tgi': expected transformers, llama.cpp or vllm")]
    [InlineData("--previous-tokens", "zebra", "--previous-tokens is only used by the penalties")]
    public void Bad_settings_are_usage_errors(string option, string value, string message)
    {
        var r = CliResult.Run("sample", "--example", option, value, "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Equal("usage", r.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void An_unknown_previous_token_and_a_missing_input_are_usage_errors()
    {
        var unknown = CliResult.Run("sample", "--example", "--repetition-penalty", "1.2", "--previous-tokens", "zebra");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'zebra' is neither a token name nor an id below 32000", unknown.Stderr);
        var none = CliResult.Run("sample");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("give either --logits FILE or --example", none.Stderr);
    }

    [Fact]
    public void A_bad_file_is_exit_1_naming_the_file_and_line()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "bad.csv");
        File.WriteAllText(file, "a,1\nb,2\nc,NaN\n");
        var r = CliResult.Run("sample", "--logits", file, "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{file}: line 3, column 3: token 'c': NaN is not a finite number", r.Stderr);
        Assert.Equal("input", r.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", r.Stderr);
        var missing = CliResult.Run("sample", "--logits", Path.Combine(dir.Path, "none.json"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("none.json: file: not found", missing.Stderr);
    }

    [Fact]
    public void Plot_writes_a_png_and_the_svg_names_both_series()
    {
        using var dir = new TempDirectory();
        string png = Path.Combine(dir.Path, "s.png"), svg = Path.Combine(dir.Path, "s.svg");
        var r = CliResult.Run("sample", "--example", "--plot", png);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"Chart: {png}", r.Stdout);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal((byte)'P', bytes[1]);
        Assert.InRange(bytes.Length, 20_000, 2_000_000);
        Assert.Equal(0, CliResult.Run("sample", "--example", "--plot", svg, "--json").ExitCode);
        string text = File.ReadAllText(svg);
        foreach (string s in new[] { "llama.cpp: top-k 40 → top-p 0.95 → min-p 0.05 → temperature 0.8", "input, temperature 1", "final: 10 tokens can be drawn", "windowsill" })
            Assert.Contains(System.Security.SecurityElement.Escape(s), text);
    }
}
