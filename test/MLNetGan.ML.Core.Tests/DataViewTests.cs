namespace MLNetGan.ML.Core.Tests;

public sealed class DataViewTests
{
    public class AllTypes
    {
        public float F { get; set; }
        public double D { get; set; }
        public int I { get; set; }
        public long L { get; set; }
        public bool B { get; set; }
        public string S { get; set; } = "";
        public float[] Variable { get; set; } = Array.Empty<float>();
        [VectorType(2, 3)]
        public double[] Matrix { get; set; } = new double[6];
        [KeyType(5)]
        public uint Key { get; set; }
        public string[] Words { get; set; } = Array.Empty<string>();
        [ColumnName("Renamed")]
        public byte Original { get; set; }
        [NoColumn]
        public object? Ignored { get; set; }
    }

    private static AllTypes Sample(int i) => new()
    {
        F = i + 0.5f, D = -i, I = i * 7, L = long.MaxValue - i, B = i % 2 == 0, S = $"row \"{i}\"",
        Variable = Enumerable.Range(0, i).Select(x => (float)x).ToArray(),
        Matrix = Enumerable.Range(0, 6).Select(x => x * 1.5 + i).ToArray(), Key = (uint)(i % 5 + 1),
        Words = new[] { "a", $"b{i}" }, Original = (byte)(200 + i),
    };

    [Fact]
    public void Enumerable_round_trip_keeps_every_supported_member_type()
    {
        var ml = new MLContext();
        var source = Enumerable.Range(0, 4).Select(Sample).ToList();
        var view = ml.Data.LoadFromEnumerable(source);
        view.Schema["Matrix"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Double, 2, 3));
        view.Schema["Key"].Type.Should().Be(new KeyDataViewType(typeof(uint), 5));
        view.Schema["Variable"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single));
        view.Schema.GetColumnOrNull("Ignored").Should().BeNull();
        view.Schema.GetColumnOrNull("Renamed").Should().NotBeNull();
        view.GetRowCount().Should().Be(4);

        var back = ml.Data.CreateEnumerable<AllTypes>(view, reuseRowObject: false).ToList();
        back.Should().BeEquivalentTo(source, o => o.Excluding(x => x.Ignored));
    }

    [Fact]
    public void Reused_row_objects_are_the_same_instance()
    {
        var ml = new MLContext();
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(Sample).ToList());
        var rows = ml.Data.CreateEnumerable<AllTypes>(view, reuseRowObject: true).Take(3).ToList();
        rows.Distinct().Should().HaveCount(1);
    }

    [Fact]
    public void Views_are_lazy_and_enumerate_on_each_cursor()
    {
        var ml = new MLContext();
        var enumerated = 0;
        IEnumerable<AllTypes> Source()
        {
            enumerated++;
            yield return Sample(1);
        }
        var view = ml.Data.LoadFromEnumerable(Source());
        enumerated.Should().Be(0);
        ViewReader.Column<float>(view, "F").Should().Equal(1.5f);
        ViewReader.Column<float>(view, "F").Should().Equal(1.5f);
        enumerated.Should().Be(2);
        view.GetRowCount().Should().BeNull("a plain enumerable has no known count");
    }

    [Fact]
    public void Wrong_getter_type_names_the_column()
    {
        var view = new MLContext().Data.LoadFromEnumerable(new[] { Sample(1) });
        using var cursor = view.GetRowCursor(view.Schema);
        var act = () => cursor.GetGetter<double>(view.Schema["F"]);
        act.Should().Throw<InvalidOperationException>().WithMessage("*'F'*Single*Double*");
        var inactive = view.GetRowCursor(new[] { view.Schema["D"] });
        var notRequested = () => inactive.GetGetter<float>(view.Schema["F"]);
        notRequested.Should().Throw<InvalidOperationException>().WithMessage("*'F' was not requested*");
    }

    public class Fixed3
    {
        [VectorType(3)]
        public float[] Variable { get; set; } = Array.Empty<float>();
    }

    public class MissingMember
    {
        public float NotThere { get; set; }
    }

    public class WrongType
    {
        public string F { get; set; } = "";
    }

    [Fact]
    public void Reading_into_objects_names_missing_and_mismatched_columns()
    {
        var ml = new MLContext();
        var view = ml.Data.LoadFromEnumerable(new[] { Sample(2) });
        var missing = () => ml.Data.CreateEnumerable<MissingMember>(view, false).ToList();
        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'NotThere'*not in the data*");
        var wrongType = () => ml.Data.CreateEnumerable<WrongType>(view, false).ToList();
        wrongType.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'F' has type Single*expects String*");
        ml.Data.CreateEnumerable<MissingMember>(view, false, ignoreMissingColumns: true).Should().HaveCount(1);
    }

    [Fact]
    public void A_row_whose_vector_has_the_wrong_size_is_reported_with_the_column()
    {
        var ml = new MLContext();
        var view = ml.Data.LoadFromEnumerable(new[] { new Fixed3 { Variable = new float[] { 1, 2 } } });
        var act = () => ViewReader.Vectors<float>(view, "Variable");
        act.Should().Throw<InvalidOperationException>().WithMessage("*'Variable'*3 values*holds 2*");
    }

    [Fact]
    public void Missing_column_lookup_lists_available_columns()
    {
        var schema = new MLContext().Data.LoadFromEnumerable(new[] { Sample(0) }).Schema;
        var act = () => schema["Nope"];
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Nope' not found*F, D, I*");
    }

    [Fact]
    public void Take_skip_shuffle_and_cache_behave_as_documented()
    {
        var ml = new MLContext(seed: 3);
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(Sample).ToList());
        ViewReader.Column<int>(ml.Data.TakeRows(view, 3), "I").Should().Equal(0, 7, 14);
        ViewReader.Column<int>(ml.Data.SkipRows(view, 8), "I").Should().Equal(56, 63);
        var shuffled = ml.Data.ShuffleRows(view, seed: 5);
        var order = ViewReader.Column<int>(shuffled, "I");
        order.Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => i * 7));
        order.Should().NotEqual(Enumerable.Range(0, 10).Select(i => i * 7));
        ViewReader.Column<int>(shuffled, "I").Should().Equal(order, "the order is fixed by the seed");
        var cached = ml.Data.Cache(view);
        ViewReader.Vectors<float>(cached, "Variable").Select(v => v.Length).Should().Equal(Enumerable.Range(0, 10));
        cached.GetRowCount().Should().Be(10);
    }

    [Fact]
    public void VBuffer_sparse_and_dense_views_agree()
    {
        var sparse = new VBuffer<float>(6, 2, new[] { 3f, 5f }, new[] { 1, 4 });
        sparse.IsDense.Should().BeFalse();
        sparse.DenseValues().Should().Equal(0, 3, 0, 0, 5, 0);
        sparse.GetItemOrDefault(4).Should().Be(5);
        sparse.GetItemOrDefault(2).Should().Be(0);
        sparse.Items().Should().Equal(new KeyValuePair<int, float>(1, 3), new KeyValuePair<int, float>(4, 5));
        VBuffer<float> dense = default;
        sparse.CopyToDense(ref dense);
        dense.IsDense.Should().BeTrue();
        dense.GetValues().ToArray().Should().Equal(0, 3, 0, 0, 5, 0);
        var reused = dense;
        new VBuffer<float>(3, new[] { 1f, 2f, 3f }).CopyTo(ref reused);
        reused.GetValues().ToArray().Should().Equal(1, 2, 3);
        var act = () => sparse.GetItemOrDefault(6);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
