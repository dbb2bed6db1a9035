using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>The kinds of table columns a tabular GAN models.</summary>
public enum TableColumnKind
{
    /// <summary>Single.</summary>
    Single,
    /// <summary>Double.</summary>
    Double,
    /// <summary>Int32 (generated values are rounded and kept within the seen range).</summary>
    Int32,
    /// <summary>Int64 (as Int32).</summary>
    Int64,
    /// <summary>Boolean (categorical).</summary>
    Boolean,
    /// <summary>Text (categorical).</summary>
    Text,
    /// <summary>Key with key values (categorical, by key-value text).</summary>
    Key,
}

/// <summary>
/// One table column as the tabular GAN encodes it. A continuous column (numbers) gets mode-specific normalization
/// (CTGAN, Xu et al. 2019): a Gaussian mixture fitted to its values, one mode per peak of its density where that
/// encodes every value; a value is encoded as the one-hot of its most
/// likely mode plus its offset from that mode's mean in 4 standard deviations (tanh range). A categorical column
/// (Boolean, text, key) is a one-hot of its categories. Missing values (NaN, empty text, a missing key) are a mode or
/// category of their own, so they are generated in their observed share.
/// </summary>
public sealed record TableColumn
{
    /// <summary>Column name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Column kind.</summary>
    public TableColumnKind Kind { get; init; }
    /// <summary>Categories (categorical), in one-hot order; an empty string stands for a missing value.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string[]? Categories { get; init; }
    /// <summary>Key values of a key column (its whole key range, in key order).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string[]? KeyValues { get; init; }
    /// <summary>Mode means (continuous).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double[]? Means { get; init; }
    /// <summary>Mode standard deviations (continuous).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double[]? StandardDeviations { get; init; }
    /// <summary>Whether the column had missing values (continuous: one more mode slot).</summary>
    public bool HasMissing { get; init; }
    /// <summary>Smallest value seen (continuous).</summary>
    public double Minimum { get; init; }
    /// <summary>Largest value seen (continuous).</summary>
    public double Maximum { get; init; }

    /// <summary>True for numbers.</summary>
    [JsonIgnore] public bool IsContinuous => Kind is TableColumnKind.Single or TableColumnKind.Double or TableColumnKind.Int32 or TableColumnKind.Int64;
    /// <summary>Width of the one-hot part (modes + missing, or categories).</summary>
    [JsonIgnore] public int OneHotWidth => IsContinuous ? Means!.Length + (HasMissing ? 1 : 0) : Categories!.Length;
    /// <summary>Encoded width: the offset (continuous) plus the one-hot.</summary>
    [JsonIgnore] public int Width => (IsContinuous ? 1 : 0) + OneHotWidth;

    /// <summary>The column's ML.NET type.</summary>
    public DataViewType Type() => Kind switch
    {
        TableColumnKind.Single => NumberDataViewType.Single,
        TableColumnKind.Double => NumberDataViewType.Double,
        TableColumnKind.Int32 => NumberDataViewType.Int32,
        TableColumnKind.Int64 => NumberDataViewType.Int64,
        TableColumnKind.Boolean => BooleanDataViewType.Instance,
        TableColumnKind.Text => TextDataViewType.Instance,
        _ => new KeyDataViewType(typeof(uint), KeyValues!.Length),
    };
}

/// <summary>
/// Encodes table rows into the tabular GAN's vectors and decodes generated vectors back into typed columns. The
/// description (<see cref="Columns"/>) is data and is saved with the model.
/// </summary>
internal sealed class TableCodec
{
    private const int MaxModes = 10;
    private const double ModeWeightFloor = 0.005; // CTGAN drops mixture components lighter than this
    private const double PointMassShare = 0.1;    // a value this frequent gets a mode of its own
    private const int MaxPointMasses = 3;

    public TableCodec(IReadOnlyList<TableColumn> columns, TableColumn? label = null, int? labelIndex = null)
    {
        Columns = columns;
        Label = label;
        LabelIndex = Math.Clamp(labelIndex ?? columns.Count, 0, columns.Count);
    }

    /// <summary>The modelled columns, in the generator's output order.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }
    /// <summary>The label column a conditional model generates from its class (categories = the model's classes), or null.</summary>
    public TableColumn? Label { get; }
    /// <summary>Where the label goes among <see cref="OutputColumns"/>: its place among the training columns (last in files from before it was kept).</summary>
    public int LabelIndex { get; }

    /// <summary>The generated view's columns: the modelled ones with the label at <see cref="LabelIndex"/>, in the training table's order.</summary>
    public IReadOnlyList<TableColumn> OutputColumns => Label is null ? Columns : WithLabelInPlace(Columns, Label).ToList();

    /// <summary>A copy with <paramref name="label"/> as its label column, at <paramref name="labelIndex"/> (default: where the label is now, else last).</summary>
    public TableCodec WithLabel(TableColumn label, int? labelIndex = null) => new(Columns, label, labelIndex ?? LabelIndex);

    /// <summary>Decodes generated rows and, for a conditional model, the rows' classes into the label column.</summary>
    public Array[] DecodeOutput(float[] values, long[]? classes, int rows)
    {
        var decoded = Decode(values, rows);
        if (Label is null) return decoded;
        if (classes is null) throw new InvalidOperationException("A conditional table needs each row's class.");
        var chosen = classes.Select(c => Label.Categories![c]).ToArray();
        return WithLabelInPlace(decoded, Categorical(Label, chosen)).ToArray();
    }

    /// <summary>The modelled columns' <paramref name="items"/> with the label's at <see cref="LabelIndex"/>: the one place that orders output columns.</summary>
    private IEnumerable<T> WithLabelInPlace<T>(IEnumerable<T> items, T label) => items.Take(LabelIndex).Append(label).Concat(items.Skip(LabelIndex));
    public int Width => Columns.Sum(c => c.Width);

    /// <summary>Which columns a tabular GAN models by default: every scalar one of a supported type.</summary>
    public static TableColumnKind? KindOf(DataViewType type) => type switch
    {
        KeyDataViewType => TableColumnKind.Key,
        TextDataViewType => TableColumnKind.Text,
        BooleanDataViewType => TableColumnKind.Boolean,
        _ when type == NumberDataViewType.Single => TableColumnKind.Single,
        _ when type == NumberDataViewType.Double => TableColumnKind.Double,
        _ when type == NumberDataViewType.Int32 => TableColumnKind.Int32,
        _ when type == NumberDataViewType.Int64 => TableColumnKind.Int64,
        _ => null,
    };

    /// <summary>Reads the columns and fits their encodings (mixtures for numbers, category lists otherwise).</summary>
    public static (TableCodec Codec, float[] Encoded, int Rows) Fit(IDataView data, IReadOnlyList<DataViewSchema.Column> columns)
    {
        var raw = columns.Select(c => ReadColumn(data, c)).ToList();
        var rows = raw.Count == 0 ? 0 : raw[0].Length;
        var described = columns.Select((c, i) => Describe(c, raw[i])).ToList();
        var codec = new TableCodec(described);
        var encoded = new float[(long)rows * codec.Width];
        var offset = 0;
        for (var i = 0; i < described.Count; i++)
        {
            codec.EncodeColumn(described[i], raw[i], encoded, offset);
            offset += described[i].Width;
        }
        return (codec, encoded, rows);
    }

    /// <summary>A column's values as text (categorical; "" missing) or as doubles boxed in text-free form (continuous).</summary>
    private static object[] ReadColumn(IDataView data, DataViewSchema.Column column)
    {
        var values = new List<object>();
        using var cursor = data.GetRowCursor(new[] { column });
        var kind = KindOf(column.Type) ?? throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' has unsupported type {column.Type}.");
        if (kind is TableColumnKind.Single or TableColumnKind.Double or TableColumnKind.Int32 or TableColumnKind.Int64)
        {
            var read = ColumnReaders.Number(cursor, column);
            while (cursor.MoveNext()) values.Add(read());
        }
        else
        {
            var read = LabelColumn.Reader(cursor, column);
            while (cursor.MoveNext()) values.Add(read() ?? "");
        }
        return values.ToArray();
    }

    private static TableColumn Describe(DataViewSchema.Column column, object[] values)
    {
        var kind = KindOf(column.Type)!.Value;
        if (kind is TableColumnKind.Single or TableColumnKind.Double or TableColumnKind.Int32 or TableColumnKind.Int64)
        {
            var numbers = values.Cast<double>().ToArray();
            var present = numbers.Where(double.IsFinite).ToArray();
            if (present.Length == 0) throw new ArgumentException($"Column '{column.Name}' has no finite values to model.", "options");
            // Values repeated in many rows (rainfall's dry days at exactly 0) become point-mass modes (deviation 0): they
            // encode with offset 0 and decode to exactly that value, where a Gaussian mode would spread them around it.
            var pointMasses = present.GroupBy(v => v).Where(g => g.Count() >= PointMassShare * present.Length && g.Count() < present.Length)
                .OrderByDescending(g => g.Count()).Take(MaxPointMasses).Select(g => g.Key).OrderBy(v => v).ToArray();
            var rest = present.Where(v => Array.IndexOf(pointMasses, v) < 0).ToArray();
            var (means, deviations) = rest.Length == 0 ? (Array.Empty<double>(), Array.Empty<double>()) : GaussianMixture.Fit(rest, MaxModes, ModeWeightFloor);
            means = means.Concat(pointMasses).ToArray();
            deviations = deviations.Concat(pointMasses.Select(_ => 0.0)).ToArray();
            return new TableColumn
            {
                Name = column.Name, Kind = kind, Means = means, StandardDeviations = deviations, HasMissing = present.Length < numbers.Length,
                Minimum = present.Min(), Maximum = present.Max(),
            };
        }
        var texts = values.Cast<string>().ToArray();
        string[]? keyValues = null;
        IEnumerable<string> order = texts.Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal);
        if (kind == TableColumnKind.Key)
        {
            keyValues = KeyValuesOf(column);
            var rank = keyValues.Select((v, i) => (v, i)).GroupBy(p => p.v).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            order = texts.Distinct(StringComparer.Ordinal).OrderBy(t => rank.GetValueOrDefault(t, -1));
        }
        else if (kind == TableColumnKind.Boolean)
        {
            order = texts.Distinct(StringComparer.Ordinal).OrderBy(t => t == "true" ? 1 : 0);
        }
        return new TableColumn { Name = column.Name, Kind = kind, Categories = order.ToArray(), KeyValues = keyValues, HasMissing = texts.Contains("") };
    }

    private void EncodeColumn(TableColumn column, object[] values, float[] encoded, int offset)
    {
        var width = Width;
        if (column.IsContinuous)
        {
            var modes = column.Means!.Length;
            for (var r = 0; r < values.Length; r++)
            {
                var x = (double)values[r];
                var at = (long)r * width + offset;
                if (!double.IsFinite(x))
                {
                    encoded[at + 1 + modes] = 1; // the missing slot; offset 0
                    continue;
                }
                var mode = GaussianMixture.MostLikely(x, column.Means!, column.StandardDeviations!);
                var deviation = column.StandardDeviations![mode];
                encoded[at] = deviation == 0 ? 0 : (float)GaussianMixture.Offset(x, column.Means![mode], deviation);
                encoded[at + 1 + mode] = 1;
            }
            return;
        }
        var index = column.Categories!.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        for (var r = 0; r < values.Length; r++) encoded[(long)r * width + offset + index[(string)values[r]]] = 1;
    }

    /// <summary>
    /// The generator's output layout: for each column its continuous offset (tanh) and one-hot span (softmax), as
    /// (width, kind) pairs with kind 0 = tanh, 1 = softmax.
    /// </summary>
    public long[] OutputSegments() => Columns.SelectMany(c => c.IsContinuous
        ? new long[] { 1, 0, c.OneHotWidth, 1 }
        : new long[] { c.OneHotWidth, 1 }).ToArray();

    /// <summary>Decodes generated rows (row-major, <see cref="Width"/> each) into one array per column of the column's raw type.</summary>
    public Array[] Decode(ReadOnlySpan<float> values, int rows)
    {
        var result = new Array[Columns.Count];
        var offset = 0;
        for (var i = 0; i < Columns.Count; i++)
        {
            var column = Columns[i];
            result[i] = column.IsContinuous ? DecodeContinuous(column, values, rows, offset) : DecodeCategorical(column, values, rows, offset);
            offset += column.Width;
        }
        return result;
    }

    private Array DecodeContinuous(TableColumn column, ReadOnlySpan<float> values, int rows, int offset)
    {
        var numbers = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var span = values.Slice(r * Width + offset, column.Width);
            var mode = ArgMax(span[1..]);
            numbers[r] = mode == column.Means!.Length ? double.NaN : span[0] * GaussianMixture.OffsetDeviations * column.StandardDeviations![mode] + column.Means[mode];
        }
        switch (column.Kind)
        {
            case TableColumnKind.Single: return numbers.Select(v => (float)v).ToArray();
            case TableColumnKind.Double: return numbers;
            case TableColumnKind.Int32: return numbers.Select(v => double.IsNaN(v) ? 0 : (int)Math.Clamp(Math.Round(v), column.Minimum, column.Maximum)).ToArray();
            default: return numbers.Select(v => double.IsNaN(v) ? 0L : (long)Math.Clamp(Math.Round(v), column.Minimum, column.Maximum)).ToArray();
        }
    }

    private Array DecodeCategorical(TableColumn column, ReadOnlySpan<float> values, int rows, int offset)
    {
        var chosen = new string[rows];
        for (var r = 0; r < rows; r++) chosen[r] = column.Categories![ArgMax(values.Slice(r * Width + offset, column.Width))];
        return Categorical(column, chosen);
    }

    /// <summary>Category text back to the column's raw type (a label column may also be numeric).</summary>
    private static Array Categorical(TableColumn column, string[] chosen)
    {
        var culture = CultureInfo.InvariantCulture;
        return column.Kind switch
        {
            TableColumnKind.Boolean => chosen.Select(c => c == "true").ToArray(),
            TableColumnKind.Text => chosen.Select(c => c.AsMemory()).ToArray(),
            TableColumnKind.Key => chosen.Select(c => c.Length == 0 ? 0u : (uint)(Array.IndexOf(column.KeyValues!, c) + 1)).ToArray(),
            TableColumnKind.Single => chosen.Select(c => c.Length == 0 ? float.NaN : float.Parse(c, culture)).ToArray(),
            TableColumnKind.Double => chosen.Select(c => c.Length == 0 ? double.NaN : double.Parse(c, culture)).ToArray(),
            TableColumnKind.Int32 => chosen.Select(c => c.Length == 0 ? 0 : int.Parse(c, culture)).ToArray(),
            _ => (Array)chosen.Select(c => c.Length == 0 ? 0L : long.Parse(c, culture)).ToArray(),
        };
    }

    /// <summary>The label column's description: its kind and key values; its categories are set from the model's classes.</summary>
    public static TableColumn LabelColumnOf(DataViewSchema.Column column)
    {
        var kind = KindOf(column.Type) ?? throw new ArgumentException($"Label column '{column.Name}' has type {column.Type}; a key, text, Boolean, Single, Double, Int32 or Int64 column is needed.", "options");
        return new TableColumn { Name = column.Name, Kind = kind, KeyValues = kind == TableColumnKind.Key ? KeyValuesOf(column) : null };
    }

    private static string[] KeyValuesOf(DataViewSchema.Column column)
    {
        return ColumnReaders.KeyNames(column)
            ?? Enumerable.Range(1, (int)Math.Min(((KeyDataViewType)column.Type).Count, int.MaxValue)).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>Checks a description read from a file.</summary>
    public static TableCodec Checked(IReadOnlyList<TableColumn>? columns, TableColumn? label, int? labelIndex = null)
    {
        if (label is not null && (string.IsNullOrEmpty(label.Name) || !Enum.IsDefined(label.Kind) || label.Categories is not { Length: > 0 }
                                  || (label.Kind == TableColumnKind.Key && label.KeyValues is not { Length: > 0 })))
        {
            throw new InvalidDataException("The saved table's label column is invalid.");
        }
        if (columns is null || columns.Count == 0) throw new InvalidDataException("The saved table has no columns.");
        foreach (var c in columns)
        {
            if (c is null || string.IsNullOrEmpty(c.Name) || !Enum.IsDefined(c.Kind)) throw new InvalidDataException("A saved table column has no name or an unknown kind.");
            var valid = c.IsContinuous
                ? c.Means is { Length: > 0 and <= 1000 } && c.StandardDeviations?.Length == c.Means.Length && c.StandardDeviations.All(s => s >= 0 && double.IsFinite(s)) && c.Means.All(double.IsFinite)
                : c.Categories is { Length: > 0 and <= 1 << 20 } && (c.Kind != TableColumnKind.Key || c.KeyValues is { Length: > 0 });
            if (!valid) throw new InvalidDataException($"Saved table column '{c.Name}' has an invalid encoding.");
        }
        if (labelIndex is { } index && (index < 0 || index > columns.Count)) throw new InvalidDataException($"The saved table's label position {index} is outside its {columns.Count + 1} columns.");
        return new TableCodec(columns, label, labelIndex);
    }
}

/// <summary>
/// A one-dimensional Gaussian mixture fitted by expectation-maximization, its number of components chosen by the
/// Bayesian information criterion (CTGAN prunes a variational mixture's components instead; BIC keeps the same few
/// modes for clearly separated clusters without a variational solver), then cut to the number of peaks of its
/// density: a mode is a peak, and the extra components BIC takes to draw a skewed or flat column's shape are not
/// (decision 70).
/// </summary>
internal static class GaussianMixture
{
    private const int Iterations = 60;
    private const int MaxSamples = 5_000;
    private const int DensityGridPoints = 1_024;
    // Two peaks of the density are separate modes when the density between them falls below this share of the lower
    // one; shallower dips are the ripples a sum of Gaussians draws on a flat or skewed density (docs/tabular.md).
    private const double ModeValleyShare = 0.75;

    /// <summary>An offset of 1 is this many of its mode's standard deviations (CTGAN's 4).</summary>
    public const double OffsetDeviations = 4;
    private const double OffsetLimit = 0.99; // tanh's range, less a margin

    /// <summary>The offset of <paramref name="x"/> from a mode in the generator's tanh range, clamped: values farther than 3.96 deviations decode to that bound.</summary>
    public static double Offset(double x, double mean, double deviation) => Math.Clamp((x - mean) / (OffsetDeviations * deviation), -OffsetLimit, OffsetLimit);

    /// <summary>Means and standard deviations (by mean) of the best mixture of 1 to <paramref name="maxModes"/> components, dropping those lighter than <paramref name="weightFloor"/>.</summary>
    public static (double[] Means, double[] Deviations) Fit(double[] values, int maxModes, double weightFloor)
    {
        // A deterministic, evenly spaced subsample keeps EM fast on large tables.
        var sample = values.Length <= MaxSamples ? values : Enumerable.Range(0, MaxSamples).Select(i => values[(long)i * values.Length / MaxSamples]).ToArray();
        var sorted = sample.OrderBy(v => v).ToArray();
        var range = sorted[^1] - sorted[0];
        var floor = Math.Max(range * 1e-3, 1e-6); // a constant column keeps a usable deviation
        var distinct = sorted.Distinct().Count();
        (double[] Means, double[] Deviations, double[] Weights)? best = null;
        var bestCriterion = double.PositiveInfinity;
        for (var k = 1; k <= Math.Min(maxModes, distinct); k++)
        {
            var (means, deviations, weights, logLikelihood) = Em(sorted, k, range, floor);
            var criterion = -2 * logLikelihood + (3 * k - 1) * Math.Log(sorted.Length);
            if (criterion < bestCriterion) (best, bestCriterion) = ((means, deviations, weights), criterion);
        }
        var (m, d, w) = best!.Value;
        // Fewer components than BIC's, down to one per peak, as long as they still encode every value EM saw unclamped
        // (a long tail can need a wide component of its own that makes no peak).
        for (var k = m.Length > 1 ? DensityPeaks(m, d, w, sorted[0], sorted[^1]) : m.Length; k < m.Length; k++)
        {
            var (fewerMeans, fewerDeviations, fewerWeights, _) = Em(sorted, k, range, floor);
            if (!EncodesUnclamped(sorted, fewerMeans, fewerDeviations)) continue;
            (m, d, w) = (fewerMeans, fewerDeviations, fewerWeights);
            break;
        }
        var kept = Enumerable.Range(0, m.Length).Where(j => w[j] >= weightFloor).OrderBy(j => m[j]).ToArray();
        if (kept.Length == 0) kept = new[] { Array.IndexOf(w, w.Max()) };
        return (kept.Select(j => m[j]).ToArray(), kept.Select(j => d[j]).ToArray());
    }

    /// <summary>
    /// The number of separate peaks of the mixture's density over [<paramref name="low"/>, <paramref name="high"/>]:
    /// its local maxima, a neighbour merged into the previous peak unless the density between them dips below
    /// <see cref="ModeValleyShare"/> of the lower of the two.
    /// </summary>
    private static int DensityPeaks(double[] means, double[] deviations, double[] weights, double low, double high)
    {
        var density = new double[DensityGridPoints];
        for (var g = 0; g < density.Length; g++)
        {
            var x = low + (high - low) * g / (density.Length - 1);
            for (var j = 0; j < means.Length; j++) density[g] += weights[j] * Density(x, means[j], deviations[j]);
        }
        var peaks = new List<int>();
        var valley = double.PositiveInfinity; // the lowest density since the last peak kept
        for (var g = 0; g < density.Length; g++)
        {
            valley = Math.Min(valley, density[g]);
            var isMaximum = (g == 0 || density[g] > density[g - 1]) && (g == density.Length - 1 || density[g] >= density[g + 1]);
            if (!isMaximum) continue;
            if (peaks.Count == 0 || valley < ModeValleyShare * Math.Min(density[peaks[^1]], density[g])) peaks.Add(g);
            else if (density[g] > density[peaks[^1]]) peaks[^1] = g; // the same mode: keep its higher top
            else continue;                                           // the same mode, lower: the valley runs on
            valley = density[g];
        }
        return Math.Max(peaks.Count, 1);
    }

    private static bool EncodesUnclamped(double[] values, double[] means, double[] deviations) => values.All(x =>
    {
        var mode = MostLikely(x, means, deviations);
        return Math.Abs(x - means[mode]) <= OffsetLimit * OffsetDeviations * deviations[mode];
    });

    private static (double[] Means, double[] Deviations, double[] Weights, double LogLikelihood) Em(double[] sorted, int k, double range, double floor)
    {
        var n = sorted.Length;
        var means = Enumerable.Range(0, k).Select(i => sorted[(int)((i + 0.5) * n / k)]).ToArray();
        var deviations = Enumerable.Repeat(Math.Max(range / (2.0 * k), floor), k).ToArray();
        var weights = Enumerable.Repeat(1.0 / k, k).ToArray();
        var responsibility = new double[n * k];
        double logLikelihood = 0;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            logLikelihood = 0;
            for (var i = 0; i < n; i++)
            {
                double total = 0;
                for (var j = 0; j < k; j++) total += responsibility[i * k + j] = weights[j] * Density(sorted[i], means[j], deviations[j]);
                logLikelihood += Math.Log(Math.Max(total, 1e-300));
                for (var j = 0; j < k; j++) responsibility[i * k + j] = total > 0 ? responsibility[i * k + j] / total : 1.0 / k;
            }
            for (var j = 0; j < k; j++)
            {
                double mass = 0, sum = 0;
                for (var i = 0; i < n; i++) { mass += responsibility[i * k + j]; sum += responsibility[i * k + j] * sorted[i]; }
                if (mass < 1e-9) { weights[j] = 0; continue; }
                means[j] = sum / mass;
                double squares = 0;
                for (var i = 0; i < n; i++) squares += responsibility[i * k + j] * (sorted[i] - means[j]) * (sorted[i] - means[j]);
                deviations[j] = Math.Max(Math.Sqrt(squares / mass), floor);
                weights[j] = mass / n;
            }
        }
        return (means, deviations, weights, logLikelihood);
    }

    /// <summary>
    /// The component under which <paramref name="x"/> is most likely (by its density; the mixture's weights are not kept).
    /// A point mass (deviation 0) takes exactly its own value and nothing else.
    /// </summary>
    public static int MostLikely(double x, double[] means, double[] deviations)
    {
        var best = -1;
        var bestLog = double.NegativeInfinity;
        for (var j = 0; j < means.Length; j++)
        {
            if (deviations[j] == 0)
            {
                if (x == means[j]) return j;
                continue;
            }
            var z = (x - means[j]) / deviations[j];
            var log = -0.5 * z * z - Math.Log(deviations[j]);
            if (log > bestLog) (best, bestLog) = (j, log);
        }
        // Only point masses, and x is none of them (a value seen only when decoding): the nearest one.
        return best >= 0 ? best : Enumerable.Range(0, means.Length).MinBy(j => Math.Abs(x - means[j]));
    }

    private static double Density(double x, double mean, double deviation)
    {
        var z = (x - mean) / deviation;
        return Math.Exp(-0.5 * z * z) / (deviation * Math.Sqrt(2 * Math.PI));
    }
}
