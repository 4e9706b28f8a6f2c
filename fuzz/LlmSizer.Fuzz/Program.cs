using System.Diagnostics;
using LlmSizer.Fuzz.Targets;
using SharpFuzz;

// The fuzzing harness (fuzz/README.md): `run` under afl-fuzz, `seeds` for the start corpus, `replay` for findings.
static int Usage()
{
    Console.Error.WriteLine("usage: LlmSizer.Fuzz list | run TARGET | seeds TARGET DIR CONFIG_FIXTURES | replay TARGET FILE...");
    return 2;
}

static FuzzTarget? Target(string name)
{
    var target = FuzzTargets.Find(name);
    if (target is null)
        Console.Error.WriteLine($"unknown target '{name}'; known: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return target;
}

if (args.Length == 0)
    return Usage();
switch (args[0])
{
    case "list" when args.Length == 1:
        foreach (var t in FuzzTargets.All)
            Console.WriteLine($"{t.Name,-18} {t.Input}");
        return 0;

    case "run" when args.Length == 2:
    {
        if (Target(args[1]) is not { } target)
            return 2;
        // In-process persistent mode: one .NET start for many inputs. An exception other than a clean refusal escapes
        // the action, which SharpFuzz reports to afl-fuzz as a crash.
        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target.Run(copy.ToArray());
        });
        return 0;
    }

    case "seeds" when args.Length == 4:
    {
        if (Target(args[1]) is not { } target)
            return 2;
        Directory.CreateDirectory(args[2]);
        foreach (var (name, bytes) in FuzzSeeds.For(target.Name, args[3]))
            File.WriteAllBytes(Path.Combine(args[2], name), bytes);
        return 0;
    }

    case "replay" when args.Length >= 3:
    {
        if (Target(args[1]) is not { } target)
            return 2;
        int failures = 0;
        var inputs = args[2..].Select(file => (File: file, Bytes: File.ReadAllBytes(file))).ToList();
        // A first pass compiles and loads what the target uses, so the figures below are each input's own cost.
        foreach (var (_, bytes) in inputs)
        {
            try
            {
                target.Run(bytes);
            }
            catch (Exception)
            {
            }
        }
        foreach (var (file, bytes) in inputs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            string outcome;
            Exception? failure = null;
            try
            {
                outcome = target.Run(bytes) is { } refusal ? "refused: " + refusal : "accepted";
            }
            catch (Exception e)
            {
                failure = e;
                outcome = "FAILED";
            }
            double milliseconds = clock.Elapsed.TotalMilliseconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (failure is not null)
            {
                // The innermost frames of the library say where the parser let the exception through.
                string frames = string.Join(" < ", (failure.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Contains("LlmSizer.", StringComparison.Ordinal)).Take(3));
                outcome = $"FAILED {failure.GetType().Name}: {failure.Message} [{frames}]";
                failures++;
            }
            // One line per input, tab-separated: messages quote the input, whose tabs and newlines would split the line.
            string shown = new(outcome.Select(c => char.IsControl(c) ? '?' : c).ToArray());
            Console.WriteLine($"{file}\t{bytes.Length}\t{milliseconds:F1} ms\t{allocated}\t{shown}");
        }
        return failures == 0 ? 0 : 1;
    }

    default:
        return Usage();
}
