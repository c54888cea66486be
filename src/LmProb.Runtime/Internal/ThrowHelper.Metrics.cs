using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LmProb.Internal;

/// <summary>Argument errors of <see cref="Metrics"/>; messages are formatted in the invariant culture.</summary>
internal static partial class ThrowHelper
{
    /// <summary>Metrics are undefined over nothing, so an empty input is an argument error (not NaN).</summary>
    public static void ThrowIfEmpty(int length, string name)
    {
        if (length == 0)
        {
            throw new ArgumentException($"{name} is empty; it needs at least one element.", name);
        }
    }

    public static void ThrowIfShorterThan(int length, int minimum, string name, string reason)
    {
        if (length < minimum)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name}.Length {length} is less than {minimum}: {reason}."),
                name);
        }
    }

    [DoesNotReturn]
    public static void PositiveLogProbability(string name, int index, float value) =>
        throw new ArgumentOutOfRangeException(
            name,
            value,
            string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] is {value:R}; a log-probability must be <= 0."));

    /// <summary>A negative log-likelihood is never below 0; NaN is let through (NaN in, NaN out).</summary>
    public static void ThrowIfNegativeNll(double value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"{name} {value:R} is negative; a negative log-likelihood is >= 0."));
        }
    }

    public static void ThrowIfNotPositive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be positive."));
        }
    }

    public static void ThrowIfLessThan(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"{name} {value} must be at least {minimum}."));
        }
    }

    [DoesNotReturn]
    public static void ConfidenceOutOfRange(string name, int index, float value) =>
        throw new ArgumentOutOfRangeException(
            name,
            value,
            string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] is {value:R}; a confidence must be in [0, 1]."));

    public static void ThrowIfInvalidAlpha(double alpha, string name)
    {
        if (!(alpha >= 0) || double.IsPositiveInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(
                name,
                alpha,
                string.Create(CultureInfo.InvariantCulture, $"{name} {alpha:R} must be finite and >= 0."));
        }
    }

    [DoesNotReturn]
    public static void UndefinedLengthNormalization(LengthNormalization mode, string name) =>
        throw new ArgumentOutOfRangeException(
            name,
            mode,
            string.Create(CultureInfo.InvariantCulture, $"{name} {(int)mode} is not a {nameof(LengthNormalization)} value (None, Mean or Gnmt)."));

    [DoesNotReturn]
    public static void NoAnswerTokens(string name, int length) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{name} selects none of its {length} tokens; at least one answer token is needed."),
            name);

    [DoesNotReturn]
    public static void TokenOutOfVocabulary(string name, int index, int token, int vocabSize) =>
        throw new ArgumentOutOfRangeException(
            name,
            token,
            string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] is {token}, outside [0, {vocabSize}) of vocabSize {vocabSize}."));

    public static void ThrowIfStrideOutOfRange(int stride, int window, string name)
    {
        if (stride < 1 || stride > window)
        {
            throw new ArgumentOutOfRangeException(
                name,
                stride,
                string.Create(CultureInfo.InvariantCulture, $"{name} {stride} must be in [1, window {window}]."));
        }
    }

    [DoesNotReturn]
    public static void WindowTooLarge(int windowLength, int vocabSize) =>
        throw new ArgumentOutOfRangeException(
            "window",
            windowLength,
            string.Create(
                CultureInfo.InvariantCulture,
                $"A window of {windowLength} tokens times vocabSize {vocabSize} is {(long)windowLength * vocabSize} logits, more than an array can hold ({Array.MaxLength})."));

    [DoesNotReturn]
    public static void WindowLogitsNull(int windowStart, int windowLength) =>
        throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"windowLogits returned null for the window of {windowLength} tokens starting at token {windowStart}."));

    [DoesNotReturn]
    public static void WindowLogitsLength(int actual, int windowStart, int windowLength, int vocabSize) =>
        throw new InvalidOperationException(
            string.Create(
                CultureInfo.InvariantCulture,
                $"windowLogits returned {actual} logits for the window of {windowLength} tokens starting at token {windowStart}; expected windowLength {windowLength} × vocabSize {vocabSize} = {(long)windowLength * vocabSize}."));
}
