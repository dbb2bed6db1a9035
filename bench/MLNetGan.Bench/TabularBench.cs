using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;
using MLNetGan.Torch;
using MLNetGan.Torch.Optimizers;
using F = MLNetGan.Torch.torch.nn.functional;

/// <summary>
/// Issue 11's tabular benchmark: on each table, our tabular GAN beside two baselines (independent per-column sampling and
/// a Gaussian copula), scored by ml.Gan().EvaluateTable against the training rows and by machine-learning efficacy
/// (a logistic regression trained on synthetic rows, tested on held-out real rows: TSTR, the mean over ten synthetic tables of the training
/// rows' size, beside training on real: TRTR).
/// One JSON line per table, seed and method.
/// </summary>
internal static class TabularBench
{
    private sealed record Table(string Name, string File, (string Name, DataKind Kind)[] Columns, string Label, (string Column, string Value)? Rare = null);

    /// <summary>Synthetic tables per method whose TSTR accuracies are averaged.</summary>
    private const int TstrDraws = 10;

    private static readonly Table[] Tables =
    {
        new("known", "known.csv", new[] { ("Age", DataKind.Int32), ("Income", DataKind.Double), ("Children", DataKind.Int32), ("City", DataKind.String), ("Plan", DataKind.String), ("PartTime", DataKind.Boolean) },
            "PartTime", ("Plan", "platinum")),
        new("cars", "cars.csv", new[] { ("Miles_per_Gallon", DataKind.Single), ("Cylinders", DataKind.Int32), ("Displacement", DataKind.Single), ("Horsepower", DataKind.Single),
            ("Weight_in_lbs", DataKind.Single), ("Acceleration", DataKind.Single), ("Origin", DataKind.String) }, "Origin"),
        new("seattle-weather", "seattle-weather.csv", new[] { ("precipitation", DataKind.Single), ("temp_max", DataKind.Single), ("temp_min", DataKind.Single), ("wind", DataKind.Single), ("weather", DataKind.String) },
            "weather"),
    };

    /// <param name="variant">Option settings for the tabular GAN as quality-variants takes them ("baseline", or NAME=VALUE joined by '+').</param>
    /// <param name="firstSeed">The first seed; seeds run from it to <paramref name="lastSeed"/>.</param>
    public static int Run(string folder, int epochs, int firstSeed, int lastSeed, string variant, string[] only)
    {
        foreach (var table in Tables.Where(t => only.Length == 0 || only.Contains(t.Name)))
        {
            for (var seed = firstSeed; seed <= lastSeed; seed++)
            {
                var ml = new MLContext(seed: seed);
                var columns = table.Columns.Select((c, i) => new TextLoader.Column(c.Name, c.Kind, i)).ToArray();
                var data = ml.Data.LoadFromTextFile(Path.Combine(folder, table.File), columns, separatorChar: ',', hasHeader: true);
                var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: seed);
                var train = ml.Data.Cache(split.TrainSet);
                var test = ml.Data.Cache(split.TestSet);
                var realTrain = Raw(train, table);
                var rows = realTrain.Count;
                var realTest = Raw(test, table);
                var trtr = Efficacy(realTrain, realTest, table, seed);

                var clock = System.Diagnostics.Stopwatch.StartNew();
                var options = QualityVariants.Configure(new TabularGanOptions { Epochs = epochs, LabelColumnName = table.Label }, seed, variant);
                using var model = ml.Gan().Trainers.Tabular(options).Fit(train);
                var seconds = clock.Elapsed.TotalSeconds;
                // The tabular VAE with TVAE's defaults (300 epochs), two threads like the GAN.
                clock.Restart();
                var vaeOptions = new TabularVaeOptions { Seed = seed, Threads = 2 };
                // VAE_VARIANT=NAME=VALUE[+NAME=VALUE...] sets TabularVaeOptions, as VARIANT sets the GAN's.
                foreach (var setting in (Environment.GetEnvironmentVariable("VAE_VARIANT") ?? "").Split('+', StringSplitOptions.RemoveEmptyEntries))
                {
                    var parts = setting.Split('=');
                    QualityVariants.Set(vaeOptions, parts[0], parts.Length == 2 ? parts[1] : throw new ArgumentException($"VAE_VARIANT setting '{setting}' is not NAME=VALUE."));
                }
                using var vae = ml.Gan().Trainers.TabularVae(vaeOptions).Fit(train);
                var vaeSeconds = clock.Elapsed.TotalSeconds;
                // Each method with its training-size synthetic table for a seed (the first, drawn with the run's seed, is also scored by EvaluateTable).
                var methods = new (string Name, Func<int, IDataView> Draw, double Seconds)[]
                {
                    ("tabular-gan", s => ml.Data.Cache(model.Generate(rows, s)), seconds),
                    ("tabular-vae", s => ml.Data.Cache(vae.Generate(rows, s)), vaeSeconds),
                    ("independent", s => Load(ml, Independent(realTrain, rows, s), table, columns), 0),
                    ("gaussian-copula", s => Load(ml, GaussianCopula(realTrain, table, rows, s), table, columns), 0),
                };
                foreach (var (name, draw, took) in methods)
                {
                    var synthetic = draw(seed);
                    // The held-out rows double as the privacy reference: synthetic rows should come no closer to training rows than to them.
                    var scores = ml.Gan().EvaluateTable(synthetic, train, new TableEvaluationOptions { Holdout = test });
                    var raw = Raw(synthetic, table);
                    // TSTR of one synthetic table moves by several held-out rows from draw to draw (cars: 0.66-0.73 for one GAN), so it
                    // is the mean over TstrDraws tables of the same size: this one and more drawn with seeds of their own.
                    var tstrDraws = new[] { Efficacy(raw, realTest, table, seed) }
                        .Concat(Enumerable.Range(1, TstrDraws - 1).Select(k => Efficacy(Raw(draw(seed * 1000 + k), table), realTest, table, seed))).ToArray();
                    var line = new Dictionary<string, object?>
                    {
                        ["table"] = table.Name, ["seed"] = seed, ["method"] = name, ["variant"] = name == "tabular-gan" ? variant : name == "tabular-vae" ? Environment.GetEnvironmentVariable("VAE_VARIANT") ?? "baseline" : null, ["rows"] = rows,
                        ["epochs"] = name == "tabular-gan" ? options.Epochs : name == "tabular-vae" ? new TabularVaeOptions().Epochs : null,
                        ["mean_column_distance"] = Math.Round(scores.MeanColumnDistance, 4), ["pairwise_dependence_difference"] = Math.Round(scores.PairwiseDependenceDifference, 4),
                        ["exact_copy_share"] = Math.Round(scores.ExactCopyShare, 4),
                        ["dcr_training_median"] = Math.Round(scores.Privacy!.MedianDistanceToTraining, 4), ["dcr_holdout_median"] = Math.Round(scores.Privacy.MedianDistanceToHoldout, 4),
                        ["dcr_holdout_to_training_median"] = Math.Round(scores.Privacy.MedianHoldoutDistanceToTraining, 4),
                        ["closer_to_training_share"] = Math.Round(scores.Privacy.CloserToTrainingShare, 4),
                        ["tstr_accuracy"] = Math.Round(tstrDraws.Average(), 4), ["tstr_draws"] = tstrDraws.Select(a => Math.Round(a, 4)).ToArray(),
                        ["trtr_accuracy"] = Math.Round(trtr, 4),
                        ["columns"] = scores.Columns.ToDictionary(c => c.Name, c => Math.Round(c.Distance, 4)),
                        ["seconds"] = Math.Round(took, 1),
                        ["worst_pairs"] = WorstPairs(scores, 3),
                    };
                    if (name == "tabular-gan" && model.History.Any(h => h.Quality is not null))
                    {
                        // The in-training checks (epoch, column distance, dependence difference, label accuracy), to see how quality moves and which one KeepBestGenerator took.
                        line["quality_checks"] = model.History.Where(h => h.Quality?.ColumnDistance is not null)
                            .Select(h => new[] { h.Epoch, Math.Round(h.Quality!.ColumnDistance!.Value, 4), Math.Round(h.Quality.DependenceDifference ?? double.NaN, 4),
                                                 Math.Round(h.Quality.LabelAccuracy ?? double.NaN, 4) }).ToList();
                    }
                    if (table.Rare is { } rare)
                    {
                        var index = Array.FindIndex(table.Columns, c => c.Name == rare.Column);
                        line["rare_share"] = Math.Round(raw.Count(r => r[index] == rare.Value) / (double)raw.Count, 4);
                        line["rare_share_real"] = Math.Round(realTrain.Count(r => r[index] == rare.Value) / (double)realTrain.Count, 4);
                    }
                    Console.WriteLine(JsonSerializer.Serialize(line));
                    if (seed == 1)
                    {
                        // Heat maps of the pairwise dependence and the columns' distributions, real beside synthetic.
                        File.WriteAllText(Path.Combine("bench", "results", $"tabular-{table.Name}-{name}-dependence.svg"),
                                          GanPlots.DependenceHeatMapsSvg(scores, $"{table.Name}, {name}: pairwise dependence"));
                        File.WriteAllText(Path.Combine("bench", "results", $"tabular-{table.Name}-{name}-marginals.svg"), GanPlots.MarginalsSvg(synthetic, train));
                    }
                    if (seed == 1 && table.Columns.Length > 1 && table.Columns[0].Kind is not DataKind.String && table.Columns[1].Kind is not DataKind.String)
                    {
                        // The first two columns, real (grey) against synthetic (red): the dependence a picture shows at once.
                        List<(float X, float Y)> Points(List<string[]> rowsOf) => rowsOf.Where(r => r[0].Length > 0 && r[1].Length > 0).Take(1500)
                            .Select(r => (float.Parse(r[0], CultureInfo.InvariantCulture), float.Parse(r[1], CultureInfo.InvariantCulture))).ToList();
                        GanPlots.ScatterPng(Points(realTrain), Points(raw)).Save(Path.Combine("bench", "results", $"tabular-{table.Name}-{name}.png"));
                    }
                }
            }
        }
        return 0;
    }

    /// <summary>Every row as invariant text per column ("" for missing).</summary>
    private static List<string[]> Raw(IDataView view, Table table)
    {
        var getters = new List<Func<string>>();
        var schemaColumns = table.Columns.Select(c => view.Schema[c.Name]).ToArray();
        using var cursor = view.GetRowCursor(schemaColumns);
        foreach (var column in schemaColumns) getters.Add(TextGetter(cursor, column));
        var rows = new List<string[]>();
        while (cursor.MoveNext()) rows.Add(getters.Select(g => g()).ToArray());
        return rows;
    }

    /// <summary>The <paramref name="count"/> column pairs whose dependence differs most, as "A~B" to [real, synthetic].</summary>
    private static Dictionary<string, double[]> WorstPairs(TableMetrics scores, int count)
    {
        var names = scores.ColumnNames;
        var pairs = new List<(string Pair, double Real, double Synthetic)>();
        for (var a = 0; a < names.Count; a++)
            for (var b = a + 1; b < names.Count; b++)
                pairs.Add(($"{names[a]}~{names[b]}", scores.RealDependence[a, b], scores.SyntheticDependence[a, b]));
        return pairs.OrderByDescending(p => Math.Abs(p.Real - p.Synthetic)).Take(count)
                    .ToDictionary(p => p.Pair, p => new[] { Math.Round(p.Real, 3), Math.Round(p.Synthetic, 3) });
    }

    private static Func<string> TextGetter(DataViewRow row, DataViewSchema.Column column)
    {
        Func<string> Of<T>(Func<T, string> format)
        {
            var getter = row.GetGetter<T>(column);
            T value = default!;
            return () =>
            {
                getter(ref value);
                return format(value);
            };
        }

        var c = CultureInfo.InvariantCulture;
        var t = column.Type.RawType;
        if (t == typeof(float)) return Of<float>(v => float.IsNaN(v) ? "" : v.ToString("R", c));
        if (t == typeof(double)) return Of<double>(v => double.IsNaN(v) ? "" : v.ToString("R", c));
        if (t == typeof(int)) return Of<int>(v => v.ToString(c));
        if (t == typeof(bool)) return Of<bool>(v => v ? "true" : "false");
        return Of<ReadOnlyMemory<char>>(v => v.ToString());
    }

    private static IDataView Load(MLContext ml, List<string[]> rows, Table table, TextLoader.Column[] columns)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlnetgan-tabular-{Guid.NewGuid():N}.csv");
        var text = new StringBuilder(string.Join(",", table.Columns.Select(c => c.Name))).Append('\n');
        foreach (var row in rows) text.Append(string.Join(",", row)).Append('\n');
        File.WriteAllText(path, text.ToString());
        var view = ml.Data.Cache(ml.Data.LoadFromTextFile(path, columns, separatorChar: ',', hasHeader: true));
        _ = view.GetRowCount();
        return view;
    }

    /// <summary>Baseline 1: every column sampled on its own from the training rows (marginals right, dependence lost).</summary>
    private static List<string[]> Independent(List<string[]> real, int count, int seed)
    {
        var random = new Random(seed);
        var width = real[0].Length;
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, width).Select(c => real[random.Next(real.Count)][c]).ToArray()).ToList();
    }

    /// <summary>
    /// Baseline 2: a Gaussian copula. Each column's values (categories ordered by frequency) become normal scores by rank;
    /// their correlation matrix drives correlated normal draws, which map back through each column's empirical quantiles.
    /// </summary>
    private static List<string[]> GaussianCopula(List<string[]> real, Table table, int count, int seed)
    {
        var width = real[0].Length;
        var n = real.Count;
        var sortedValues = new string[width][];
        var scores = new double[width][];
        var random = new Random(seed);
        for (var c = 0; c < width; c++)
        {
            var numeric = table.Columns[c].Kind is DataKind.Single or DataKind.Double or DataKind.Int32;
            var frequency = real.GroupBy(r => r[c]).ToDictionary(g => g.Key, g => g.Count());
            double Key(string v) => numeric ? (v.Length == 0 ? double.NegativeInfinity : double.Parse(v, CultureInfo.InvariantCulture)) : -frequency[v] + string.CompareOrdinal(v, "") * 1e-9;
            var order = Enumerable.Range(0, n).OrderBy(i => Key(real[i][c])).ThenBy(_ => random.Next()).ToArray();
            sortedValues[c] = order.Select(i => real[i][c]).ToArray();
            scores[c] = new double[n];
            for (var rank = 0; rank < n; rank++) scores[c][order[rank]] = InverseNormal((rank + 0.5) / n);
        }
        var correlation = new double[width, width];
        for (var a = 0; a < width; a++)
            for (var b = 0; b < width; b++)
                correlation[a, b] = a == b ? 1 : Enumerable.Range(0, n).Sum(i => scores[a][i] * scores[b][i]) / Enumerable.Range(0, n).Sum(i => scores[a][i] * scores[a][i]);
        var lower = Cholesky(correlation, width);
        var rows = new List<string[]>(count);
        for (var r = 0; r < count; r++)
        {
            var z = Enumerable.Range(0, width).Select(_ => Gaussian(random)).ToArray();
            var row = new string[width];
            for (var c = 0; c < width; c++)
            {
                double x = 0;
                for (var k = 0; k <= c; k++) x += lower[c, k] * z[k];
                var index = (int)Math.Clamp(Math.Floor(NormalCdf(x) * n), 0, n - 1);
                row[c] = sortedValues[c][index];
            }
            rows.Add(row);
        }
        return rows;
    }

    private static double[,] Cholesky(double[,] a, int n)
    {
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-9)) : sum / l[j, j];
            }
        return l;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    private static double Erf(double x)
    {
        // Abramowitz and Stegun 7.1.26 (error below 1.5e-7): enough to pick a quantile.
        var t = 1 / (1 + 0.3275911 * Math.Abs(x));
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }

    private static double InverseNormal(double p)
    {
        // Bisection on the CDF: slow but exact enough for ranks.
        double lo = -10, hi = 10;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (NormalCdf(mid) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>Accuracy on <paramref name="test"/> of a logistic regression trained on <paramref name="train"/> (standardized numbers, one-hot categories).</summary>
    private static double Efficacy(List<string[]> train, List<string[]> test, Table table, int seed)
    {
        var label = Array.FindIndex(table.Columns, c => c.Name == table.Label);
        var classes = train.Select(r => r[label]).Concat(test.Select(r => r[label])).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
        var features = new List<Func<string[], double[]>>();
        for (var c = 0; c < table.Columns.Length; c++)
        {
            if (c == label) continue;
            var column = c;
            if (table.Columns[c].Kind is DataKind.Single or DataKind.Double or DataKind.Int32)
            {
                var values = train.Select(r => r[column]).Where(v => v.Length > 0).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                var mean = values.DefaultIfEmpty(0).Average();
                var sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).DefaultIfEmpty(1).Average());
                features.Add(r => new[] { r[column].Length == 0 ? 0 : (double.Parse(r[column], CultureInfo.InvariantCulture) - mean) / (sd > 0 ? sd : 1), r[column].Length == 0 ? 1 : 0 });
            }
            else
            {
                var categories = train.Select(r => r[column]).Distinct().ToList();
                features.Add(r => categories.Select(v => v == r[column] ? 1.0 : 0.0).ToArray());
            }
        }
        float[] Encode(List<string[]> rows) => rows.SelectMany(r => features.SelectMany(f => f(r))).Select(v => (float)v).ToArray();
        var width = features.Sum(f => f(train[0]).Length);
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var x = torch.tensor(Encode(train), train.Count, width);
        var y = torch.tensor(train.Select(r => (long)classes.IndexOf(r[label])).ToArray(), train.Count);
        var weight = (torch.randn(new long[] { classes.Count, width }, generator: generator) * 0.01).requires_grad_();
        var bias = torch.zeros(classes.Count).requires_grad_();
        using var adam = new Adam(new[] { weight, bias }, lr: 0.05);
        for (var step = 0; step < 300; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            var loss = F.cross_entropy(F.linear(x, weight, bias), y);
            adam.zero_grad();
            loss.backward();
            adam.step();
        }
        using var noGrad = torch.no_grad();
        var predicted = F.linear(torch.tensor(Encode(test), test.Count, width), weight, bias).argmax(1).data<long>();
        return test.Select((r, i) => classes[(int)predicted[i]] == r[label]).Count(ok => ok) / (double)test.Count;
    }
}
