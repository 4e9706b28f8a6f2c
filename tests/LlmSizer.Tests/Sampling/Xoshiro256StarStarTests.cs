using LlmSizer.Sampling;
using Xunit;

namespace LlmSizer.Tests.Sampling;

public class Xoshiro256StarStarTests
{
    [Fact]
    public void Seed_zero_gives_the_first_output_of_the_splitmix64_reference_state()
    {
        // SplitMix64 from 0 fills the state with its published first outputs 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4,
        // 0x06C45D188009454F, 0xF88BB8A8724C81EC (https://prng.di.unimi.it/splitmix64.c). xoshiro256**'s first output is
        // rotl(s1 × 5, 7) × 9 mod 2^64 with s1 = 0x6E789E6AA1B965F4: s1 × 5 = 0x285B1815289EFDC4 (mod 2^64),
        // rotated left by 7 = 0x2D8C0A944F7EE214, × 9 = 0x99EC5F36CB75F2B4.
        var rng = new Xoshiro256StarStar(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, rng.NextUInt64());
    }

    [Fact]
    public void Doubles_lie_in_zero_one_and_average_one_half()
    {
        var rng = new Xoshiro256StarStar(99);
        double sum = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            double u = rng.NextDouble();
            Assert.InRange(u, 0, 1 - 1e-17);
            sum += u;
        }
        // Standard error of the mean of a million uniforms: √(1/12) / 1000 = 0.000289; 5 standard errors allowed.
        Assert.InRange(sum / 1_000_000, 0.5 - 0.00145, 0.5 + 0.00145);
    }
}
