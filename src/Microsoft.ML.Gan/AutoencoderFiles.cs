using System.Text.Json;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Serialization;

namespace Microsoft.ML.Gan;

/// <summary>
/// An autoencoder's files: <c>autoencoder.json</c> (both architectures as data, options, scaling, history) and one
/// safetensors entry per network. Loading checks the description against the stored weights before it builds
/// anything and never runs code from the file, as for generators.
/// </summary>
internal static class AutoencoderFiles
{
    private const int FormatVersion = 1;

    private sealed class Info
    {
        public int FormatVersion { get; set; }
        public string OptionsKind { get; set; } = "";
        public JsonElement Options { get; set; }
        public NetworkSpec? Encoder { get; set; }
        public NetworkSpec? Decoder { get; set; }
        public float[]? ScalingMinimum { get; set; }
        public float[]? ScalingMaximum { get; set; }
        public float ScalingLow { get; set; }
        public int[]? FeatureDimensions { get; set; }
        public int[]? ImageShape { get; set; }
        public List<AutoencoderEpochMetrics>? History { get; set; }
    }

    public sealed record Saved(AutoencoderOptions Options, Sequential Encoder, Sequential Decoder, NetworkSpec EncoderSpec, NetworkSpec DecoderSpec,
                               DataScaler Scaling, VectorDataViewType FeatureType, int[]? ImageShape, List<AutoencoderEpochMetrics> History);

    public static void Save(ModelSaveContext ctx, string componentId, AutoencoderOptions options, DataScaler scaling, VectorDataViewType featureType,
                            int[]? imageShape, IReadOnlyList<AutoencoderEpochMetrics> history, RowCodec encoder, RowCodec decoder)
    {
        ctx.SetComponent(componentId, FormatVersion);
        var (kind, json) = GanOptionsJson.Serialize(options);
        ctx.WriteJson("autoencoder.json", new Info
        {
            FormatVersion = FormatVersion, OptionsKind = kind, Options = json, Encoder = encoder.Architecture, Decoder = decoder.Architecture,
            ScalingMinimum = scaling.Minimum, ScalingMaximum = scaling.Maximum, ScalingLow = scaling.Low,
            FeatureDimensions = featureType.Dimensions.ToArray(), ImageShape = imageShape, History = history.ToList(),
        }, GanJson.Options);
        using (var s = ctx.CreateEntry("encoder.safetensors")) SafeTensors.Save(encoder.Network.state_dict(), s);
        using (var s = ctx.CreateEntry("decoder.safetensors")) SafeTensors.Save(decoder.Network.state_dict(), s);
    }

    public static Saved Load<TOptions>(ModelLoadContext ctx) where TOptions : AutoencoderOptions
    {
        ctx.CheckFormatVersion(FormatVersion);
        var info = ctx.ReadJson<Info>("autoencoder.json", GanJson.Options);
        var options = GanOptionsJson.Deserialize<TOptions>(info.OptionsKind, info.Options);
        if (info.Encoder is null || info.Decoder is null || info.ScalingMinimum is null || info.ScalingMaximum is null || info.History is null)
        {
            throw new InvalidDataException("autoencoder.json lacks a network, the scaling or the history.");
        }
        var featureType = ReadFeatureType(info.FeatureDimensions);
        if (options.EmbeddingDimension is <= 0 or > GanGenerator.MaxLatentDimension)
        {
            throw new InvalidDataException($"The saved embedding size {options.EmbeddingDimension} is out of range (1 to {GanGenerator.MaxLatentDimension}).");
        }
        var scaling = ReadScaling(info.ScalingMinimum, info.ScalingMaximum, info.ScalingLow, featureType.Size);
        var encoder = GanGenerator.BuildWithWeights(info.Encoder, ctx, "encoder.safetensors");
        Sequential? decoder = null;
        try
        {
            decoder = GanGenerator.BuildWithWeights(info.Decoder, ctx, "decoder.safetensors");
            CheckLoaded(encoder, "encoder", featureType.Size, options.EmbeddingDimension);
            CheckLoaded(decoder, "decoder", options.EmbeddingDimension, featureType.Size);
            return new Saved(options, encoder, decoder, info.Encoder, info.Decoder, scaling, featureType, info.ImageShape, info.History);
        }
        catch
        {
            encoder.Dispose(); // nothing half-loaded stays behind
            decoder?.Dispose();
            throw;
        }
    }

    /// <summary>The saved feature shape, checked.</summary>
    public static VectorDataViewType ReadFeatureType(int[]? dimensions)
    {
        if (dimensions is null || dimensions.Length == 0 || dimensions.Any(d => d <= 0) || dimensions.Aggregate(1L, (a, d) => a * d) > int.MaxValue)
        {
            throw new InvalidDataException("The saved feature shape is invalid.");
        }
        return new VectorDataViewType(NumberDataViewType.Single, dimensions);
    }

    /// <summary>The saved data scaling, checked against the feature size.</summary>
    public static DataScaler ReadScaling(float[] minimum, float[] maximum, float low, int features)
    {
        if (minimum.Length != maximum.Length || (minimum.Length != 0 && minimum.Length != features) || low is not (-1 or 0))
        {
            throw new InvalidDataException("The saved data scaling does not match the feature size.");
        }
        return minimum.Length == 0 ? DataScaler.Identity : new DataScaler(minimum, maximum) { Low = low };
    }

    /// <summary>A loaded network must map the saved widths, or the file is inconsistent.</summary>
    public static void CheckLoaded(Sequential network, string name, int inputs, int outputs)
    {
        try
        {
            NetworkShapes.CheckWidths(network, name, inputs, outputs, Device.CPU);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The saved {name} does not fit its own settings: {e.Message}", e);
        }
    }
}
