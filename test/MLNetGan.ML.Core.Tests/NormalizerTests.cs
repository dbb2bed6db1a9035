namespace MLNetGan.ML.Core.Tests;

public sealed class NormalizerTests
{
    public class Row
    {
        [VectorType(2)]
        public float[] X { get; set; } = new float[2];
    }

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(new[]
    {
        new Row { X = new[] { -2f, 10f } },
        new Row { X = new[] { 0f, 20f } },
        new Row { X = new[] { 4f, float.NaN } },
        new Row { X = new[] { 2f, 30f } },
    });

    private static List<float[]> Normalize(Func<MLContext, IEstimator<ITransformer>> make)
    {
        var ml = new MLContext();
        var data = Data(ml);
        return ViewReader.Vectors<float>(make(ml).Fit(data).Transform(data), "X");
    }

    private static void ShouldBe(List<float[]> actual, float[][] expected)
    {
        for (var r = 0; r < expected.Length; r++)
        {
            for (var c = 0; c < 2; c++)
            {
                if (float.IsNaN(expected[r][c])) float.IsNaN(actual[r][c]).Should().BeTrue();
                else actual[r][c].Should().BeApproximately(expected[r][c], 1e-6f, $"row {r} slot {c}");
            }
        }
    }

    [Fact]
    public void MinMax_with_fixZero_divides_by_the_largest_magnitude()
    {
        // slot 0: max |x| = 4; slot 1: 30 (NaN ignored and kept).
        ShouldBe(Normalize(ml => ml.Transforms.NormalizeMinMax("X")), new[]
        {
            new[] { -0.5f, 1 / 3f }, new[] { 0f, 2 / 3f }, new[] { 1f, float.NaN }, new[] { 0.5f, 1f },
        });
    }

    [Fact]
    public void MinMax_without_fixZero_maps_min_to_0_and_max_to_1()
    {
        ShouldBe(Normalize(ml => ml.Transforms.NormalizeMinMax("X", fixZero: false)), new[]
        {
            new[] { 0f, 0f }, new[] { 1 / 3f, 0.5f }, new[] { 1f, float.NaN }, new[] { 2 / 3f, 1f },
        });
    }

    [Fact]
    public void MeanVariance_without_fixZero_standardizes()
    {
        // slot 0: mean 1, population variance (9 + 1 + 9 + 1) / 4 = 5; slot 1: mean 20, variance 200/3.
        var s0 = 1 / MathF.Sqrt(5);
        var s1 = 1 / MathF.Sqrt(200f / 3);
        ShouldBe(Normalize(ml => ml.Transforms.NormalizeMeanVariance("X", fixZero: false)), new[]
        {
            new[] { -3 * s0, -10 * s1 }, new[] { -1 * s0, 0f }, new[] { 3 * s0, float.NaN }, new[] { 1 * s0, 10 * s1 },
        });
    }

    [Fact]
    public void MeanVariance_with_fixZero_divides_by_the_root_mean_square()
    {
        // slot 0: E[x²] = (4 + 0 + 16 + 4) / 4 = 6; slot 1: (100 + 400 + 900) / 3.
        var s0 = 1 / MathF.Sqrt(6);
        var s1 = 1 / MathF.Sqrt(1400f / 3);
        ShouldBe(Normalize(ml => ml.Transforms.NormalizeMeanVariance("X")), new[]
        {
            new[] { -2 * s0, 10 * s1 }, new[] { 0f, 20 * s1 }, new[] { 4 * s0, float.NaN }, new[] { 2 * s0, 30 * s1 },
        });
    }

    public class TextRow
    {
        public string X { get; set; } = "";
    }

    [Fact]
    public void Normalizing_a_text_column_names_it()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { X = "a" } });
        var act = () => ml.Transforms.NormalizeMinMax("X").Fit(data);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'X' has type String*Single or Double*");
        var shape = () => ml.Transforms.NormalizeMinMax("X").GetOutputSchema(SchemaShape.Create(data.Schema));
        shape.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'X'*");
    }

    [Fact]
    public void Trained_normalizer_rejects_a_different_vector_size()
    {
        var ml = new MLContext();
        var model = ml.Transforms.NormalizeMinMax("X").Fit(Data(ml));
        var other = ml.Data.LoadFromEnumerable(new[] { new DataViewTests.Fixed3 { Variable = new float[3] } });
        var renamed = ml.Transforms.CopyColumns("X", "Variable").Fit(other).Transform(other);
        var act = () => model.Transform(renamed);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'X' has 3 values per row but the normalizer was trained on 2*");
    }
}
