using System.Text.Json;

namespace Microsoft.ML.Gan;

/// <summary>The JSON settings of model files and checkpoints (camel case, enums as names, NaN allowed).</summary>
internal static class GanJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

/// <summary>Options as JSON with their kind, shared by model files and checkpoints.</summary>
internal static class GanOptionsJson
{
    private static readonly (string Kind, Type Type)[] Kinds =
    {
        ("Vanilla", typeof(VanillaGanOptions)), ("Dcgan", typeof(DcganOptions)), ("Wgan", typeof(WganOptions)), ("Base", typeof(GanTrainerOptions)),
    };

    public static (string Kind, JsonElement Json) Serialize(GanTrainerOptions options)
    {
        var kind = Kinds.First(k => k.Type == options.GetType() || k.Type == typeof(GanTrainerOptions)).Kind;
        return (kind, JsonSerializer.SerializeToElement(options, options.GetType(), GanJson.Options));
    }

    /// <summary>A deep copy through JSON: runtime hooks (progress, cancellation) are left behind.</summary>
    public static GanTrainerOptions Copy(GanTrainerOptions options)
    {
        var (kind, json) = Serialize(options);
        return Deserialize(kind, json);
    }

    public static GanTrainerOptions Deserialize(string kind, JsonElement json)
    {
        var type = Kinds.FirstOrDefault(k => k.Kind == kind).Type ?? throw new InvalidDataException($"Unknown GAN options kind '{kind}'.");
        try
        {
            return (GanTrainerOptions)(json.Deserialize(type, GanJson.Options) ?? throw new InvalidDataException("GAN options are missing."));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"The saved GAN options are malformed: {e.Message}", e);
        }
    }
}
