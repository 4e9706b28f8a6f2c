using LlmSizer.Fuzz.Targets;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Fuzz;

/// <summary>
/// The fuzzer's findings, replayed without the fuzzer (fuzz/README.md): every crash, hang and most costly input that
/// fuzz/run.sh copied into fuzz/regressions/TARGET/ must now be accepted or refused cleanly, within the bounds the tool
/// promises for hostile input: at most 64 MB allocated and one second.
/// </summary>
public sealed class FuzzCorpusTests
{
    /// <summary>64 MB (10^6 bytes): the bound on what any one input may make the tool allocate.</summary>
    private const long MaxAllocatedBytes = 64_000_000;

    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(1);

    private static string RegressionFolder => Path.Combine(AppContext.BaseDirectory, "FuzzRegressions");

    private static string ConfigFixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs");

    public static TheoryData<string> Targets() => new(FuzzTargets.All.Select(t => t.Name));

    public static TheoryData<string, string> RegressionInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in Directory.EnumerateDirectories(RegressionFolder).Order(StringComparer.Ordinal))
            foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(folder), Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_of_a_target_reaches_its_reports_without_a_refusal(string target)
    {
        var fuzzTarget = FuzzTargets.Find(target)!;
        var seeds = FuzzSeeds.For(target, ConfigFixtures).ToList();
        Assert.NotEmpty(seeds);
        foreach (var (name, bytes) in seeds)
            Assert.True(fuzzTarget.Run(bytes) is null, $"{target} seed {name} was refused: {fuzzTarget.Run(bytes)}");
    }

    [Fact]
    public void Every_regression_folder_is_named_after_a_target()
    {
        foreach (string folder in Directory.EnumerateDirectories(RegressionFolder))
            Assert.NotNull(FuzzTargets.Find(Path.GetFileName(folder)));
    }

    [Theory]
    [MemberData(nameof(RegressionInputs))]
    public void A_fuzzer_finding_is_accepted_or_refused_cleanly_within_64_MB_and_one_second(string target, string file)
    {
        var fuzzTarget = FuzzTargets.Find(target)!;
        byte[] input = File.ReadAllBytes(Path.Combine(RegressionFolder, target, file));
        WarmUp(fuzzTarget);
        var (allocated, elapsed) = Cost.Of(() => fuzzTarget.Run(input));
        Assert.True(allocated <= MaxAllocatedBytes, $"{target}/{file} allocated {allocated:N0} bytes; the bound is {MaxAllocatedBytes:N0}");
        Assert.True(elapsed <= MaxTime, $"{target}/{file} took {elapsed.TotalMilliseconds:F0} ms; the bound is {MaxTime.TotalMilliseconds:F0} ms");
    }

    /// <summary>The first run of a target loads catalogs and compiles code: a cost of the process, not of the input.</summary>
    private static void WarmUp(FuzzTarget target)
    {
        foreach (var (_, bytes) in FuzzSeeds.For(target.Name, ConfigFixtures).Take(1))
            target.Run(bytes);
    }
}
