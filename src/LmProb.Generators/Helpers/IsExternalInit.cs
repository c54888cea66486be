// Lets netstandard2.0 compile records and init-only properties.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
