using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

// Catalog extension methods live in Microsoft.ML, as in ML.NET, so `using Microsoft.ML;` is all user code needs.
namespace Microsoft.ML;

/// <summary>Column transform factories on <c>mlContext.Transforms</c>.</summary>
public static class TransformExtensionsCatalog
{
    /// <summary>Concatenates <paramref name="inputColumnNames"/> (scalars or vectors of one item type) into vector column <paramref name="outputColumnName"/>.</summary>
    public static ColumnConcatenatingEstimator Concatenate(this TransformsCatalog catalog, string outputColumnName, params string[] inputColumnNames) =>
        new(outputColumnName, inputColumnNames);

    /// <summary>Copies <paramref name="inputColumnName"/> to <paramref name="outputColumnName"/>.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, string outputColumnName, string inputColumnName) =>
        new((outputColumnName, inputColumnName));

    /// <summary>Copies several columns.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, InputOutputColumnPair[] columns) =>
        new(columns.Select(c => (c.OutputColumnName, c.InputColumnName)).ToArray());

    /// <summary>Removes the named columns.</summary>
    public static ColumnSelectingEstimator DropColumns(this TransformsCatalog catalog, params string[] columnNames) => new(columnNames, keep: false, keepHidden: false);

    /// <summary>Keeps only the named columns, in the given order.</summary>
    public static ColumnSelectingEstimator SelectColumns(this TransformsCatalog catalog, params string[] columnNames) => new(columnNames, keep: true, keepHidden: false);

    /// <summary>Keeps only the named columns, optionally with their hidden versions.</summary>
    public static ColumnSelectingEstimator SelectColumns(this TransformsCatalog catalog, string[] columnNames, bool keepHidden) => new(columnNames, keep: true, keepHidden);
}

/// <summary>Normalizer factories on <c>mlContext.Transforms</c>.</summary>
public static class NormalizationCatalog
{
    /// <summary>Min-max normalization of <paramref name="inputColumnName"/> into <paramref name="outputColumnName"/> (see <see cref="NormalizingEstimator.NormalizationMode.MinMax"/>).</summary>
    public static NormalizingEstimator NormalizeMinMax(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
                                                       long maximumExampleCount = 1_000_000_000, bool fixZero = true) =>
        new(catalog.Context, NormalizingEstimator.NormalizationMode.MinMax, new[] { new InputOutputColumnPair(outputColumnName, inputColumnName) }, maximumExampleCount, fixZero);

    /// <summary>Min-max normalization of several columns.</summary>
    public static NormalizingEstimator NormalizeMinMax(this TransformsCatalog catalog, InputOutputColumnPair[] columns,
                                                       long maximumExampleCount = 1_000_000_000, bool fixZero = true) =>
        new(catalog.Context, NormalizingEstimator.NormalizationMode.MinMax, columns, maximumExampleCount, fixZero);

    /// <summary>
    /// Mean-variance normalization (see <see cref="NormalizingEstimator.NormalizationMode.MeanVariance"/>); with
    /// <paramref name="useCdf"/>, each value becomes the standard normal CDF of its z-score, in (0, 1).
    /// </summary>
    public static NormalizingEstimator NormalizeMeanVariance(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
                                                             long maximumExampleCount = 1_000_000_000, bool fixZero = true, bool useCdf = false) =>
        new(catalog.Context, NormalizingEstimator.NormalizationMode.MeanVariance, new[] { new InputOutputColumnPair(outputColumnName, inputColumnName) },
            maximumExampleCount, fixZero, useCdf);

    /// <summary>Mean-variance normalization of several columns.</summary>
    public static NormalizingEstimator NormalizeMeanVariance(this TransformsCatalog catalog, InputOutputColumnPair[] columns,
                                                             long maximumExampleCount = 1_000_000_000, bool fixZero = true, bool useCdf = false) =>
        new(catalog.Context, NormalizingEstimator.NormalizationMode.MeanVariance, columns, maximumExampleCount, fixZero, useCdf);
}

/// <summary>Key conversions on <c>mlContext.Transforms.Conversion</c>.</summary>
public static class ConversionsExtensionsCatalog
{
    /// <summary>
    /// Maps values to keys (1-based; 0 means unseen or missing). With <paramref name="keyData"/> (a view of one column),
    /// its values are the keys, in its order, instead of the values seen in the data.
    /// </summary>
    public static ValueToKeyMappingEstimator MapValueToKey(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null,
                                                           int maximumNumberOfKeys = 1_000_000,
                                                           ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence,
                                                           bool addKeyValueAnnotationsAsText = false, IDataView? keyData = null) =>
        new(new[] { (outputColumnName, inputColumnName ?? outputColumnName) }, maximumNumberOfKeys, keyOrdinality, keyData);

    /// <summary>Maps each input column of <paramref name="columns"/> to keys, each with its own map (or all with <paramref name="keyData"/>'s).</summary>
    public static ValueToKeyMappingEstimator MapValueToKey(this TransformsCatalog.ConversionTransforms catalog, InputOutputColumnPair[] columns,
                                                           int maximumNumberOfKeys = 1_000_000,
                                                           ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence,
                                                           bool addKeyValueAnnotationsAsText = false, IDataView? keyData = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return new(columns.Select(c => (c.OutputColumnName, c.InputColumnName)).ToArray(), maximumNumberOfKeys, keyOrdinality, keyData);
    }

    /// <summary>Maps keys back to their values (as text).</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null) =>
        new(new[] { (outputColumnName, inputColumnName ?? outputColumnName) });

    /// <summary>Maps each key column of <paramref name="columns"/> back to its values (as text).</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, InputOutputColumnPair[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return new(columns.Select(c => (c.OutputColumnName, c.InputColumnName)).ToArray());
    }

    /// <summary>Converts <paramref name="inputColumnName"/> (numbers, booleans, text or keys; scalar or vector) to <paramref name="outputKind"/>.</summary>
    public static TypeConvertingEstimator ConvertType(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null,
                                                      DataKind outputKind = DataKind.Single) =>
        new(new[] { (outputColumnName, inputColumnName ?? outputColumnName) }, outputKind);

    /// <summary>Converts each input column of <paramref name="columns"/> to <paramref name="outputKind"/>.</summary>
    public static TypeConvertingEstimator ConvertType(this TransformsCatalog.ConversionTransforms catalog, InputOutputColumnPair[] columns,
                                                      DataKind outputKind = DataKind.Single)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return new(columns.Select(c => (c.OutputColumnName, c.InputColumnName)).ToArray(), outputKind);
    }

}

/// <summary>Custom mapping factory on <c>mlContext.Transforms</c>.</summary>
public static class CustomMappingCatalog
{
    /// <summary>Applies <paramref name="mapAction"/> to each row.</summary>
    public static CustomMappingEstimator<TSrc, TDst> CustomMapping<TSrc, TDst>(this TransformsCatalog catalog, Action<TSrc, TDst> mapAction, string? contractName,
                                                                              SchemaDefinition? inputSchemaDefinition = null, SchemaDefinition? outputSchemaDefinition = null)
        where TSrc : class, new()
        where TDst : class, new() =>
        new(mapAction, contractName, inputSchemaDefinition, outputSchemaDefinition);

    /// <summary>
    /// A custom mapping with state per cursor: <paramref name="stateInitAction"/> prepares a new <typeparamref name="TState"/>
    /// for every cursor, and <paramref name="mapAction"/> sees it with each row (running sums, counters, random streams).
    /// </summary>
    public static StatefulCustomMappingEstimator<TSrc, TDst, TState> StatefulCustomMapping<TSrc, TDst, TState>(this TransformsCatalog catalog,
        Action<TSrc, TDst, TState> mapAction, Action<TState> stateInitAction, string? contractName)
        where TSrc : class, new()
        where TDst : class, new()
        where TState : class, new() => new(mapAction, stateInitAction, contractName);
}

/// <summary>Image transform factories on <c>mlContext.Transforms</c>.</summary>
public static class ImageEstimatorsCatalog
{
    /// <summary>Loads images named by the text column <paramref name="inputColumnName"/>, relative to <paramref name="imageFolder"/>.</summary>
    public static TrivialImageEstimator<ImageLoadingTransformer> LoadImages(this TransformsCatalog catalog, string outputColumnName, string? imageFolder, string? inputColumnName = null) =>
        new(new ImageLoadingTransformer(imageFolder, outputColumnName, inputColumnName ?? outputColumnName));

    /// <summary>Resizes images to <paramref name="imageWidth"/> x <paramref name="imageHeight"/>.</summary>
    public static TrivialImageEstimator<ImageResizingTransformer> ResizeImages(this TransformsCatalog catalog, string outputColumnName, int imageWidth, int imageHeight,
                                                                               string? inputColumnName = null,
                                                                               ImageResizingEstimator.ResizingKind resizing = ImageResizingEstimator.ResizingKind.IsoCrop,
                                                                               ImageResizingEstimator.Anchor cropAnchor = ImageResizingEstimator.Anchor.Center) =>
        new(new ImageResizingTransformer(outputColumnName, imageWidth, imageHeight, inputColumnName ?? outputColumnName, resizing, cropAnchor));

    /// <summary>Converts images to gray.</summary>
    public static TrivialImageEstimator<ImageGrayscalingTransformer> ConvertToGrayscale(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null) =>
        new(new ImageGrayscalingTransformer(outputColumnName, inputColumnName ?? outputColumnName));

    /// <summary>Extracts pixel values into a vector: (pixel - offsetImage) * scaleImage.</summary>
    public static TrivialImageEstimator<ImagePixelExtractingTransformer> ExtractPixels(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
                                                                                       ImagePixelExtractingEstimator.ColorBits colorsToExtract = ImagePixelExtractingEstimator.ColorBits.Rgb,
                                                                                       ImagePixelExtractingEstimator.ColorsOrder orderOfExtraction = ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                                                                                       bool interleavePixelColors = false, float offsetImage = 0, float scaleImage = 1,
                                                                                       bool outputAsFloatArray = true) =>
        new(new ImagePixelExtractingTransformer(outputColumnName, inputColumnName ?? outputColumnName, colorsToExtract, orderOfExtraction, interleavePixelColors,
            offsetImage, scaleImage, outputAsFloatArray));

    /// <summary>Converts a vector into an image of <paramref name="imageHeight"/> x <paramref name="imageWidth"/>: pixel = value * scaleImage - offsetImage.</summary>
    public static TrivialImageEstimator<VectorToImageConvertingTransformer> ConvertToImage(this TransformsCatalog catalog, int imageHeight, int imageWidth, string outputColumnName,
                                                                                           string? inputColumnName = null,
                                                                                           ImagePixelExtractingEstimator.ColorBits colorsPresent = ImagePixelExtractingEstimator.ColorBits.Rgb,
                                                                                           ImagePixelExtractingEstimator.ColorsOrder orderOfColors = ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                                                                                           bool interleavedColors = false, float scaleImage = 1, float offsetImage = 0,
                                                                                           int defaultAlpha = 255, int defaultRed = 0, int defaultGreen = 0, int defaultBlue = 0) =>
        new(new VectorToImageConvertingTransformer(outputColumnName, inputColumnName ?? outputColumnName, new ImagePixelExtractingTransformer.PixelOptions
        {
            Colors = (int)colorsPresent,
            Order = (int)orderOfColors,
            Interleave = interleavedColors,
            Scale = scaleImage,
            Offset = offsetImage,
            Height = imageHeight,
            Width = imageWidth,
            Defaults = new[] { defaultAlpha, defaultRed, defaultGreen, defaultBlue },
        }));
}
