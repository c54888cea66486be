using System.Threading.Tasks;
using Verify = LmProb.Analyzers.Tests.Infrastructure.AnalyzerVerifier<LmProb.Analyzers.Rules.NaiveVarianceAnalyzer>;
using VerifyFix = LmProb.Analyzers.Tests.Infrastructure.CodeFixVerifier<LmProb.Analyzers.Rules.NaiveVarianceAnalyzer, LmProb.CodeFixes.Rules.NaiveVarianceFixer>;

namespace LmProb.Analyzers.Tests.Rules;

public class NaiveVarianceTests
{
    // ---- fires

    [Fact]
    public Task LinqMeanOfSquaresMinusSquaredMean() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        class C
        {
            static float A(float[] xs)
            {
                float mean = xs.Average();
                return {|LMP010:xs.Select(v => v * v).Average() - mean * mean|};
            }

            static double B(double[] xs) => {|LMP010:xs.Average(v => v * v) - Math.Pow(xs.Average(), 2)|};

            static double D(List<double> xs) => Math.Sqrt({|LMP010:xs.Sum(v => v * v) / xs.Count - xs.Average() * xs.Average()|});
        }
        """);

    [Fact]
    public Task SumAndSumOfSquaresAccumulatedInOneLoop() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static float A(float[] x)
            {
                float sum = 0, sumSq = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += x[i];
                    sumSq += x[i] * x[i];
                }

                int n = x.Length;
                return {|LMP010:sumSq / n - (sum / n) * (sum / n)|};
            }

            static double B(ReadOnlySpan<float> x)
            {
                double s = 0, s2 = 0;
                foreach (var v in x)
                {
                    s += v;
                    s2 += v * v;
                }

                double mean = s / x.Length;
                double meanOfSquares = s2 / x.Length;
                return {|LMP010:meanOfSquares - mean * mean|};
            }
        }
        """);

    [Fact]
    public Task SampleVarianceFromTheComputationalFormula() => Verify.VerifyAsync("""
        using System;

        class C
        {
            static double A(double[] x)
            {
                double sum = 0, sumOfSquares = 0;
                foreach (var v in x)
                {
                    sum += v;
                    sumOfSquares += Math.Pow(v, 2);
                }

                int n = x.Length;
                return ({|LMP010:sumOfSquares - sum * sum / n|}) / (n - 1);
            }

            static double B(float[] x, int n)
            {
                float sum = 0, sumSq = 0;
                for (int i = 0; i < n; i++) { float v = x[i]; sum = sum + v; sumSq = sumSq + v * v; }
                float mean = sum / n;
                return ({|LMP010:sumSq - n * mean * mean|}) / (n - 1);
            }
        }
        """);

    [Fact]
    public Task TensorPrimitivesSumOfSquares() => Verify.VerifyAsync("""
        using System;
        using System.Numerics.Tensors;

        class C
        {
            static float A(ReadOnlySpan<float> x)
            {
                float mean = TensorPrimitives.Sum(x) / x.Length;
                return {|LMP010:TensorPrimitives.SumOfSquares(x) / x.Length - mean * mean|};
            }

            static float B(float[] x, float mean) => {|LMP010:TensorPrimitives.Dot(x, x) / x.Length - mean * mean|};
        }
        """);

    [Fact]
    public Task TorchSharpMeanOfSquaresMinusSquaredMean() => Verify.VerifyAsync("""
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static Tensor A(Tensor x) => {|LMP010:x.pow(2).mean() - x.mean().pow(2)|};
            static Tensor B(Tensor x) => {|LMP010:(x * x).mean() - x.mean() * x.mean()|};
            static Tensor D(Tensor x)
            {
                var mu = x.mean();
                return {|LMP010:x.square().mean() - mu.square()|};
            }
        }
        """);

    // ---- stays quiet

    [Fact]
    public Task TwoPassVariance() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float A(float[] x)
            {
                float mean = x.Average();
                float s = 0;
                for (int i = 0; i < x.Length; i++) s += (x[i] - mean) * (x[i] - mean);
                return s / x.Length;
            }

            static double B(double[] x)
            {
                double mean = x.Average();
                return x.Select(v => (v - mean) * (v - mean)).Average();
            }

            static double D(double[] x)
            {
                double mean = x.Average();
                double s = 0, compensation = 0;
                foreach (var v in x)
                {
                    var d = v - mean;
                    s += d * d;
                    compensation += d;
                }

                return (s - compensation * compensation / x.Length) / x.Length;
            }
        }
        """);

    [Fact]
    public Task WelfordUpdate() => Verify.VerifyNoDiagnosticAsync("""
        class C
        {
            static double Variance(double[] x)
            {
                double mean = 0, m2 = 0;
                int n = 0;
                foreach (var v in x)
                {
                    n++;
                    double delta = v - mean;
                    mean += delta / n;
                    m2 += delta * (v - mean);
                }

                return m2 / n;
            }
        }
        """);

    [Fact]
    public Task CovarianceAndUnrelatedDifferences() => Verify.VerifyNoDiagnosticAsync("""
        using System;
        using System.Linq;

        class C
        {
            static double Covariance(double[] x, double[] y)
            {
                double sxy = 0;
                for (int i = 0; i < x.Length; i++) sxy += x[i] * y[i];
                return sxy / x.Length - x.Average() * y.Average();
            }

            static double Energy(double[] x, double[] y) => x.Sum(v => v * v) - y.Average() * y.Average();

            static float Margin(float[] a, float b) => a.Average() - b * b;

            static int Integers(int[] x) => x.Sum(v => v * v) / x.Length - x[0] * x[0];
        }
        """);

    [Fact]
    public Task LibraryVarianceAndTorchVar() => Verify.VerifyNoDiagnosticAsync("""
        using LmProb;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static double A(float[] x) => Metrics.Variance(x);
            static Tensor B(Tensor x) => x.var(unbiased: false);
            static Tensor D(Tensor x) => (x - x.mean()).pow(2).mean();
        }
        """);

    // ---- fix

    [Fact]
    public Task FixLinqFormToMetricsVarianceAndAddsTheUsing() => VerifyFix.VerifyFixAsync("""
        using System;
        using System.Linq;

        class C
        {
            static float A(float[] xs)
            {
                float mean = xs.Average();
                return {|LMP010:xs.Select(v => v * v).Average() - mean * mean|};
            }

            static double B(float[] xs) => Math.Sqrt({|LMP010:xs.Average(v => v * v) - Math.Pow(xs.Average(), 2)|});
        }
        """, """
        using System;
        using System.Linq;
        using LmProb;

        class C
        {
            static float A(float[] xs)
            {
                float mean = xs.Average();
                return (float)Metrics.Variance(xs);
            }

            static double B(float[] xs) => Math.Sqrt(Metrics.Variance(xs));
        }
        """);

    [Fact]
    public Task FixLoopFormToMetricsVariance() => VerifyFix.VerifyFixAsync("""
        using System;
        using LmProb;

        class C
        {
            static double A(ReadOnlySpan<float> x)
            {
                double s = 0, s2 = 0;
                foreach (var v in x)
                {
                    s += v;
                    s2 += v * v;
                }

                double mean = s / x.Length;
                return {|LMP010:s2 / x.Length - mean * mean|};
            }

            static float B(float[] x)
            {
                float sum = 0, sumSq = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += x[i];
                    sumSq += x[i] * x[i];
                }

                int n = x.Length;
                return {|LMP010:sumSq / n - (sum / n) * (sum / n)|};
            }
        }
        """, """
        using System;
        using LmProb;

        class C
        {
            static double A(ReadOnlySpan<float> x)
            {
                double s = 0, s2 = 0;
                foreach (var v in x)
                {
                    s += v;
                    s2 += v * v;
                }

                double mean = s / x.Length;
                return Metrics.Variance(x);
            }

            static float B(float[] x)
            {
                float sum = 0, sumSq = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += x[i];
                    sumSq += x[i] * x[i];
                }

                int n = x.Length;
                return (float)Metrics.Variance(x);
            }
        }
        """);

    [Fact]
    public Task NoFixForDoublesPartialPassesSampleFormsOrTensors() => VerifyFix.VerifyNoFixAsync("""
        using System;
        using System.Linq;
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static double A(double[] xs) => {|LMP010:xs.Average(v => v * v) - Math.Pow(xs.Average(), 2)|};

            static float B(float[] x, int n)
            {
                float sum = 0, sumSq = 0;
                for (int i = 0; i < n; i++) { sum += x[i]; sumSq += x[i] * x[i]; }
                return {|LMP010:sumSq / n - (sum / n) * (sum / n)|};
            }

            static float D(float[] x)
            {
                float sum = 0, sumSq = 0;
                foreach (var v in x) { sum += v; if (v > 0) sumSq += v * v; }
                return {|LMP010:sumSq / x.Length - (sum / x.Length) * (sum / x.Length)|};
            }

            static float E(float[] x, float mean) => {|LMP010:x.Average(v => v * v) - mean * mean|};

            static Tensor F(Tensor x) => {|LMP010:x.pow(2).mean() - x.mean().pow(2)|};

            private static float _mean;

            static float G(float[] x)
            {
                _mean = x.Average();
                return {|LMP010:x.Average(v => v * v) - _mean * _mean|};
            }
        }
        """);
}
