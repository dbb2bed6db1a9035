// ML.NET's row filters, bootstrap sampling and cross-validation splits, written from its API reference.
namespace MLNetGan.ML.Core.Tests;

public sealed class DataOperationTests
{
    private sealed class House
    {
        public float Size { get; set; }
        public double Price { get; set; }
        [VectorType(2)]
        public float[] Features { get; set; } = new float[2];
        [KeyType(4)]
        public uint Region { get; set; }
    }

    private static readonly House[] Houses =
    {
        new() { Size = 1f, Price = 100, Features = new[] { 1f, 2f }, Region = 1 },
        new() { Size = 2f, Price = double.NaN, Features = new[] { 3f, 4f }, Region = 2 },
        new() { Size = float.NaN, Price = 300, Features = new[] { 5f, float.NaN }, Region = 3 },
        new() { Size = 4f, Price = 400, Features = new[] { 7f, 8f }, Region = 0 },
        new() { Size = 5f, Price = 500, Features = new[] { 9f, 10f }, Region = 4 },
    };

    [Fact]
    public void FilterRowsByColumn_keeps_values_in_the_half_open_range_and_places_keys_on_zero_to_one()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Houses);
        ml.Data.FilterRowsByColumn(data, "Size", lowerBound: 2, upperBound: 5).GetColumn<float>("Size").Should().Equal(2f, 4f);
        ml.Data.FilterRowsByColumn(data, "Price", upperBound: 350).GetColumn<double>("Price").Should().Equal(new[] { 100.0, 300.0 }, "NaN is in no range");
        // Keys 1..4 of 4 sit at 0.125, 0.375, 0.625, 0.875; the missing key 0 is dropped.
        ml.Data.FilterRowsByColumn(data, "Region", lowerBound: 0.3, upperBound: 0.7).GetColumn<uint>("Region").Should().Equal(2u, 3u);

        var text = () => ml.Data.FilterRowsByColumn(data, "Features");
        text.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Features'*");
        var empty = () => ml.Data.FilterRowsByColumn(data, "Size", 3, 3);
        empty.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void FilterRowsByMissingValues_drops_rows_with_nan_or_the_missing_key_in_any_named_column()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Houses);
        ml.Data.FilterRowsByMissingValues(data, "Size", "Price").GetColumn<float>("Size").Should().Equal(1f, 4f, 5f);
        ml.Data.FilterRowsByMissingValues(data, "Features").GetColumn<float>("Size").Should().HaveCount(4, "one vector has a NaN slot");
        ml.Data.FilterRowsByMissingValues(data, "Region").GetColumn<uint>("Region").Should().Equal(1u, 2u, 3u, 4u);
    }

    private sealed class SizeOnly
    {
        public float Size { get; set; }
    }

    [Fact]
    public void FilterByCustomPredicate_drops_the_rows_the_predicate_is_true_for()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Houses);
        var small = ml.Data.FilterByCustomPredicate<SizeOnly>(data, row => row.Size > 2 || float.IsNaN(row.Size));
        small.GetColumn<float>("Size").Should().Equal(1f, 2f);
        small.GetColumn<double>("Price").Should().HaveCount(2, "the other columns come along");
    }

    private sealed class Id
    {
        public int Value { get; set; }
    }

    [Fact]
    public void BootstrapSample_repeats_rows_about_once_on_average_and_its_complement_holds_the_rows_never_drawn()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10_000).Select(i => new Id { Value = i }).ToList());
        var sample = ml.Data.BootstrapSample(data, seed: 3).GetColumn<int>("Value").ToList();
        var outOfBag = ml.Data.BootstrapSample(data, seed: 3, complement: true).GetColumn<int>("Value").ToList();

        sample.Count.Should().BeInRange(9_700, 10_300, "Poisson(1) repeats sum to about the row count (sd 100)");
        sample.Distinct().Count().Should().BeInRange(6_100, 6_550, "1 - 1/e = 63.2 % of rows appear");
        outOfBag.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(Enumerable.Range(0, 10_000).Except(sample), "the complement is exactly the rows never drawn");
        ml.Data.BootstrapSample(data, seed: 3).GetColumn<int>("Value").Should().Equal(sample, "the same seed draws the same sample");
    }

    [Fact]
    public void CrossValidationSplit_test_sets_partition_the_rows_and_each_train_set_is_the_rest()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new Id { Value = i }).ToList());
        var folds = ml.Data.CrossValidationSplit(data, numberOfFolds: 4, seed: 5);
        folds.Should().HaveCount(4);
        var tests = folds.Select(f => f.TestSet.GetColumn<int>("Value").ToList()).ToList();
        tests.SelectMany(t => t).Should().BeEquivalentTo(Enumerable.Range(0, 1000), "every row is tested exactly once");
        tests.Should().OnlyContain(t => t.Count > 180 && t.Count < 320);
        for (var i = 0; i < 4; i++)
        {
            folds[i].TrainSet.GetColumn<int>("Value").Should().BeEquivalentTo(Enumerable.Range(0, 1000).Except(tests[i]));
        }

        // On a Single sampling column the folds are ranges of its scaled values: 0..999 over 999, quarters.
        var bySize = ml.Data.CrossValidationSplit(ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new SizeOnly { Size = i }).ToList()),
                                                  numberOfFolds: 4, samplingKeyColumnName: "Size");
        bySize[0].TestSet.GetColumn<float>("Size").Should().Equal(Enumerable.Range(0, 250).Select(i => (float)i));
        bySize[3].TestSet.GetColumn<float>("Size").Last().Should().Be(999f, "the last fold includes the largest value");
        var one = () => ml.Data.CrossValidationSplit(data, numberOfFolds: 1);
        one.Should().Throw<ArgumentOutOfRangeException>();
    }

    private sealed class Reading
    {
        public DateTime At { get; set; }
        public DateTimeOffset Local { get; set; }
        public TimeSpan Lasted { get; set; }
        public float Value { get; set; }
    }

    private static Reading[] Readings() => Enumerable.Range(0, 10).Select(i => new Reading
    {
        At = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i),
        Local = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.FromHours(i % 3 - 1)).AddMinutes(i),
        Lasted = TimeSpan.FromSeconds(90 * i),
        Value = i,
    }).ToArray();

    [Fact]
    public void DateTime_DateTimeOffset_and_TimeSpan_columns_flow_through_row_operations_and_text_files()
    {
        var ml = new MLContext(seed: 1);
        var readings = Readings();
        var data = ml.Data.LoadFromEnumerable(readings);
        data.Schema["At"].Type.Should().Be(DateTimeDataViewType.Instance);
        data.Schema["Local"].Type.Should().Be(DateTimeOffsetDataViewType.Instance);
        data.Schema["Lasted"].Type.Should().Be(TimeSpanDataViewType.Instance);

        ml.Data.CreateEnumerable<Reading>(ml.Data.TakeRows(data, 3), reuseRowObject: false).Should().BeEquivalentTo(readings.Take(3));
        ml.Data.SkipRows(data, 8).GetColumn<DateTime>("At").Should().Equal(readings.Skip(8).Select(r => r.At));
        var shuffled = ml.Data.CreateEnumerable<Reading>(ml.Data.ShuffleRows(data, seed: 3), reuseRowObject: false).ToList();
        shuffled.Should().BeEquivalentTo(readings).And.NotEqual(readings, "the order changes, the rows do not");

        var path = ViewReader.TempFile(".tsv");
        try
        {
            using (var stream = File.Create(path)) ml.Data.SaveAsText(data, stream, schema: true);
            File.ReadLines(path).Should().Contain("#@   col=At:DT:0").And.Contain("#@   col=Local:DZ:1").And.Contain("#@   col=Lasted:TS:2");
            var back = ml.Data.LoadFromTextFile(path);
            ml.Data.CreateEnumerable<Reading>(back, reuseRowObject: false).Should().BeEquivalentTo(readings, o => o.WithStrictOrdering());
            back.GetColumn<DateTime>("At").Select(t => t.Kind).Should().OnlyContain(k => k == DateTimeKind.Utc, "the round-trip format keeps the kind");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
