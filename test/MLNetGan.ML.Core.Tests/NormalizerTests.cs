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

/// <summary>Sparse vector columns through the normalizers and the editor they use (review defects).</summary>
public sealed class SparseVectorTests
{
    public class SparseRow
    {
        [VectorType(4)]
        public VBuffer<double> X { get; set; }
    }

    [Fact]
    public void Dense_editor_over_a_buffer_that_held_a_shorter_sparse_vector()
    {
        var buffer = new VBuffer<double>(4, 1, new[] { 7.0, 0, 0, 0 }, new[] { 2 });
        var editor = VBufferEditor.Create(ref buffer, 4);
        editor.Indices.Length.Should().Be(0);
        editor.Values.Length.Should().Be(4);
        for (var i = 0; i < 4; i++) editor.Values[i] = i;
        buffer = editor.Commit();
        buffer.IsDense.Should().BeTrue();
        buffer.DenseValues().Should().Equal(0, 1, 2, 3);
    }

    [Fact]
    public void NormalizeMinMax_densifies_sparse_double_vectors_row_after_row()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new SparseRow { X = new VBuffer<double>(4, 2, new[] { 4.0, 8.0 }, new[] { 0, 3 }) },
            new SparseRow { X = new VBuffer<double>(4, 1, new[] { 2.0 }, new[] { 1 }) },
            new SparseRow { X = new VBuffer<double>(4, new[] { 1.0, 1.0, 1.0, 1.0 }) },
        });
        var rows = ViewReader.Vectors<double>(ml.Transforms.NormalizeMinMax("X", fixZero: false).Fit(data).Transform(data), "X");
        rows.Should().HaveCount(3);
        // Per slot: slot 0 spans [0, 4], slot 1 [0, 2], slot 2 [0, 1], slot 3 [0, 8].
        rows[0].Should().Equal(1, 0, 0, 1);
        rows[1].Should().Equal(0, 1, 0, 0);
        rows[2].Should().Equal(0.25, 0.5, 1, 0.125);
    }
}
