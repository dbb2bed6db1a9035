using Microsoft.ML.Data;
using MLNetGan.Torch;

namespace Microsoft.ML.Gan;

/// <summary>The checks and choices every network trainer makes before it trains: feature column, image shape, device, threads.</summary>
internal static class TrainerSetup
{
    /// <summary>The feature column, which must be a known-size vector of Single.</summary>
    public static (DataViewSchema.Column Column, VectorDataViewType Type) FeatureColumn(DataViewSchema schema, string name)
    {
        var column = ColumnChecks.RequireColumn(schema, name,
            t => t is VectorDataViewType { IsKnownSize: true, ItemType: var item } && item == NumberDataViewType.Single, "a known-size vector of Single");
        return (column, (VectorDataViewType)column.Type);
    }

    /// <summary>The feature column in a schema shape, which must be a vector of Single (the estimators' schema check).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of another kind.</exception>
    public static SchemaShape.Column FeatureColumn(SchemaShape inputSchema, string name)
    {
        if (!inputSchema.TryFindColumn(name, out var column))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{name}' not found. Available columns: {string.Join(", ", inputSchema.Select(c => c.Name))}.");
        }
        if (column.Kind != SchemaShape.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{name}' is {column.Kind} of {column.ItemType}; a known-size vector of Single is required.");
        }
        return column;
    }

    /// <summary>
    /// Gives the CPU blocks the training steps kept for reuse back to the system when a run ends (decision 58): during
    /// training the cache saves a page fault per tensor per step; afterwards it would only hold the step's working set.
    /// </summary>
    public static void ReturnCachedMemory() => torch.cpu.empty_cache();

    /// <summary>The scaling <see cref="DataScaling.Auto"/> stands for: one range for images, one per feature for rows.</summary>
    public static DataScaling ResolveScaling(DataScaling scaling, int[]? imageShape) =>
        scaling == DataScaling.Auto ? (imageShape is null ? DataScaling.PerFeature : DataScaling.Global) : scaling;

    /// <summary>
    /// Runs <paramref name="train"/> with libtorch's intra-op thread count set to <paramref name="threads"/> (when given)
    /// and restored after. The count governs the parallel work of the thread that set it, so Fits on other threads keep their own.
    /// </summary>
    public static T WithThreads<T>(int? threads, Func<T> train)
    {
        var previousThreads = torch.get_num_threads();
        if (threads is { } count) torch.set_num_threads(count);
        try
        {
            return train();
        }
        finally
        {
            torch.set_num_threads(previousThreads);
        }
    }

    public static int[]? ImageShapeOf(VectorDataViewType type, NetworkTrainerOptions options)
    {
        var fromColumn = type.Dimensions.Length == 3 ? type.Dimensions.ToArray() : null;
        if (options.ImageShape is { } configured)
        {
            if (configured.Length != 3 || configured.Any(d => d <= 0))
            {
                throw new ArgumentException($"ImageShape must be (channels, height, width) with positive sizes; got [{string.Join(", ", configured)}].", nameof(options));
            }
            if (configured.Aggregate(1, (a, b) => a * b) != type.Size)
            {
                throw new ArgumentException($"ImageShape [{string.Join(", ", configured)}] holds {configured.Aggregate(1, (a, b) => a * b)} values but column '{options.FeatureColumnName}' has {type.Size}.", nameof(options));
            }
            if (fromColumn is not null && !fromColumn.SequenceEqual(configured))
            {
                throw new ArgumentException($"ImageShape [{string.Join(", ", configured)}] contradicts the column's image shape [{string.Join(", ", fromColumn)}].", nameof(options));
            }
            return configured;
        }
        return fromColumn;
    }

    public static Device ResolveDevice(MLContext context, NetworkTrainerOptions options, string source)
    {
        var requested = context.GpuDeviceId is { } gpu ? new Device(DeviceType.CUDA, gpu) : ParseDevice(options.Device);
        if (requested.Type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            if (!context.FallbackToCpu)
            {
                throw new ArgumentException($"Device '{requested}' was requested (option Device or MLContext.GpuDeviceId) but this libtorch has no CUDA support or no GPU is visible. " +
                                            "Set MLContext.FallbackToCpu = true to train on the CPU instead, or build the native shim against a CUDA libtorch (see README).", nameof(options));
            }
            context.WriteLog(source, $"CUDA is not available; falling back to the CPU.", ChannelMessageKind.Warning);
            return Device.CPU;
        }
        return requested;
    }

    private static Device ParseDevice(string text)
    {
        try
        {
            return Device.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Option Device: {e.Message}", "options", e);
        }
    }
}
