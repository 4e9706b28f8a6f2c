using System.Text;
using LlmSizer.Errors;
using LlmSizer.Sampling;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Sampling;

public class LogitsFileTests
{
    private static TokenLogits Parse(string text, bool probabilities = false) => LogitsFile.Parse(Encoding.UTF8.GetBytes(text), "f", probabilities);

    private static string Error(string text, bool probabilities = false) => Assert.Throws<InputException>(() => Parse(text, probabilities)).Message;

    [Fact]
    public void A_json_array_gives_ids_in_order()
    {
        var t = Parse("[1.5, -2, 3e0]");
        Assert.Equal(3, t.Count);
        Assert.Equal([1.5, -2, 3], t.Logits.ToArray());
        Assert.Equal("2", t.Name(2));
    }

    [Fact]
    public void A_json_object_gives_names_in_file_order()
    {
        var t = Parse("{\"Paris\": 5.1, \" the\": 2, \"Lyon\": -1}");
        Assert.Equal(["Paris", " the", "Lyon"], Enumerable.Range(0, 3).Select(t.Name));
        Assert.Equal(1, t.Find(" the"));
        Assert.Equal(2, t.Find("2")); // an id when no name matches
    }

    [Fact]
    public void Csv_takes_an_optional_header_comments_quotes_and_the_number_after_the_last_comma()
    {
        var t = Parse("token,logit\n# a comment\nParis,5\n\"a, b\",1.5\r\n\" x\",-2\n");
        Assert.Equal(["Paris", "a, b", " x"], Enumerable.Range(0, 3).Select(t.Name));
        Assert.Equal([5, 1.5, -2], t.Logits.ToArray());
    }

    [Fact]
    public void Probabilities_become_logits_ln_p_and_are_normalized()
    {
        var t = Parse("[2, 1, 1]", probabilities: true);
        var p = LogSumExp.Probabilities(t.Logits);
        Assert.Equal([0.5, 0.25, 0.25], p.Select(x => Math.Round(x, 15)));
    }

    [Theory]
    [InlineData("a,1\nb,NaN\n", "f: line 2, column 3: token 'b': NaN is not a finite number")]
    [InlineData("a,1\nb,Infinity\n", "f: line 2, column 3: token 'b': Infinity is not a finite number")]
    [InlineData("a,1\nb,x\n", "f: line 2, column 3: 'x': expected a logit")]
    [InlineData("a,1\nnocomma\n", "f: line 2: 'nocomma': expected token,logit")]
    [InlineData("a,1\na,2\n", "f: line 2: token 'a' appears twice (line 1)")]
    [InlineData("[1, 2,\n \"x\"]", "f: line 2, column 2: expected a number, found a string")]
    [InlineData("{\"a\": 1, \"a\": 2}", "f: line 1, column 10: token 'a' appears twice")]
    // Found by the fuzzer (fuzz/regressions/logits): a name the JSON reader passes but cannot decode.
    [InlineData("{\"a\": 1, \"\\udc00\": 2}", "f: line 1, column 10: expected a token in UTF-8 text, found invalid bytes or a lone surrogate escape")]
    [InlineData("[1, 1e400]", "f: line 1, column 5: token 1:")]
    [InlineData("[1, 2", "f: line 1, column 6: not valid JSON")]
    [InlineData("[1, 2] 3", "f: line 1, column 8: not valid JSON")]
    [InlineData("[]", "f: file: no tokens; expected at least one")]
    [InlineData("  \n", "f: file: empty; expected a JSON array")]
    public void Malformed_files_name_the_line_and_what_was_expected(string text, string message)
    {
        Assert.StartsWith(message, Error(text));
    }

    [Fact]
    public void Negative_or_all_zero_probabilities_are_refused()
    {
        Assert.StartsWith("f: line 1, column 5: token 1: probability -0.5 is negative", Error("[1, -0.5]", probabilities: true));
        Assert.StartsWith("f: file: every probability is 0", Error("[0, 0]", probabilities: true));
    }

    [Fact]
    public void A_file_over_64_MiB_is_refused_before_it_is_read()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "huge.json");
        using (var f = File.Create(path))
            f.SetLength(LogitsFile.MaxBytes + 1); // sparse: nothing is written or read
        var e = Assert.Throws<InputException>(() => LogitsFile.Read(path, false));
        Assert.Contains("67,108,865 bytes; expected at most 67,108,864 (64 MiB)", e.Message);
    }

    [Fact]
    public void Library_input_rejects_empty_vocabularies_and_non_finite_logits()
    {
        Assert.Contains("the vocabulary is empty", Assert.Throws<UsageException>(() => TokenLogits.FromLogits([])).Message);
        Assert.Contains("token 1 has logit NaN", Assert.Throws<UsageException>(() => TokenLogits.FromLogits([0, double.NaN])).Message);
        Assert.Contains("token 0 has logit -Infinity", Assert.Throws<UsageException>(() => TokenLogits.FromLogits([double.NegativeInfinity])).Message);
    }
}
