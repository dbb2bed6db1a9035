using System.Text.Json;

namespace MLNetGan.Torch.Tests;

/// <summary>Reads the PyTorch reference values in Fixtures/pytorch_fixtures.json.</summary>
internal static class PyTorchFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch_fixtures.json"))));

    public static JsonElement Case(string name) => Document.Value.RootElement.GetProperty(name);

    /// <summary>A fixture tensor as Float64 (or Float32 when asked), owned by the caller.</summary>
    public static Tensor Tensor(JsonElement element, ScalarType dtype = ScalarType.Float64)
    {
        var shape = element.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var data = element.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var t = torch.tensor<double>(data, shape.AsSpan());
        return dtype == ScalarType.Float64 ? t : t.to(dtype);
    }

    public static Tensor Tensor(this JsonElement parent, string name, ScalarType dtype = ScalarType.Float64) => Tensor(parent.GetProperty(name), dtype);

    public static double[] Values(this JsonElement parent, string name) =>
        parent.GetProperty(name).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
}

internal static class TensorAssertions
{
    /// <summary>Asserts the tensor's values (as doubles) match <paramref name="expected"/> within an absolute tolerance.</summary>
    public static void ShouldMatch(this Tensor actual, double[] expected, double tolerance = 1e-9, string because = "")
    {
        var values = actual.dtype == ScalarType.Float64 ? actual.data<double>() : actual.to(ScalarType.Float64).data<double>();
        values.Should().HaveSameCount(expected, because);
        for (var i = 0; i < values.Length; i++)
        {
            values[i].Should().BeApproximately(expected[i], tolerance, $"element {i} {because}");
        }
    }
}
