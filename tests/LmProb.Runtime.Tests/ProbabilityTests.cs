using System;
using System.Linq;
using LmProb.Tests.Infrastructure;

namespace LmProb.Tests;

public class ProbabilityTests
{
    [Fact]
    public void Softmax_of_1000_999_997_is_finite_and_sums_to_one()
    {
        float[] logits = [1000, 999, 997];
        var p = new float[3];
        Probability.Softmax(logits, p);
        // Reference: e^0, e^-1, e^-3 normalized = 0.70538451, 0.25949646, 0.03511903.
        Assertions.AllClose(Reference.Softmax(logits), p, relative: 2e-7 * 4);
        Assert.Equal(1.0, p.Sum(v => (double)v), 6);
    }
}
