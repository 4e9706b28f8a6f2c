using Xunit;

namespace LlmSizer.Tests.Text;

public class EditDistanceTests
{
    // Levenshtein's classic example (kitten → sitting: 3 edits); a swap of neighbours is one edit with transpositions.
    [Theory]
    [InlineData("kitten", "sitting", 3, 3)]
    [InlineData("rtx4900", "rtx4090", 2, 1)]
    [InlineData("", "h100", 4, 4)]
    [InlineData("ca", "abc", 3, 3)]
    public void Distances_match_hand_counts(string a, string b, int levenshtein, int withTranspositions)
    {
        Assert.Equal(levenshtein, EditDistance.Between(a, b));
        Assert.Equal(withTranspositions, EditDistance.WithTranspositions(a, b));
    }

    [Fact]
    public void Lengths_further_apart_than_the_limit_answer_limit_plus_one_without_the_table()
    {
        string huge = new('s', 1_000_000);
        Assert.Equal(11, EditDistance.Between(huge, "rtx4090", max: 10));
        Assert.Equal(11, EditDistance.WithTranspositions(huge, "rtx4090", max: 10));
        Assert.Equal(2, EditDistance.WithTranspositions("rtx4900x", "rtx4090", max: 10));
    }
}
