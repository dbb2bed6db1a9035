namespace MLNetGan.Gan.Tests;

public sealed class TabularGanTests
{
    public sealed class Person
    {
        public float Age { get; set; }
        public double Income { get; set; }
        public int Children { get; set; }
        public string City { get; set; } = "";
        public bool PartTime { get; set; }
        public string Team { get; set; } = "";
    }

    /// <summary>A table with known structure: income follows age, part-timers are in one city more often, Team is the label.</summary>
    private static List<Person> People(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var age = 20 + random.Next(45);
            var partTime = random.NextDouble() < 0.3;
            return new Person
            {
                Age = age, Income = 1000 * age + 5000 * random.NextDouble() - (partTime ? 15000 : 0), Children = random.Next(4),
                City = partTime ? (random.NextDouble() < 0.8 ? "Oslo" : "Bergen") : (random.NextDouble() < 0.3 ? "Oslo" : "Bergen"),
                PartTime = partTime, Team = i % 3 == 0 ? "red" : "blue",
            };
        }).ToList();
    }

    [Fact]
    public void A_table_round_trips_through_training_generation_enumerables_and_save_load()
    {
        var ml = new MLContext(seed: 1);
        var real = ml.Data.LoadFromEnumerable(People(1000, 3));
        var trainer = ml.Gan().Trainers.Tabular(new TabularGanOptions { Epochs = 30, BatchSize = 200, LabelColumnName = "Team", Threads = 1 });
        using var model = trainer.Fit(real);

        model.TableColumns!.Select(c => c.Name).Should().Equal("Age", "Income", "Children", "City", "PartTime", "Team");
        var synthetic = model.Generate(count: 2000, seed: 7);
        foreach (var column in real.Schema) synthetic.Schema[column.Name].Type.Should().Be(column.Type, $"column {column.Name} keeps its type");
        var rows = ml.Data.CreateEnumerable<Person>(synthetic, reuseRowObject: false).ToList();
        rows.Should().HaveCount(2000);
        rows.Should().OnlyContain(p => p.Children >= 0 && p.Children <= 3, "integers stay within the seen range");
        rows.Should().OnlyContain(p => p.City == "Oslo" || p.City == "Bergen");
        rows.Count(p => p.Team == "red").Should().BeInRange(500, 850, "unlabelled rows come in the training proportions (a third red)");

        var scores = ml.Gan().EvaluateTable(synthetic, real);
        scores.MeanColumnDistance.Should().BeLessThan(0.25, "even a short run learns the marginals roughly");

        var reds = ml.Data.CreateEnumerable<Person>(model.Generate(300, seed: 8, label: "red"), reuseRowObject: false).ToList();
        reds.Should().OnlyContain(p => p.Team == "red");

        var path = Path.Combine(Path.GetTempPath(), $"mlnetgan-table-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, real.Schema, path);
            using var loaded = (GanGenerator)ml.Model.Load(path, out _);
            var again = ml.Data.CreateEnumerable<Person>(loaded.Generate(2000, seed: 7), reuseRowObject: false).ToList();
            again.Should().BeEquivalentTo(rows, o => o.WithStrictOrdering(), "the same seed generates the same table after loading");
        }
        finally
        {
            File.Delete(path);
        }
        var transform = () => model.Transform(real);
        transform.Should().Throw<NotSupportedException>().WithMessage("*Generate*");
    }

    [Fact]
    public void The_default_residual_generator_trains_on_a_label_and_round_trips_through_save_load()
    {
        var ml = new MLContext(seed: 1);
        var real = ml.Data.LoadFromEnumerable(People(400, 3));
        var options = new TabularGanOptions { Epochs = 3, BatchSize = 100, HiddenLayers = new[] { 32, 32 }, LabelColumnName = "Team", Threads = 1 };
        using var model = ml.Gan().Trainers.Tabular(options).Fit(real);

        model.GeneratorArchitecture.Layers.Select(l => l.Kind).Should().Equal("Residual", "Residual", "Linear", "TableOutput");
        model.GeneratorArchitecture.Layers[0].In.Should().Be(128 + 2, "the noise and the label's two classes");
        var reds = ml.Data.CreateEnumerable<Person>(model.Generate(200, seed: 4, label: "red"), reuseRowObject: false).ToList();
        reds.Should().HaveCount(200).And.OnlyContain(p => p.Team == "red");
        using var loaded = SavedAndLoaded(ml, model, real.Schema);
        ml.Data.CreateEnumerable<Person>(loaded.Generate(200, seed: 4, label: "red"), reuseRowObject: false).ToList()
            .Should().BeEquivalentTo(reds, o => o.WithStrictOrdering(), "the saved description rebuilds the residual blocks");
    }

    [Fact]
    public void Generated_tables_keep_the_training_column_order_with_the_label_in_its_place_after_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        var real = ml.Data.LoadFromEnumerable(People(300, 3));
        var options = new TabularGanOptions { Epochs = 1, BatchSize = 100, HiddenLayers = new[] { 16, 16 }, LabelColumnName = "City", Threads = 1 };
        using var model = ml.Gan().Trainers.Tabular(options).Fit(real);
        var names = real.Schema.Select(c => c.Name).ToArray();
        model.Generate(10, seed: 1).Schema.Select(c => c.Name).Should().Equal(names, "the label, City, stays fourth");
        model.TableColumns!.Select(c => c.Name).Should().Equal(names);
        using var loaded = SavedAndLoaded(ml, model, real.Schema);
        loaded.Generate(10, seed: 1).Schema.Select(c => c.Name).Should().Equal(names);
        ml.Data.CreateEnumerable<Person>(loaded.Generate(20, seed: 2, label: "Bergen"), reuseRowObject: false).Should().OnlyContain(p => p.City == "Bergen");
    }

    /// <summary>The model as <c>ml.Model.Save</c> writes it and <c>ml.Model.Load</c> reads it back (through a temporary file).</summary>
    private static GanGenerator SavedAndLoaded(MLContext ml, GanGenerator model, DataViewSchema schema)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlnetgan-table-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, schema, path);
            return (GanGenerator)ml.Model.Load(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_tabular_vae_learns_marginals_and_dependence_and_round_trips_through_save_load()
    {
        var ml = new MLContext(seed: 1);
        var real = ml.Data.LoadFromEnumerable(People(1000, 3));
        using var model = ml.Gan().Trainers.TabularVae(new TabularVaeOptions { Epochs = 60, BatchSize = 200, Threads = 1 }).Fit(real);

        model.TableColumns!.Select(c => c.Name).Should().Equal("Age", "Income", "Children", "City", "PartTime", "Team");
        model.Encoder.Should().NotBeNull("a tabular VAE keeps its encoder, as every VAE");
        var synthetic = model.Generate(count: 2000, seed: 7);
        foreach (var column in real.Schema) synthetic.Schema[column.Name].Type.Should().Be(column.Type, $"column {column.Name} keeps its type");
        var rows = ml.Data.CreateEnumerable<Person>(synthetic, reuseRowObject: false).ToList();
        rows.Should().OnlyContain(p => p.Children >= 0 && p.Children <= 3 && (p.City == "Oslo" || p.City == "Bergen"));

        var independent = ml.Data.LoadFromEnumerable(IndependentColumns(People(1000, 3), 2000, seed: 5));
        var scores = ml.Gan().EvaluateTable(synthetic, real);
        var baseline = ml.Gan().EvaluateTable(independent, real);
        scores.MeanColumnDistance.Should().BeLessThan(0.15, "the VAE learns the marginals");
        scores.PairwiseDependenceDifference.Should().BeLessThan(baseline.PairwiseDependenceDifference,
            "it keeps the dependence (income follows age, part-timers live in Oslo) that sampling columns independently loses");

        var path = Path.Combine(Path.GetTempPath(), $"mlnetgan-tvae-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, real.Schema, path);
            using var loaded = (GanGenerator)ml.Model.Load(path, out _);
            loaded.Options.Should().BeOfType<TabularVaeOptions>();
            var again = ml.Data.CreateEnumerable<Person>(loaded.Generate(2000, seed: 7), reuseRowObject: false).ToList();
            again.Should().BeEquivalentTo(rows, o => o.WithStrictOrdering(), "the same seed generates the same table after loading");
        }
        finally
        {
            File.Delete(path);
        }
        var bad = () => ml.Gan().Trainers.TabularVae(new TabularVaeOptions { OffsetDeviation = 0 }).Fit(real);
        bad.Should().Throw<ArgumentException>().WithMessage("*OffsetDeviation*");
    }

    /// <summary>Each column drawn on its own from the rows: the marginals kept, every dependence lost.</summary>
    private static List<Person> IndependentColumns(List<Person> people, int count, int seed)
    {
        var random = new Random(seed);
        Person Any() => people[random.Next(people.Count)];
        return Enumerable.Range(0, count).Select(_ => new Person
        {
            Age = Any().Age, Income = Any().Income, Children = Any().Children, City = Any().City, PartTime = Any().PartTime, Team = Any().Team,
        }).ToList();
    }

    [Fact]
    public void Continuous_columns_get_mixture_modes_and_categories_keep_missing_values()
    {
        // Two well separated modes, and text with missing values.
        var ml = new MLContext(seed: 1);
        var random = new Random(4);
        var rows = Enumerable.Range(0, 600).Select(i => new Person
        {
            Age = i % 2 == 0 ? 20 + (float)random.NextDouble() : 60 + (float)random.NextDouble(), City = i % 5 == 0 ? "" : "Oslo", Team = "x",
        }).ToList();
        var (codec, encoded, count) = TableCodec.Fit(ml.Data.LoadFromEnumerable(rows), new[] { ml.Data.LoadFromEnumerable(rows).Schema["Age"], ml.Data.LoadFromEnumerable(rows).Schema["City"] });
        count.Should().Be(600);
        var age = codec.Columns[0];
        age.Means!.Should().HaveCount(2, "two separated clusters give two modes (lighter ones are dropped)");
        age.Means.Should().SatisfyRespectively(m => m.Should().BeApproximately(20.5, 0.2), m => m.Should().BeApproximately(60.5, 0.2));
        codec.Columns[1].Categories.Should().Equal("", "Oslo");
        codec.Columns[1].HasMissing.Should().BeTrue();
        var decoded = codec.Decode(encoded, count);
        ((float[])decoded[0]).Zip(rows).Should().OnlyContain(p => Math.Abs(p.First - p.Second.Age) < 1e-3, "encoding then decoding gives the values back");
        ((ReadOnlyMemory<char>[])decoded[1]).Select(m => m.ToString()).Should().Equal(rows.Select(r => r.City));
    }

    [Fact]
    public void A_continuous_column_gets_one_mode_per_peak_of_its_density()
    {
        // A skewed (triangular) column has one peak, though the information criterion takes several Gaussians to draw
        // its shape; ages in three separated clusters keep three modes.
        var ml = new MLContext(seed: 1);
        var random = new Random(8);
        var skewed = Enumerable.Range(0, 2_000).Select(_ => new Person { Income = 1_000 * Math.Max(random.NextDouble(), random.NextDouble()), City = "x", Team = "x" }).ToList();
        var codec = FitColumns(ml, skewed, "Income").Codec;
        codec.Columns[0].Means.Should().ContainSingle("a triangular column has one peak");

        var clustered = Enumerable.Range(0, 2_000).Select(i => new Person { Age = 20 * (1 + i % 3) + (float)GanDatasets.Normal(random), City = "x", Team = "x" }).ToList();
        codec = FitColumns(ml, clustered, "Age").Codec;
        codec.Columns[0].Means!.Should().HaveCount(3, "three separated clusters are three modes");
    }

    [Fact]
    public void A_long_tailed_column_keeps_the_modes_that_encode_its_tail_unclamped()
    {
        // A log-normal income has one peak; one Gaussian mode would clamp its tail at 3.96 deviations.
        var ml = new MLContext(seed: 1);
        var random = new Random(9);
        var rows = Enumerable.Range(0, 2_000).Select(_ => new Person { Income = Math.Exp(10 + GanDatasets.Normal(random)), City = "x", Team = "x" }).ToList();
        var (codec, encoded, count) = FitColumns(ml, rows, "Income");
        codec.Columns[0].Means!.Length.Should().BeGreaterThan(1);
        ((double[])codec.Decode(encoded, count)[0]).Zip(rows).Should().OnlyContain(p => Math.Abs(p.First - p.Second.Income) < 1e-3 * p.Second.Income,
            "encoding then decoding gives every value back, the largest included");
    }

    private static (TableCodec Codec, float[] Encoded, int Count) FitColumns(MLContext ml, List<Person> rows, params string[] columns)
    {
        var view = ml.Data.LoadFromEnumerable(rows);
        return TableCodec.Fit(view, columns.Select(c => view.Schema[c]).ToArray());
    }

    [Fact]
    public void A_value_repeated_in_many_rows_gets_a_point_mass_mode_that_decodes_exactly()
    {
        // Rainfall-like: 60 % of the rows exactly 0, the rest spread over (0, 30].
        var ml = new MLContext(seed: 1);
        var random = new Random(6);
        var rows = Enumerable.Range(0, 500).Select(i => new Person { Income = i % 5 < 3 ? 0 : 30 * (1 - random.NextDouble()), City = "x", Team = "x" }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        var (codec, encoded, count) = TableCodec.Fit(view, new[] { view.Schema["Income"] });
        var income = codec.Columns[0];
        var point = Array.IndexOf(income.StandardDeviations!, 0.0);
        point.Should().BeGreaterThanOrEqualTo(0, "the frequent 0 gets a mode of its own");
        income.Means![point].Should().Be(0);
        var decoded = (double[])codec.Decode(encoded, count)[0];
        decoded.Count(v => v == 0).Should().Be(300, "every dry row decodes to exactly 0");
        decoded.Zip(rows).Should().OnlyContain(p => Math.Abs(p.First - p.Second.Income) < 1e-3);
    }

    [Fact]
    public void A_run_too_short_for_a_table_is_warned_about_unless_its_steps_are_set()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var real = ml.Data.LoadFromEnumerable(People(300, 4));
        using (ml.Gan().Trainers.Tabular(new TabularGanOptions { Epochs = 2, Threads = 1 }).Fit(real)) { }
        messages.Should().Contain(m => m.Contains("2 epoch(s) of 300 rows in batches of 100 make only 6 generator steps") && m.Contains("raise Epochs or set Steps"));

        messages.Clear();
        using (ml.Gan().Trainers.Tabular(new TabularGanOptions { Steps = 6, Threads = 1 }).Fit(real)) { }
        messages.Should().NotContain(m => m.Contains("generator steps;"), "a run whose steps are set was asked for as it is");
    }

    [Fact]
    public void Bad_tabular_input_names_the_column()
    {
        var ml = new MLContext(seed: 1);
        var real = ml.Data.LoadFromEnumerable(People(50, 1));
        var unknown = () => ml.Gan().Trainers.Tabular(new TabularGanOptions { Columns = new[] { "Age", "Height" } }).Fit(real);
        unknown.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Height*");
        var vectors = ml.Data.LoadFromEnumerable(new[] { new VectorRow { Values = new float[] { 1, 2 } }, new VectorRow { Values = new float[] { 3, 4 } } });
        var unsupported = () => ml.Gan().Trainers.Tabular(new TabularGanOptions { Columns = new[] { "Values" } }).Fit(vectors);
        unsupported.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Values*Single, Double, Int32, Int64, Boolean, text or key*");
        var noLabel = () => ml.Gan().Trainers.Tabular(new TabularGanOptions { Epochs = 1, BatchSize = 10 }).Fit(real);
        using (var model = noLabel())
        {
            var labelled = () => model.Generate(5, seed: 1, label: "red");
            labelled.Should().Throw<ArgumentException>().WithMessage("*unconditional*");
        }
    }

    private sealed class VectorRow
    {
        [VectorType(2)] public float[] Values { get; set; } = Array.Empty<float>();
    }
}
