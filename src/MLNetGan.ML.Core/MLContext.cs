using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// The entry point of every ML.NET program: catalogs of data operations, transforms and model
/// operations, a seed for reproducibility, a log, and device preferences that trainers read.
/// </summary>
public sealed class MLContext : IHostEnvironment
{
    private readonly Random random;
    private readonly object randomGate = new();

    /// <summary>Creates a context; with a <paramref name="seed"/>, every random choice made through it is reproducible.</summary>
    public MLContext(int? seed = null)
    {
        Seed = seed;
        random = seed is { } s ? new Random(s) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        Model = new ModelOperationsCatalog(this);
        ComponentCatalog = new Runtime.ComponentCatalog();
    }

    /// <summary>The seed given at construction, if any.</summary>
    public int? Seed { get; }

    /// <summary>Loading, saving, splitting and sampling data.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Data transformations.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Saving, loading and using trained models.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>The assemblies model loading searches for components (<see cref="Runtime.ComponentCatalog.RegisterAssembly"/>).</summary>
    public Runtime.ComponentCatalog ComponentCatalog { get; }

    /// <summary>GPU to use for trainers that support one (null: CPU).</summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>When a GPU was requested but is unavailable: fall back to the CPU (true) or fail (false).</summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>Messages from components (progress, warnings, decisions).</summary>
    public event EventHandler<LoggingEventArgs>? Log;

    /// <summary>Sends a message to <see cref="Log"/> subscribers.</summary>
    public void WriteLog(string source, string message, ChannelMessageKind kind = ChannelMessageKind.Info) =>
        Log?.Invoke(this, new LoggingEventArgs($"[Source={source}, Kind={kind}] {message}", kind, source));

    /// <summary>The next seed for a component that needs its own random stream: derived from <see cref="Seed"/> when set.</summary>
    public int NextSeed()
    {
        lock (randomGate) return random.Next();
    }
}

/// <summary>A log message.</summary>
public sealed class LoggingEventArgs : EventArgs
{
    /// <summary>Creates it.</summary>
    public LoggingEventArgs(string message, ChannelMessageKind kind = ChannelMessageKind.Info, string source = "")
    {
        Message = message;
        Kind = kind;
        Source = source;
    }

    /// <summary>The formatted message.</summary>
    public string Message { get; }
    /// <summary>Its severity.</summary>
    public ChannelMessageKind Kind { get; }
    /// <summary>The component that wrote it.</summary>
    public string Source { get; }
}

/// <summary>Log message severity.</summary>
public enum ChannelMessageKind
{
    /// <summary>Verbose detail.</summary>
    Trace,
    /// <summary>Information.</summary>
    Info,
    /// <summary>Something looks wrong.</summary>
    Warning,
    /// <summary>A failure.</summary>
    Error,
}

/// <summary>Transformations, as <c>mlContext.Transforms</c>; most are extension methods defined beside each transform.</summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog(MLContext context)
    {
        Context = context;
        Conversion = new ConversionTransforms(context);
    }

    internal MLContext Context { get; }

    /// <summary>Type and key conversions.</summary>
    public ConversionTransforms Conversion { get; }

    /// <summary>Conversions, as <c>mlContext.Transforms.Conversion</c>.</summary>
    public sealed class ConversionTransforms
    {
        internal ConversionTransforms(MLContext context) => Context = context;
        internal MLContext Context { get; }
    }
}

/// <summary>An input/output column name pair.</summary>
public sealed class InputOutputColumnPair
{
    /// <summary>Creates the pair; the input defaults to the output name.</summary>
    public InputOutputColumnPair(string outputColumnName, string? inputColumnName = null)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The input column.</summary>
    public string InputColumnName { get; }
}
