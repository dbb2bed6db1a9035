using System.IO.Compression;
using System.Reflection;
using System.Text.Json;

namespace Microsoft.ML;

/// <summary>Implemented by everything that can be written into a model file.</summary>
public interface ICanSaveModel
{
    /// <summary>Writes this component into <paramref name="ctx"/>: call <see cref="ModelSaveContext.SetComponent"/> first, then write entries.</summary>
    void Save(ModelSaveContext ctx);
}

/// <summary>
/// Where a component writes itself inside a model file: a folder of the zip archive. Public (unlike
/// ML.NET's), so any library can add saveable transformers; pair it with <see cref="ModelComponentAttribute"/>.
/// </summary>
public sealed class ModelSaveContext
{
    private readonly ZipArchive archive;
    private bool componentSet;

    internal ModelSaveContext(ZipArchive archive, string directory)
    {
        this.archive = archive;
        Directory = directory;
    }

    /// <summary>This component's folder inside the archive.</summary>
    public string Directory { get; }

    /// <summary>Declares which registered component (and format version) this folder holds; loading looks the id up.</summary>
    public void SetComponent(string componentId, int formatVersion)
    {
        ModelEntryNames.ValidateComponentId(componentId);
        if (componentSet) throw new InvalidOperationException($"The component of '{Directory}' was already declared.");
        componentSet = true;
        WriteJson(ModelEntryNames.ComponentFile, new ComponentHeader { Id = componentId, Version = formatVersion });
    }

    /// <summary>Creates entry <paramref name="name"/> in this folder and returns a stream to write it.</summary>
    public Stream CreateEntry(string name)
    {
        ModelEntryNames.ValidateEntryName(name);
        return archive.CreateEntry(Directory + "/" + name, CompressionLevel.Fastest).Open();
    }

    /// <summary>Writes <paramref name="value"/> as JSON entry <paramref name="name"/> (camel case by default).</summary>
    public void WriteJson<T>(string name, T value, JsonSerializerOptions? options = null)
    {
        using var stream = CreateEntry(name);
        JsonSerializer.Serialize(stream, value, options ?? ModelEntryNames.JsonOptions);
    }

    /// <summary>Saves a nested component into subfolder <paramref name="name"/>.</summary>
    public void SaveSubComponent(string name, ICanSaveModel component)
    {
        ModelEntryNames.ValidateEntryName(name);
        var child = new ModelSaveContext(archive, Directory + "/" + name);
        component.Save(child);
        if (!child.componentSet) throw new InvalidOperationException($"{component.GetType().Name}.Save did not call SetComponent.");
    }

    internal bool ComponentSet => componentSet;
}

/// <summary>Reads one component's folder of a model file. Entry names are validated; nothing is executed.</summary>
public sealed class ModelLoadContext
{
    private readonly ZipArchive archive;

    internal ModelLoadContext(ZipArchive archive, string directory, string componentId, int formatVersion, MLContext context)
    {
        this.archive = archive;
        Context = context;
        Directory = directory;
        ComponentId = componentId;
        FormatVersion = formatVersion;
    }

    /// <summary>The context loading the model: loaded components log to it and use its catalogs.</summary>
    public MLContext Context { get; }
    /// <summary>This component's folder.</summary>
    public string Directory { get; }
    /// <summary>The component id stored in the file.</summary>
    public string ComponentId { get; }
    /// <summary>The component's format version stored in the file.</summary>
    public int FormatVersion { get; }

    /// <summary>Whether entry <paramref name="name"/> exists.</summary>
    public bool HasEntry(string name)
    {
        ModelEntryNames.ValidateEntryName(name);
        return archive.GetEntry(Directory + "/" + name) is not null;
    }

    /// <summary>Opens entry <paramref name="name"/> for reading.</summary>
    /// <exception cref="InvalidDataException">The entry is missing.</exception>
    public Stream OpenEntry(string name)
    {
        ModelEntryNames.ValidateEntryName(name);
        var entry = archive.GetEntry(Directory + "/" + name)
            ?? throw new InvalidDataException($"Model file is missing entry '{Directory}/{name}'.");
        return entry.Open();
    }

    /// <summary>Reads JSON entry <paramref name="name"/> (with the options it was written with).</summary>
    /// <exception cref="InvalidDataException">The entry is missing or malformed.</exception>
    public T ReadJson<T>(string name, JsonSerializerOptions? options = null)
    {
        using var stream = OpenEntry(name);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, options ?? ModelEntryNames.JsonOptions)
                ?? throw new InvalidDataException($"Model entry '{Directory}/{name}' is empty.");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // Constructors that validate their arguments run during deserialization: their complaints mean a malformed file.
            throw new InvalidDataException($"Model entry '{Directory}/{name}' is malformed: {e.Message}", e);
        }
    }

    /// <summary>Loads the nested component saved with <see cref="ModelSaveContext.SaveSubComponent"/>.</summary>
    public ITransformer LoadSubComponent(string name)
    {
        ModelEntryNames.ValidateEntryName(name);
        return ModelComponentCatalog.LoadComponent(archive, Directory + "/" + name, Context);
    }

    /// <summary>Throws unless the stored format version is between 1 and <paramref name="maximum"/>.</summary>
    public void CheckFormatVersion(int maximum)
    {
        if (FormatVersion < 1 || FormatVersion > maximum)
        {
            throw new InvalidDataException($"Component '{ComponentId}' in '{Directory}' has format version {FormatVersion}; this library reads versions 1 to {maximum}.");
        }
    }
}

/// <summary>
/// Marks a class as a loadable model component with a stable id. The class must have
/// <c>public static ITransformer Load(ModelLoadContext ctx)</c>. Only such classes are ever
/// instantiated when loading a model; the file names an id, never a type.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelComponentAttribute : Attribute
{
    /// <summary>Declares the id.</summary>
    public ModelComponentAttribute(string componentId) => ComponentId = componentId;

    /// <summary>The id written into model files.</summary>
    public string ComponentId { get; }
}

/// <summary>The registry of loadable components: explicit registrations plus classes marked with <see cref="ModelComponentAttribute"/>.</summary>
public static class ModelComponentCatalog
{
    private static readonly Dictionary<string, Func<ModelLoadContext, ITransformer>> Loaders = new(StringComparer.Ordinal);
    private static readonly HashSet<Assembly> Scanned = new();
    private static readonly object Gate = new();

    /// <summary>Registers a loader for <paramref name="componentId"/> (replacing any earlier one).</summary>
    public static void Register(string componentId, Func<ModelLoadContext, ITransformer> loader)
    {
        ModelEntryNames.ValidateComponentId(componentId);
        ArgumentNullException.ThrowIfNull(loader);
        lock (Gate) Loaders[componentId] = loader;
    }

    /// <summary>Whether a loader is known for <paramref name="componentId"/>.</summary>
    public static bool IsRegistered(string componentId) => TryGetLoader(componentId, out _);

    private static bool TryGetLoader(string componentId, out Func<ModelLoadContext, ITransformer> loader)
    {
        lock (Gate)
        {
            if (Loaders.TryGetValue(componentId, out loader!)) return true;
            foreach (var assembly in CandidateAssemblies()) ScanAssembly(assembly);
            return Loaders.TryGetValue(componentId, out loader!);
        }
    }

    // Loaded assemblies, plus the ones the application references, which may not be loaded yet.
    private static IEnumerable<Assembly> CandidateAssemblies()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().ToList();
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            foreach (var reference in entry.GetReferencedAssemblies())
            {
                try
                {
                    loaded.Add(Assembly.Load(reference));
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference that cannot be loaded holds no components we could use.
                }
            }
        }
        return loaded.Distinct();
    }

    /// <summary>Scans <paramref name="assembly"/> for components now (<c>mlContext.ComponentCatalog.RegisterAssembly</c>).</summary>
    internal static void RegisterAssembly(Assembly assembly, bool throwOnError)
    {
        lock (Gate)
        {
            Scanned.Remove(assembly);
            ScanAssembly(assembly, throwOnError);
        }
    }

    private static void ScanAssembly(Assembly assembly, bool throwOnError = false)
    {
        if (!Scanned.Add(assembly) || assembly.IsDynamic) return;
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e) when (!throwOnError)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }
        foreach (var type in types)
        {
            if (type.GetCustomAttribute<ModelComponentAttribute>() is not { } attribute) continue;
            var method = type.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, new[] { typeof(ModelLoadContext) });
            if (method is null || !typeof(ITransformer).IsAssignableFrom(method.ReturnType)) continue;
            Loaders.TryAdd(attribute.ComponentId, ctx => (ITransformer)method.Invoke(null, new object[] { ctx })!);
        }
    }

    internal static ITransformer LoadComponent(ZipArchive archive, string directory, MLContext context)
    {
        var headerEntry = archive.GetEntry(directory + "/" + ModelEntryNames.ComponentFile)
            ?? throw new InvalidDataException($"Model file has no component at '{directory}'.");
        ComponentHeader header;
        try
        {
            using var stream = headerEntry.Open();
            header = JsonSerializer.Deserialize<ComponentHeader>(stream, ModelEntryNames.JsonOptions)
                ?? throw new InvalidDataException($"Component header '{directory}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Component header '{directory}' is malformed: {e.Message}", e);
        }
        if (string.IsNullOrEmpty(header.Id)) throw new InvalidDataException($"Component header '{directory}' has no id.");
        if (!TryGetLoader(header.Id, out var loader))
        {
            throw new InvalidDataException($"Model component '{header.Id}' (in '{directory}') is not registered. Reference the library that defines it.");
        }
        try
        {
            return loader(new ModelLoadContext(archive, directory, header.Id, header.Version, context));
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}

internal sealed class ComponentHeader
{
    public string Id { get; set; } = "";
    public int Version { get; set; }
}

internal static class ModelEntryNames
{
    internal const string ComponentFile = "component.json";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // Entry names are single path segments of safe characters: no traversal, no absolute paths.
    internal static void ValidateEntryName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name is "." or ".."
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ArgumentException($"'{name}' is not a valid model entry name (letters, digits, '_', '-', '.'; one path segment).", nameof(name));
        }
    }

    internal static void ValidateComponentId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw new ArgumentException($"'{id}' is not a valid component id.", nameof(id));
        }
    }
}
