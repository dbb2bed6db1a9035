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
        ("Vae", typeof(VaeOptions)), ("Autoencoder", typeof(AutoencoderOptions)), ("Tabular", typeof(TabularGanOptions)), ("TabularVae", typeof(TabularVaeOptions)),
    };

    public static (string Kind, JsonElement Json) Serialize(NetworkTrainerOptions options)
    {
        var kind = Kinds.FirstOrDefault(k => k.Type == options.GetType()).Kind
                   ?? (options is GanTrainerOptions ? "Base" : throw new ArgumentException($"Options of type {options.GetType().Name} cannot be saved.", nameof(options)));
        return (kind, JsonSerializer.SerializeToElement(options, options.GetType(), GanJson.Options));
    }

    /// <summary>A deep copy through JSON: runtime hooks (progress, cancellation) are left behind.</summary>
    public static T Copy<T>(T options) where T : NetworkTrainerOptions
    {
        var (kind, json) = Serialize(options);
        return Deserialize<T>(kind, json);
    }

    /// <summary>Reads options of kind <paramref name="kind"/>, which must be a <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(string kind, JsonElement json) where T : NetworkTrainerOptions
    {
        var type = Kinds.FirstOrDefault(k => k.Kind == kind).Type ?? throw new InvalidDataException($"Unknown options kind '{kind}'.");
        if (!typeof(T).IsAssignableFrom(type)) throw new InvalidDataException($"Options of kind '{kind}' are not {typeof(T).Name}.");
        try
        {
            return (T)(json.Deserialize(type, GanJson.Options) ?? throw new InvalidDataException("The options are missing."));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"The saved options are malformed: {e.Message}", e);
        }
    }
}
