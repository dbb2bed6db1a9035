using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>
/// JSON for score lines: a metric can be infinite (reverse KL when a generator places no sample near any mode),
/// which plain JSON cannot hold; Python's json module reads the named literals back.
/// </summary>
internal static class ScoreJson
{
    public static JsonSerializerOptions Options { get; } = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
