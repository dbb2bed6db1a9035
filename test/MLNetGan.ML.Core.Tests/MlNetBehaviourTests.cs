// Behaviour ML.NET documents for APIs we implement (issue 10's first list): programs written from ML.NET's API
// reference, asserting the values, names, types and exceptions it documents.
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace MLNetGan.ML.Core.Tests;

public sealed class MlNetBehaviourTests
{
    private sealed class Measurement
    {
        public float Size { get; set; }
    }

    private sealed class Reading
    {
        public double Value { get; set; }
    }

    [Fact]
    public void TrainTestSplit_on_a_float_column_puts_the_rows_below_the_fraction_of_its_largest_value_in_test_on_every_run()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new Measurement { Size = i }).ToList());
        var first = ml.Data.TrainTestSplit(data, testFraction: 0.2, samplingKeyColumnName: "Size", seed: 1);
        var second = ml.Data.TrainTestSplit(data, testFraction: 0.2, samplingKeyColumnName: "Size", seed: 99);

        // Scaled by the largest magnitude (999): 199/999 < 0.2 <= 200/999.
        ViewReader.Column<float>(first.TestSet, "Size").Should().Equal(Enumerable.Range(0, 200).Select(i => (float)i));
        ViewReader.Column<float>(first.TrainSet, "Size").Should().Equal(Enumerable.Range(200, 800).Select(i => (float)i));
        ViewReader.Column<float>(second.TestSet, "Size").Should().Equal(ViewReader.Column<float>(first.TestSet, "Size"), "the split does not depend on the seed");
    }

    [Fact]
    public void TrainTestSplit_on_a_double_column_keeps_zero_at_zero_sends_negatives_to_train_and_drops_missing_values()
    {
        var ml = new MLContext(seed: 3);
        var values = new[] { -4.0, 0.0, 1.0, 3.0, 4.0, double.NaN };
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new Reading { Value = v }).ToList());
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.5, samplingKeyColumnName: "Value");

        // Scale 1/4: -1, 0, 0.25, 0.75, 1, NaN. Test is [0, 0.5); NaN is in neither range.
        ViewReader.Column<double>(split.TestSet, "Value").Should().Equal(0.0, 1.0);
        ViewReader.Column<double>(split.TrainSet, "Value").Should().Equal(-4.0, 3.0, 4.0);
    }

    private sealed class Grouped
    {
        [KeyType(2)]
        public uint Group { get; set; }
    }

    [Fact]
    public void TrainTestSplit_on_a_key_column_places_key_k_of_n_at_k_minus_half_over_n()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new uint[] { 1, 2, 1, 2, 0 }.Select(k => new Grouped { Group = k }).ToList());
        var half = ml.Data.TrainTestSplit(data, testFraction: 0.5, samplingKeyColumnName: "Group");
        ViewReader.Column<uint>(half.TestSet, "Group").Should().Equal(1u, 1u);      // 0.25 < 0.5
        ViewReader.Column<uint>(half.TrainSet, "Group").Should().Equal(2u, 2u);     // 0.75; the missing key 0 is in neither
        var small = ml.Data.TrainTestSplit(data, testFraction: 0.2, samplingKeyColumnName: "Group");
        ViewReader.Column<uint>(small.TestSet, "Group").Should().BeEmpty("with two groups, both sit above 0.2");
    }

    [Fact]
    public void ConvertToGrayscale_weights_red_green_and_blue_as_ml_net_does()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-gray-");
        try
        {
            // Pure red, green, blue and white pixels in a 4x1 image.
            var pixels = new byte[] { 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255 };
            MLImage.CreateFromPixels(4, 1, MLPixelFormat.Rgba32, pixels).Save(Path.Combine(folder.FullName, "rgbw.png"));
            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(new[] { new ImagePath { Path = "rgbw.png" } });
            var gray = ml.Transforms.LoadImages("Image", folder.FullName, "Path")
                .Append(ml.Transforms.ResizeImages("Sized", imageWidth: 4, imageHeight: 1, inputColumnName: "Image"))
                .Append(ml.Transforms.ConvertToGrayscale("Gray", "Sized"))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Gray", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red))
                .Fit(data).Transform(data);
            ViewReader.Vectors<float>(gray, "Pixels").Single().Should().Equal(77f, 150f, 28f, 255f);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class ImagePath
    {
        public string Path { get; set; } = "";
    }

    private sealed class Row
    {
        public float Price { get; set; }
        [VectorType(3)]
        public float[] Features { get; set; } = Array.Empty<float>();
        public string Name { get; set; } = "";
        public bool Sold { get; set; }
        [KeyType(4)]
        public uint Region { get; set; }
    }

    private static readonly Row[] Rows =
    {
        new() { Price = 1.5f, Features = new[] { 1f, 2f, 3f }, Name = "a\tb", Sold = true, Region = 1 },
        new() { Price = -2f, Features = new[] { 0f, 0.25f, 1e-7f }, Name = "c", Sold = false, Region = 4 },
        new() { Price = 3f, Features = new[] { 5f, 6f, 7f }, Name = "", Sold = true, Region = 0 },
    };

    [Fact]
    public void SaveAsText_with_schema_reads_back_through_LoadFromTextFile_without_columns()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Rows);
        var path = ViewReader.TempFile(".tsv");
        try
        {
            using (var stream = File.Create(path)) ml.Data.SaveAsText(data, stream, schema: true);
            File.ReadLines(path).Take(9).Should().Equal(
                "#@ TextLoader{", "#@   header+", "#@   sep=tab", "#@   col=Price:R4:0", "#@   col=Features:R4:1-3", "#@   col=Name:TX:4",
                "#@   col=Sold:BL:5", "#@   col=Region:U4[0-3]:6", "#@ }");
            File.ReadLines(path).ElementAt(10).Split('\t')[^1].Should().Be("0", "key 1 is written as its 0-based index");

            var back = ml.Data.LoadFromTextFile(path);
            back.Schema.Select(c => (c.Name, c.Type)).Should().Equal(data.Schema.Select(c => (c.Name, c.Type)));
            ml.Data.CreateEnumerable<Row>(back, reuseRowObject: false).Should().BeEquivalentTo(Rows);

            var viaLoader = ml.Data.CreateTextLoader(new TextLoader.Options()).Load(path);
            ViewReader.Column<uint>(viaLoader, "Region").Should().Equal(1u, 4u, 0u);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Labelled
    {
        [LoadColumn(0)]
        public float Value { get; set; }
        [LoadColumn(1), KeyType(3)]
        public uint Label { get; set; }
    }

    [Fact]
    public void CreateTextLoader_loads_files_and_reads_key_fields_as_zero_based_indices()
    {
        var ml = new MLContext();
        var path = ViewReader.TempFile(".csv");
        try
        {
            File.WriteAllLines(path, new[] { "Value,Label", "0.5,0", "1.5,2", "2.5,?", "3.5,7" });
            var columns = new[] { new TextLoader.Column("Value", DataKind.Single, 0), new TextLoader.Column("Label", DataKind.UInt32, 1) { KeyCount = new KeyCount(3) } };
            var loader = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true);
            var view = loader.Load(path);
            ViewReader.Column<float>(view, "Value").Should().Equal(0.5f, 1.5f, 2.5f, 3.5f);
            ViewReader.Column<uint>(view, "Label").Should().Equal(new uint[] { 1, 3, 0, 0 }, "index i is key i + 1; '?' and indices beyond the count are missing");
            view.Schema["Label"].Type.Should().Be(new KeyDataViewType(typeof(uint), 3));

            var typed = ml.Data.CreateTextLoader<Labelled>(separatorChar: ',', hasHeader: true).Load(path);
            ml.Data.CreateEnumerable<Labelled>(typed, reuseRowObject: false).Select(r => r.Label).Should().Equal(1u, 3u, 0u, 0u);

            var noColumns = () => ml.Data.LoadFromTextFile(path);
            noColumns.Should().Throw<ArgumentException>().WithMessage("*no columns were given*schema comment*");
            var missing = () => loader.Load(path + ".absent");
            missing.Should().Throw<FileNotFoundException>();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Mixed
    {
        public float Amount { get; set; }
        public string Text { get; set; } = "";
        public bool Flag { get; set; }
        [VectorType(2)]
        public float[] Pair { get; set; } = Array.Empty<float>();
        [KeyType(5)]
        public uint Key { get; set; }
    }

    private static readonly Mixed[] MixedRows =
    {
        new() { Amount = 2.7f, Text = "1.5", Flag = true, Pair = new[] { 1f, 2f }, Key = 3 },
        new() { Amount = -2.7f, Text = "abc", Flag = false, Pair = new[] { 0.5f, float.NaN }, Key = 0 },
        new() { Amount = float.NaN, Text = " 7 ", Flag = true, Pair = new[] { -1f, 3e9f }, Key = 5 },
    };

    [Fact]
    public void GetColumn_reads_one_column_as_its_type_as_string_or_as_arrays()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(MixedRows);
        data.GetColumn<float>("Amount").Should().Equal(2.7f, -2.7f, float.NaN);
        data.GetColumn<string>("Text").Should().Equal("1.5", "abc", " 7 ");
        data.GetColumn<ReadOnlyMemory<char>>("Text").Select(m => m.ToString()).Should().Equal("1.5", "abc", " 7 ");
        data.GetColumn<float[]>("Pair").Should().BeEquivalentTo(new[] { new[] { 1f, 2f }, new[] { 0.5f, float.NaN }, new[] { -1f, 3e9f } }, o => o.WithStrictOrdering());
        data.GetColumn<uint>("Key").Should().Equal(3u, 0u, 5u);

        var wrongType = () => data.GetColumn<int>("Amount").ToList();
        wrongType.Should().Throw<InvalidOperationException>().WithMessage("*'Amount'*");
        var missing = () => data.GetColumn<float>("Nope");
        missing.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ConvertType_converts_numbers_text_booleans_keys_and_vectors_and_survives_save_and_load()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(MixedRows);
        var pipeline = ml.Transforms.Conversion.ConvertType("AmountInt", "Amount", DataKind.Int32)
            .Append(ml.Transforms.Conversion.ConvertType(new[] { new InputOutputColumnPair("TextValue", "Text"), new InputOutputColumnPair("FlagValue", "Flag") }))
            .Append(ml.Transforms.Conversion.ConvertType("PairDouble", "Pair", DataKind.Double))
            .Append(ml.Transforms.Conversion.ConvertType("KeyRaw", "Key", DataKind.Int64))
            .Append(ml.Transforms.Conversion.ConvertType("AmountText", "Amount", DataKind.String));
        var model = pipeline.Fit(data);

        void Check(IDataView converted)
        {
            converted.Schema["AmountInt"].Type.Should().Be(NumberDataViewType.Int32);
            converted.Schema["TextValue"].Type.Should().Be(NumberDataViewType.Single, "Single is the default kind");
            converted.Schema["PairDouble"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Double, 2));
            converted.GetColumn<int>("AmountInt").Should().Equal(2, -2, 0);                 // truncated toward zero; NaN -> 0
            converted.GetColumn<float>("TextValue").Should().Equal(1.5f, float.NaN, 7f);    // unparsable text -> NaN
            converted.GetColumn<float>("FlagValue").Should().Equal(1f, 0f, 1f);
            converted.GetColumn<double[]>("PairDouble").Last().Should().Equal(-1.0, 3e9);
            converted.GetColumn<long>("KeyRaw").Should().Equal(3L, 0L, 5L);                  // keys by their raw value
            converted.GetColumn<string>("AmountText").Should().Equal("2.7", "-2.7", "NaN");
        }

        ViewReader.CheckBeforeAndAfterSaving(ml, model, data, Check);

        var badKind = () => ml.Transforms.Conversion.ConvertType("X", "Amount", (DataKind)99);
        badKind.Should().Throw<ArgumentOutOfRangeException>();
        var image = () => ml.Transforms.Conversion.ConvertType("X", "Nope").Fit(data);
        image.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Nope'*");
    }

    private sealed class Sample
    {
        public double Value { get; set; }
        [VectorType(2)]
        public float[] Pair { get; set; } = Array.Empty<float>();
    }

    private static IDataView Samples(MLContext ml) => ml.Data.LoadFromEnumerable(new[] { 1.0, 2.0, 3.0, 4.0 }
        .Select(v => new Sample { Value = v, Pair = new[] { (float)v, (float)(-2 * v) } }).ToList());

    [Fact]
    public void NormalizeMeanVariance_with_useCdf_outputs_the_normal_cdf_of_each_z_score()
    {
        var ml = new MLContext();
        var data = Samples(ml);
        var model = ml.Transforms.NormalizeMeanVariance("Value", useCdf: true).Fit(data);
        // Mean 2.5, population standard deviation √1.25; Φ values from Python's math.erfc.
        model.Transform(data).GetColumn<double>("Value").Should().Equal(new[] { 0.08985624743949992, 0.3273604230092885, 0.6726395769907114, 0.9101437525605001 },
            (a, e) => Math.Abs(a - e) < 1e-14);
        var parameters = model.GetNormalizerModelParameters(0).Should().BeOfType<NormalizingTransformer.CdfNormalizerModelParameters<double>>().Subject;
        parameters.Mean.Should().Be(2.5);
        parameters.StandardDeviation.Should().BeApproximately(Math.Sqrt(1.25), 1e-12);
        parameters.UseLog.Should().BeFalse();
    }

    [Fact]
    public void GetNormalizerModelParameters_reports_scale_and_offset_per_column_as_ml_net_types_them()
    {
        var ml = new MLContext();
        var data = Samples(ml);
        var model = ml.Transforms.NormalizeMinMax(new[] { new InputOutputColumnPair("Value"), new InputOutputColumnPair("Pair") }, fixZero: false).Fit(data);

        var scalar = model.GetNormalizerModelParameters(0).Should().BeOfType<NormalizingTransformer.AffineNormalizerModelParameters<double>>().Subject;
        scalar.Offset.Should().Be(1);
        scalar.Scale.Should().BeApproximately(1 / 3.0, 1e-15);
        var vector = model.GetNormalizerModelParameters(1).Should().BeOfType<NormalizingTransformer.AffineNormalizerModelParameters<System.Collections.Immutable.ImmutableArray<float>>>().Subject;
        vector.Offset.Should().Equal(1f, -8f);
        vector.Scale.Should().Equal(1 / 3f, 1 / 6f);
        var outOfRange = () => model.GetNormalizerModelParameters(2);
        outOfRange.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0.5, 1 - 0.5204998778130465)]
    [InlineData(1.0, 1 - 0.8427007929497149)]
    [InlineData(2.0, 1 - 0.9953222650189527)]
    [InlineData(3.0, 2.2090496998585438e-05)]
    [InlineData(5.0, 1.5374597944280351e-12)]
    [InlineData(10.0, 2.088487583762545e-45)]
    [InlineData(-1.0, 1 + 0.8427007929497149)]
    public void Erfc_matches_reference_values_to_a_few_ulps(double x, double expected)
    {
        NormalDistribution.Erfc(x).Should().BeApproximately(expected, Math.Abs(expected) * 1e-13 + 1e-16);
    }

    public sealed class Count
    {
        public float Value { get; set; }
    }

    public sealed class RunningTotal
    {
        public float Total { get; set; }
    }

    public sealed class TotalState
    {
        public float Sum { get; set; }
    }

    [CustomMappingFactoryAttribute("running-total")]
    public sealed class RunningTotalFactory : StatefulCustomMappingFactory<Count, RunningTotal, TotalState>
    {
        public override Action<Count, RunningTotal, TotalState> GetMapping() => (input, output, state) =>
        {
            state.Sum += input.Value;
            output.Total = state.Sum;
        };

        public override Action<TotalState> GetStateInitAction() => state => state.Sum = 100;
    }

    [Fact]
    public void StatefulCustomMapping_keeps_state_per_cursor_and_loads_through_its_factory_after_RegisterAssembly()
    {
        var ml = new MLContext();
        ml.ComponentCatalog.RegisterAssembly(typeof(RunningTotalFactory).Assembly);
        var data = ml.Data.LoadFromEnumerable(new[] { 1f, 2f, 3f, 4f }.Select(v => new Count { Value = v }).ToList());
        var factory = new RunningTotalFactory();
        var model = ml.Transforms.StatefulCustomMapping(factory.GetMapping(), factory.GetStateInitAction(), "running-total").Fit(data);
        var transformed = model.Transform(data);
        transformed.GetColumn<float>("Total").Should().Equal(101f, 103f, 106f, 110f);
        transformed.GetColumn<float>("Total").Should().Equal(new[] { 101f, 103f, 106f, 110f }, "every cursor starts from a fresh state");

        var path = ViewReader.TempFile(".zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            ml.Model.Load(path, out _).Transform(data).GetColumn<float>("Total").Should().Equal(101f, 103f, 106f, 110f);
            var unsaveable = () => ml.Model.Save(ml.Transforms.StatefulCustomMapping<Count, RunningTotal, TotalState>((i, o, s) => { }, s => { }, null).Fit(data), data.Schema, path);
            unsaveable.Should().Throw<InvalidOperationException>().WithMessage("*contract name*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Survey
    {
        public string Color { get; set; } = "";
        public string Size { get; set; } = "";
    }

    private sealed class Value
    {
        public string Item { get; set; } = "";
    }

    [Fact]
    public void MapValueToKey_over_column_pairs_keeps_one_map_per_column_and_keyData_sets_the_keys()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new Survey { Color = "red", Size = "S" }, new Survey { Color = "blue", Size = "L" }, new Survey { Color = "red", Size = "M" },
        });
        var pairs = new[] { new InputOutputColumnPair("ColorKey", "Color"), new InputOutputColumnPair("SizeKey", "Size") };
        var model = ml.Transforms.Conversion.MapValueToKey(pairs)
            .Append(ml.Transforms.Conversion.MapKeyToValue(new[] { new InputOutputColumnPair("ColorBack", "ColorKey"), new InputOutputColumnPair("SizeBack", "SizeKey") }))
            .Fit(data);
        void Check(IDataView mapped)
        {
            mapped.GetColumn<uint>("ColorKey").Should().Equal(1u, 2u, 1u);
            mapped.GetColumn<uint>("SizeKey").Should().Equal(1u, 2u, 3u);
            mapped.Schema["ColorKey"].Type.Should().Be(new KeyDataViewType(typeof(uint), 2));
            mapped.Schema["SizeKey"].Type.Should().Be(new KeyDataViewType(typeof(uint), 3));
            mapped.GetColumn<string>("SizeBack").Should().Equal("S", "L", "M");
        }
        ViewReader.CheckBeforeAndAfterSaving(ml, model, data, Check);

        // keyData: the keys and their order come from another view; values outside it map to the missing key 0.
        var keyData = ml.Data.LoadFromEnumerable(new[] { "S", "M", "L", "XL" }.Select(v => new Value { Item = v }).ToList());
        var bySize = ml.Transforms.Conversion.MapValueToKey("SizeKey", "Size", keyData: keyData).Fit(data).Transform(data);
        bySize.GetColumn<uint>("SizeKey").Should().Equal(1u, 3u, 2u);
        bySize.Schema["SizeKey"].Type.Should().Be(new KeyDataViewType(typeof(uint), 4));
        var twoColumns = () => ml.Transforms.Conversion.MapValueToKey("SizeKey", "Size", keyData: data);
        twoColumns.Should().Throw<ArgumentException>().WithMessage("*exactly one column*");
    }
}
