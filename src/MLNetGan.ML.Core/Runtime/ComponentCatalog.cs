using System.Reflection;

namespace Microsoft.ML.Runtime;

/// <summary>
/// <c>mlContext.ComponentCatalog</c>: tells model loading which assemblies hold loadable components, as in ML.NET.
/// Loading already searches the loaded and referenced assemblies; registering one searches it at once (and makes
/// its custom mapping factories and <see cref="ModelComponentAttribute"/> loaders known even when nothing else
/// refers to it yet).
/// </summary>
public sealed class ComponentCatalog
{
    internal ComponentCatalog() { }

    /// <summary>Registers the model components and custom mapping factories of <paramref name="assembly"/>.</summary>
    /// <exception cref="ReflectionTypeLoadException">Some of its types cannot be loaded and <paramref name="throwOnError"/> is true.</exception>
    public void RegisterAssembly(Assembly assembly, bool throwOnError = true)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ModelComponentCatalog.RegisterAssembly(assembly, throwOnError);
    }
}
