using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LmProb.Internal;

/// <summary>Argument checks of <see cref="Decoding"/>, <see cref="Sampler"/> and <see cref="BeamSearch"/>.</summary>
/// <remarks>
/// Numbers in messages are formatted with the invariant culture, so messages read the same
/// everywhere. Negative probabilities use <c>NegativeProbability</c> from <c>ThrowHelper.Losses.cs</c>.
/// </remarks>
internal static partial class ThrowHelper
{
    /// <summary><c>k</c> is the length of the output spans; it must not exceed the length of the row.</summary>
    public static void ThrowIfKExceedsLength(int k, int length, string indicesName, string valuesName)
    {
        if (k > length)
        {
            throw new ArgumentOutOfRangeException(indicesName, k, Text.Invariant($"k = {indicesName}.Length {k} exceeds {valuesName}.Length {length}."));
        }
    }

    public static void ThrowIfKNotPositive(int k, string name = "k")
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(name, k, Text.Invariant($"{name} {k} must be at least 1."));
        }
    }

    /// <summary>A min-p ratio must be in [0, 1].</summary>
    public static void ThrowIfInvalidMinP(float minP, string name = "minP")
    {
        if (!(minP >= 0 && minP <= 1))
        {
            throw new ArgumentOutOfRangeException(name, minP, Text.Invariant($"{name} {minP} must be in [0, 1]."));
        }
    }

    /// <summary>An index buffer that must be able to hold every token of the row.</summary>
    public static void ThrowIfTooShort(int length, int requiredLength, string name, string requiredName)
    {
        if (length < requiredLength)
        {
            throw new ArgumentException(
                Text.Invariant($"{name}.Length {length} is less than {requiredName}.Length {requiredLength}; {name} must hold the whole vocabulary in the worst case."),
                name);
        }
    }

    public static void ThrowIfTokenOutOfRange(int tokenId, int length, string name, string lengthName)
    {
        if ((uint)tokenId >= (uint)length)
        {
            throw new ArgumentOutOfRangeException(
                name, tokenId, Text.Invariant($"{name} has token id {tokenId}, outside [0, {length}) of {lengthName}.Length {length}."));
        }
    }

    [DoesNotReturn]
    public static void NaNBias(string name, int tokenId) =>
        throw new ArgumentException(Text.Invariant($"{name}[{tokenId}] is NaN; a bias must be a number (-inf bans a token)."), name);

    /// <summary>A value of <see cref="SamplerOptions"/> that is out of range, named <c>options.Property</c>.</summary>
    [DoesNotReturn]
    public static void InvalidOption<T>(string property, T value, string requirement) =>
        throw new ArgumentOutOfRangeException("options", value, Text.Invariant($"options.{property} {value} {requirement}."));

    public static void ThrowIfBelowMinimum(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, Text.Invariant($"{name} {value} must be at least {minimum}."));
        }
    }

    public static void ThrowIfNonFiniteArgument(float value, string name)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, Text.Invariant($"{name} {value} must be finite."));
        }
    }

    /// <summary>The beam-search model returned no array for a prefix.</summary>
    [DoesNotReturn]
    public static void ModelReturnedNull(string name, IReadOnlyList<int> prefix) =>
        throw new ArgumentException(Text.Invariant($"{name} returned null for the prefix {Text.Describe(prefix)}."), name);

    /// <summary>The beam-search model returned arrays of different lengths for different prefixes.</summary>
    [DoesNotReturn]
    public static void ModelLengthChanged(string name, int length, int expectedLength, IReadOnlyList<int> prefix) =>
        throw new ArgumentException(
            Text.Invariant($"{name} returned {length} log-probabilities for the prefix {Text.Describe(prefix)}, but {expectedLength} for the empty prefix; every call must return one per vocabulary token."),
            name);

    /// <summary>The end token must be a token of the vocabulary the model returns.</summary>
    public static void ThrowIfEndTokenOutOfRange(int endToken, int vocabularySize, string name, string modelName)
    {
        if ((uint)endToken >= (uint)vocabularySize)
        {
            throw new ArgumentOutOfRangeException(
                name, endToken, Text.Invariant($"{name} {endToken} is outside [0, {vocabularySize}) of the {vocabularySize} log-probabilities {modelName} returned."));
        }
    }
}

/// <summary>Message formatting private to this file (file-local, so other partial files may use the same names).</summary>
file static class Text
{
    public static string Describe(IReadOnlyList<int> prefix)
    {
        const int Shown = 16;
        var text = string.Join(", ", System.Linq.Enumerable.Take(prefix, Shown));
        return prefix.Count > Shown
            ? Invariant($"[{text}, ...] ({prefix.Count} tokens)")
            : Invariant($"[{text}]");
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
