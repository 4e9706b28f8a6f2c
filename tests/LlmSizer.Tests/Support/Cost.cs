using System.Diagnostics;

namespace LlmSizer.Tests.Support;

/// <summary>What a piece of work cost: bytes allocated on the calling thread (the library runs on its caller's thread) and time.</summary>
internal static class Cost
{
    public static (long AllocatedBytes, TimeSpan Elapsed) Of(Action work)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        work();
        clock.Stop();
        return (GC.GetAllocatedBytesForCurrentThread() - before, clock.Elapsed);
    }
}
