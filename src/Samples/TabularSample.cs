using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

namespace MLNetGan.Samples;

/// <summary>
/// Issue 11's use case end to end: a synthetic table shaped like a real one. Trains the tabular GAN on a CSV file (or a
/// built-in table of people with known structure), writes synthetic.csv with the same columns, metrics.json from
/// EvaluateTable, heat maps of the pairwise dependence, the columns' distributions, the training report and model.zip.
/// </summary>
internal static class TabularSample
{
    public static Command Command()
    {
        var csv = new Option<FileInfo?>("--csv") { Description = "A comma-separated file with a header row (no quoted commas); columns whose values all parse as numbers are numeric, true/false columns Boolean, the rest text. Default: a built-in table of 2,000 people." };
        var label = new Option<string?>("--label") { Description = "The column to condition on (Generate(label: ...) then makes rows of one value). Default for the built-in table: PartTime; none for a CSV." };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (give small tables a few thousand generator steps: docs/tabular.md).", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo?>("--output") { Description = "Output folder (default out/tabular)." };
        var command = new Command("tabular", "A synthetic table shaped like a real one (tabular GAN after CTGAN): synthetic.csv, metrics.json, dependence heat maps, marginals, report and model.")
            { csv, label, epochs, seed, output };
        command.SetAction(r =>
        {
            var folder = (r.GetValue(output) ?? new DirectoryInfo(Path.Combine("out", "tabular"))).FullName;
            Directory.CreateDirectory(folder);
            var ml = new MLContext(seed: r.GetValue(seed));
            IDataView table;
            string? labelColumn = r.GetValue(label);
            if (r.GetValue(csv) is { } file)
            {
                if (!file.Exists)
                {
                    Console.Error.WriteLine($"error: no CSV file at '{file.FullName}'.");
                    return 2;
                }
                table = ml.Data.Cache(ml.Data.LoadFromTextFile(file.FullName, InferColumns(file.FullName), separatorChar: ',', hasHeader: true));
            }
            else
            {
                table = ml.Data.LoadFromEnumerable(People(2000, r.GetValue(seed)));
                labelColumn ??= nameof(Person.PartTime);
            }
            Console.WriteLine($"data: {r.GetValue(csv)?.FullName ?? "built-in people table"}, {table.GetRowCount()} rows, columns {string.Join(", ", table.Schema.Select(c => $"{c.Name} ({c.Type})"))}");

            var options = new TabularGanOptions
            {
                Epochs = r.GetValue(epochs), Seed = r.GetValue(seed), LabelColumnName = labelColumn, TrainingReportDirectory = folder,
                Progress = new Progress<GanProgress>(p =>
                {
                    if (p.Quality?.ColumnDistance is { } distance)
                    {
                        Console.WriteLine(FormattableString.Invariant($"epoch {p.Epoch}/{p.Epochs}: column distance {distance:F3}, dependence difference {p.Quality.DependenceDifference:F3}") +
                                          (p.Quality.LabelAccuracy is { } accuracy ? FormattableString.Invariant($", label accuracy {accuracy:F3}") : ""));
                    }
                }),
            };
            ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning || e.Message.Contains("Keeping the generator", StringComparison.Ordinal)) Console.WriteLine(e.Message); };
            GanGenerator model;
            try
            {
                model = ml.Gan().Trainers.Tabular(options).Fit(table);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            using (model)
            {
                var rows = (int)table.GetRowCount()!.Value;
                var synthetic = ml.Data.Cache(model.Generate(rows, seed: r.GetValue(seed) + 100));
                using (var stream = File.Create(Path.Combine(folder, "synthetic.csv")))
                {
                    ml.Data.SaveAsText(synthetic, stream, separatorChar: ',', headerRow: true, schema: false);
                }
                var scores = ml.Gan().EvaluateTable(synthetic, table);
                File.WriteAllText(Path.Combine(folder, "dependence.svg"), GanPlots.DependenceHeatMapsSvg(scores, "pairwise dependence: real, synthetic, difference"));
                File.WriteAllText(Path.Combine(folder, "marginals.svg"), GanPlots.MarginalsSvg(synthetic, table));
                File.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(new
                {
                    scores.MeanColumnDistance, scores.PairwiseDependenceDifference, scores.ExactCopyShare,
                    Columns = scores.Columns.ToDictionary(c => c.Name, c => c.Distance),
                }, new JsonSerializerOptions { WriteIndented = true }));
                ml.Model.Save(model, table.Schema, Path.Combine(folder, "model.zip"));
                Console.WriteLine(FormattableString.Invariant($"synthetic: {rows} rows, column distance {scores.MeanColumnDistance:F3}, dependence difference {scores.PairwiseDependenceDifference:F3}, exact copies {scores.ExactCopyShare:P1}"));
                Console.WriteLine($"wrote synthetic.csv, metrics.json, dependence.svg, marginals.svg, report.html and model.zip to {folder}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A row of the built-in table: income follows age (less for part-timers), city depends on part-time work, a 1 % "platinum" plan.</summary>
    public sealed class Person
    {
        public float Age { get; set; }
        public double Income { get; set; }
        public int Children { get; set; }
        public string City { get; set; } = "";
        public string Plan { get; set; } = "";
        public bool PartTime { get; set; }
    }

    public static List<Person> People(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var age = 20 + random.Next(45);
            var partTime = random.NextDouble() < 0.3;
            var income = 1000 * age + 4000 * SampleRandom.Gaussian(random) - (partTime ? 15000 : 0);
            return new Person
            {
                Age = age, Income = Math.Round(income, 2), Children = random.Next(4), PartTime = partTime,
                City = partTime ? (random.NextDouble() < 0.8 ? "Oslo" : "Bergen") : (random.NextDouble() < 0.3 ? "Oslo" : random.NextDouble() < 0.5 ? "Bergen" : "Trondheim"),
                Plan = random.NextDouble() < 0.01 ? "platinum" : income > 45000 ? "gold" : "basic",
            };
        }).ToList();
    }

    /// <summary>Column types from the values: numbers (every non-empty value parses) as Single, true/false as Boolean, anything else as text.</summary>
    internal static TextLoader.Column[] InferColumns(string path)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2) throw new InvalidDataException($"'{path}' needs a header row and at least one data row.");
        var names = lines[0].Split(',').Select(n => n.Trim()).ToArray();
        var values = lines.Skip(1).Select(l => l.Split(',')).ToList();
        return names.Select((name, i) =>
        {
            var column = values.Select(v => i < v.Length ? v[i].Trim() : "").Where(v => v.Length > 0).ToList();
            var kind = column.Count > 0 && column.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) ? DataKind.Single
                : column.Count > 0 && column.All(v => v is "true" or "false" or "True" or "False") ? DataKind.Boolean
                : DataKind.String;
            return new TextLoader.Column(name, kind, i);
        }).ToArray();
    }
}
