using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace LmProb.Generators.Tests.Infrastructure;

/// <summary>
/// Reads the incremental steps a driver run recorded (it must be created with
/// <c>trackIncrementalGeneratorSteps: true</c>) and checks their run reasons and contents.
/// </summary>
internal static class IncrementalSteps
{
    /// <summary>Every step the generator names.</summary>
    public static readonly string[] TrackingNames =
    [
        KernelGenerator.TrackingNames.Parse,
        KernelGenerator.TrackingNames.Specs,
        KernelGenerator.TrackingNames.Diagnostics,
    ];

    /// <summary>The outputs of the named step (empty if it did not run).</summary>
    public static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string stepName) =>
        result.TrackedSteps.TryGetValue(stepName, out var steps)
            ? steps.SelectMany(step => step.Outputs)
            : [];

    /// <summary>The outputs of the source outputs (AddSource / ReportDiagnostic).</summary>
    public static IEnumerable<(object Value, IncrementalStepRunReason Reason)> SourceOutputs(GeneratorRunResult result) =>
        result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs);

    /// <summary>The source outputs that added a file (rather than only reporting diagnostics).</summary>
    public static IEnumerable<(object Value, IncrementalStepRunReason Reason)> EmittingOutputs(GeneratorRunResult result) =>
        SourceOutputs(result).Where(o => o.Value is ITuple { Length: 2 } tuple && tuple[0] is IEnumerable sources && sources.Cast<object>().Any());

    /// <summary>Fails unless every output of every named step and of the source outputs is Cached or Unchanged.</summary>
    public static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (var name in TrackingNames)
        {
            AssertReasons(Outputs(result, name), name, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }
        AssertReasons(SourceOutputs(result), "source output", IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    /// <summary>Fails unless every output has one of <paramref name="allowed"/> as its reason.</summary>
    public static void AssertReasons(IEnumerable<(object Value, IncrementalStepRunReason Reason)> outputs, string what, params IncrementalStepRunReason[] allowed)
    {
        var wrong = outputs.Where(o => !allowed.Contains(o.Reason)).ToList();
        if (wrong.Count > 0)
        {
            throw new XunitException(
                $"{what}: expected only {string.Join("/", allowed)}, got {string.Join(", ", wrong.Select(o => $"{o.Reason} ({o.Value})"))}.");
        }
    }

    /// <summary>
    /// Walks every output of every named step (what the source outputs consume), through records,
    /// tuples and collections, and fails on anything that would keep a compilation alive or defeat
    /// caching: symbols, syntax, semantic models, compilations, locations.
    /// </summary>
    public static void AssertHoldOnlyPlainValues(GeneratorRunResult result)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var name in TrackingNames)
        {
            foreach (var (value, _) in Outputs(result, name))
            {
                Walk(value, name, visited);
            }
        }
    }

    /// <summary>The walk of <see cref="AssertHoldOnlyPlainValues"/> over one value.</summary>
    public static void AssertPlainValue(object? value, string path) =>
        Walk(value, path, new HashSet<object>(ReferenceEqualityComparer.Instance));

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        switch (value)
        {
            case null:
                return;
            case ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Compilation or Location or SyntaxReference or IOperation
                or SyntaxToken or SyntaxTrivia or AttributeData or TypedConstant:
                throw new XunitException($"{path} holds a {value.GetType().FullName}: the pipeline would keep the compilation alive and never cache.");
            case string or DiagnosticDescriptor or TextSpan or LinePositionSpan or LinePosition:
                // Plain values; DiagnosticDescriptor is a static, value-equatable description.
                return;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is decimal)
        {
            return;
        }
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i++}]", visited);
            }
            return;
        }
        if (value is ITuple || type.Assembly == typeof(KernelGenerator).Assembly)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
            return;
        }
        throw new XunitException($"{path} holds a {type.FullName}, which this walker does not know to be a plain value.");
    }
}
