// Programs written the way ML.NET's documentation writes them, using only names from Microsoft.ML.
// They compile unchanged against our core and must produce the documented results.
using Microsoft.ML.Transforms;

namespace MLNetGan.ML.Core.Tests;

public sealed class CompatibilityTests
{
    public class HouseData
    {
        public float Size { get; set; }
        public float Rooms { get; set; }
        public float Price { get; set; }
    }

    public class Transformed
    {
        [VectorType(2)]
        public float[] Features { get; set; } = Array.Empty<float>();
        public float Price { get; set; }
    }

    private static readonly HouseData[] Houses =
    {
        new() { Size = 1.1f, Rooms = 2, Price = 1.2f },
        new() { Size = 1.9f, Rooms = 3, Price = 2.3f },
        new() { Size = 2.8f, Rooms = 4, Price = 3.0f },
        new() { Size = 3.4f, Rooms = 5, Price = 3.7f },
    };

    [Fact]
    public void Enumerable_concatenate_normalize_save_load_transform_create_enumerable()
    {
        var mlContext = new MLContext(seed: 0);
        IDataView trainingData = mlContext.Data.LoadFromEnumerable(Houses);

        var pipeline = mlContext.Transforms.Concatenate("Features", new[] { "Size", "Rooms" })
            .Append(mlContext.Transforms.NormalizeMinMax("Features"));
        var model = pipeline.Fit(trainingData);

        var path = ViewReader.TempFile(".zip");
        try
        {
            mlContext.Model.Save(model, trainingData.Schema, path);
            var loaded = mlContext.Model.Load(path, out DataViewSchema inputSchema);
            inputSchema.Select(c => c.Name).Should().Equal("Size", "Rooms", "Price");

            var transformed = loaded.Transform(trainingData);
            var rows = mlContext.Data.CreateEnumerable<Transformed>(transformed, reuseRowObject: false).ToList();

            // fixZero: each slot is divided by its largest magnitude (3.4 and 5).
            var expectedSize = new[] { 1.1f / 3.4f, 1.9f / 3.4f, 2.8f / 3.4f, 1f };
            for (var i = 0; i < rows.Count; i++) rows[i].Features[0].Should().BeApproximately(expectedSize[i], 1e-6f);
            rows.Select(r => r.Features[1]).Should().Equal(0.4f, 0.6f, 0.8f, 1f);
            rows.Select(r => r.Price).Should().Equal(1.2f, 2.3f, 3.0f, 3.7f);
            transformed.Schema["Features"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public class SizeOnly
    {
        public float Size { get; set; }
        public float Rooms { get; set; }
    }

    public class Normalized
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void Prediction_engine_maps_single_objects()
    {
        var mlContext = new MLContext();
        var data = mlContext.Data.LoadFromEnumerable(Houses);
        var model = mlContext.Transforms.Concatenate("Features", "Size", "Rooms")
            .Append(mlContext.Transforms.NormalizeMinMax("Features", fixZero: false))
            .Fit(data);

        var engine = mlContext.Model.CreatePredictionEngine<SizeOnly, Normalized>(model);
        engine.Predict(new SizeOnly { Size = 1.1f, Rooms = 2 }).Features.Should().Equal(0f, 0f);
        engine.Predict(new SizeOnly { Size = 3.4f, Rooms = 5 }).Features.Should().Equal(1f, 1f);
        var middle = engine.Predict(new SizeOnly { Size = 2.25f, Rooms = 3.5f });
        middle.Features[0].Should().BeApproximately(0.5f, 1e-6f);
        middle.Features[1].Should().BeApproximately(0.5f, 1e-6f);
    }

    public class Flower
    {
        [LoadColumn(0, 1)]
        [VectorType(2)]
        public float[] Measurements { get; set; } = Array.Empty<float>();

        [LoadColumn(2)]
        public string Species { get; set; } = "";
    }

    public class FlowerWithKey
    {
        public uint Label { get; set; }
        public string Species { get; set; } = "";
    }

    [Fact]
    public void Text_file_to_keys_and_back()
    {
        var path = ViewReader.TempFile(".csv");
        File.WriteAllText(path, "length,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n4.9,3.0,setosa\n");
        try
        {
            var mlContext = new MLContext();
            var data = mlContext.Data.LoadFromTextFile<Flower>(path, separatorChar: ',', hasHeader: true);
            var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Species")
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("SpeciesAgain", "Label"));
            var transformed = pipeline.Fit(data).Transform(data);

            var rows = mlContext.Data.CreateEnumerable<FlowerWithKey>(transformed, reuseRowObject: false).ToList();
            rows.Select(r => r.Label).Should().Equal(1u, 2u, 1u);
            ViewReader.Column<ReadOnlyMemory<char>>(transformed, "SpeciesAgain").Select(m => m.ToString()).Should().Equal("setosa", "versicolor", "setosa");
            ViewReader.Vectors<float>(transformed, "Measurements")[1].Should().Equal(7.0f, 3.2f);
            transformed.Schema["Label"].Type.Should().Be(new KeyDataViewType(typeof(uint), 2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_test_split_partitions_rows()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new HouseData { Size = i }).ToList());
        var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2);
        var train = ViewReader.Column<float>(split.TrainSet, "Size");
        var test = ViewReader.Column<float>(split.TestSet, "Size");
        (train.Count + test.Count).Should().Be(1000);
        train.Intersect(test).Should().BeEmpty();
        test.Count.Should().BeInRange(150, 250);
    }
}
