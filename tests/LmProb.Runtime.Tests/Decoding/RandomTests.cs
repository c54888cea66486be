using LmProb.Internal;

namespace LmProb.Tests;

/// <summary>
/// The sampler's generator against the published reference outputs of SplitMix64 and xoshiro256**
/// (Vigna's C code), so the stream, and with it every sampled sequence, is pinned down.
/// </summary>
public class RandomTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_outputs_for_seed_1234567()
    {
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (var value in expected)
        {
            Assert.Equal(value, Xoshiro256StarStar.SplitMix64(ref state));
        }
    }

    [Fact]
    public void SplitMix64_of_seed_0_starts_with_the_reference_output()
    {
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, Xoshiro256StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void Xoshiro256StarStar_matches_the_reference_outputs_for_state_1_2_3_4()
    {
        var random = new Xoshiro256StarStar(1, 2, 3, 4);
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
            607988272756665600, 16172922978634559625, 8476171486693032832,
            10595114339597558777, 2904607092377533576,
        ];
        foreach (var value in expected)
        {
            Assert.Equal(value, random.NextUInt64());
        }
    }

    [Fact]
    public void The_seed_constructor_takes_the_state_from_SplitMix64()
    {
        ulong state = 42;
        var expected = new Xoshiro256StarStar(
            Xoshiro256StarStar.SplitMix64(ref state),
            Xoshiro256StarStar.SplitMix64(ref state),
            Xoshiro256StarStar.SplitMix64(ref state),
            Xoshiro256StarStar.SplitMix64(ref state));
        var actual = new Xoshiro256StarStar(42);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(expected.NextUInt64(), actual.NextUInt64());
        }
    }

    [Fact]
    public void NextDouble_is_the_top_53_bits_times_2_to_the_minus_53()
    {
        var bits = new Xoshiro256StarStar(7);
        var doubles = new Xoshiro256StarStar(7);
        for (var i = 0; i < 10000; i++)
        {
            var expected = (bits.NextUInt64() >> 11) / 9007199254740992.0;
            var actual = doubles.NextDouble();
            Assert.Equal(expected, actual);
            Assert.InRange(actual, 0.0, 1.0 - 1.0 / 9007199254740992.0);
        }
    }

    [Fact]
    public void Random_seeds_differ()
    {
        Assert.NotEqual(Xoshiro256StarStar.RandomSeed(), Xoshiro256StarStar.RandomSeed());
    }
}
