using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>Options of <see cref="GanCatalog.EvaluateTable"/>.</summary>
public sealed class TableEvaluationOptions
{
    /// <summary>The columns to compare (present in both views); null: every scalar numeric, Boolean, text or key column of the real view.</summary>
    public IReadOnlyList<string>? Columns { get; set; }
    /// <summary>
    /// Real rows kept out of training (same columns). When given, <see cref="TableMetrics.Privacy"/> compares how close the
    /// synthetic rows come to the training rows with how close they come to these unseen rows.
    /// </summary>
    public IDataView? Holdout { get; set; }
    /// <summary>At most this many synthetic rows (the first ones) enter the privacy distances, which cost rows x real rows. Default 2,000.</summary>
    public int PrivacyRows { get; set; } = 2000;
}

/// <summary>
/// Distance to the closest record (DCR) in Gower's distance for mixed columns: numbers as |a - b| / (range of the
/// training values), categories as 0 (equal) or 1, missing as 0 when both are missing and 1 when one is; the mean over
/// columns, in [0, 1]. For <see cref="CloserToTrainingShare"/> the training rows are subsampled to the holdout's size, so
/// a generator that learned the distribution without memorizing rows comes as close to either set (a share near 0.5).
/// </summary>
/// <param name="MedianDistanceToTraining">Median over synthetic rows of the distance to the closest of all training rows (0: copies).</param>
/// <param name="MedianDistanceToHoldout">Median over synthetic rows of the distance to the closest holdout row.</param>
/// <param name="MedianHoldoutDistanceToTraining">The reference: median over holdout rows of the distance to the closest training row (how close genuinely new rows come).</param>
/// <param name="CloserToTrainingShare">Share of synthetic rows strictly closer to a row of the equal-size training subsample than to any holdout row (ties count half); well above 0.5 means memorization.</param>
/// <param name="SyntheticRows">Synthetic rows compared.</param>
/// <param name="ReferenceRows">Rows in the holdout and in the training subsample.</param>
public sealed record TablePrivacy(double MedianDistanceToTraining, double MedianDistanceToHoldout, double MedianHoldoutDistanceToTraining,
                                  double CloserToTrainingShare, int SyntheticRows, int ReferenceRows);

/// <summary>How well one synthetic column matches the real one.</summary>
/// <param name="Name">The column.</param>
/// <param name="IsNumeric">True for a numeric column (compared by the Kolmogorov-Smirnov statistic), false for a categorical one (total variation distance).</param>
/// <param name="Distance">KS statistic or TV distance, in [0, 1]; 0 when the distributions match.</param>
/// <param name="RealMissingShare">Share of real rows with a missing value (NaN, empty text, missing key).</param>
/// <param name="SyntheticMissingShare">The same for the synthetic rows.</param>
public sealed record ColumnFidelity(string Name, bool IsNumeric, double Distance, double RealMissingShare, double SyntheticMissingShare);

/// <summary>
/// Tabular fidelity of synthetic rows against real rows (docs/quality.md): per-column distribution distances, the
/// difference of the pairwise dependence matrices, and how many synthetic rows copy a real row.
/// </summary>
public sealed record TableMetrics
{
    /// <summary>One entry per compared column.</summary>
    public required IReadOnlyList<ColumnFidelity> Columns { get; init; }
    /// <summary>Mean of the columns' <see cref="ColumnFidelity.Distance"/>. Lower is better.</summary>
    public required double MeanColumnDistance { get; init; }
    /// <summary>
    /// Mean absolute difference, over column pairs, between the real and the synthetic dependence: Pearson correlation
    /// (numeric pairs), Cramér's V (categorical pairs), correlation ratio (mixed pairs). Lower is better; NaN with one column.
    /// </summary>
    public required double PairwiseDependenceDifference { get; init; }
    /// <summary>Share of synthetic rows equal to some real row in every compared column (copies of the training data).</summary>
    public required double ExactCopyShare { get; init; }
    /// <summary>Distances to the closest training and holdout records; null unless <see cref="TableEvaluationOptions.Holdout"/> is given.</summary>
    public TablePrivacy? Privacy { get; init; }
    /// <summary>The compared columns, in the order of the dependence matrices.</summary>
    public IReadOnlyList<string> ColumnNames => Columns.Select(c => c.Name).ToList();
    /// <summary>Pairwise dependence of the real columns (1 on the diagonal; the measures of <see cref="PairwiseDependenceDifference"/>), for heat maps.</summary>
    public required double[,] RealDependence { get; init; }
    /// <summary>Pairwise dependence of the synthetic columns, in the same order.</summary>
    public required double[,] SyntheticDependence { get; init; }
}

/// <summary>The tabular metrics as pure functions over columns read as numbers or category text.</summary>
internal static class TableScores
{
    private const string Missing = "\u0000missing";

    public static TableMetrics Evaluate(IDataView synthetic, IDataView real, TableEvaluationOptions options)
    {
        var (names, realColumns, syntheticColumns) = ReadPaired(synthetic, real, options.Columns, nameof(options));
        var fidelity = names.Select((n, i) => Fidelity(n, realColumns[i], syntheticColumns[i])).ToList();
        var realDependence = DependenceMatrix(realColumns);
        var syntheticDependence = DependenceMatrix(syntheticColumns);
        TablePrivacy? privacy = null;
        if (options.Holdout is { } holdout)
        {
            if (options.PrivacyRows < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Option PrivacyRows must be at least 1 (got {options.PrivacyRows}).");
            var holdoutColumns = ReadColumns(holdout, names, "holdout");
            for (var i = 0; i < names.Count; i++)
            {
                if (holdoutColumns[i].IsNumeric != realColumns[i].IsNumeric)
                {
                    throw new ArgumentException($"Column '{names[i]}' is {(realColumns[i].IsNumeric ? "numeric" : "categorical")} in the real view but not in the holdout view.", nameof(options));
                }
            }
            privacy = Privacy(realColumns, syntheticColumns, holdoutColumns, options.PrivacyRows);
        }
        return new TableMetrics
        {
            Columns = fidelity,
            MeanColumnDistance = fidelity.Average(f => f.Distance),
            PairwiseDependenceDifference = DependenceDifference(realDependence, syntheticDependence),
            ExactCopyShare = ExactCopies(realColumns, syntheticColumns),
            Privacy = privacy,
            RealDependence = realDependence,
            SyntheticDependence = syntheticDependence,
        };
    }

    /// <summary>
    /// The mean absolute difference of two dependence matrices over the column pairs (undefined pairs, such as a constant
    /// column's, left out); NaN for a table of one column.
    /// </summary>
    internal static double DependenceDifference(double[,] real, double[,] synthetic)
    {
        var differences = new List<double>();
        for (var a = 0; a < real.GetLength(0); a++)
            for (var b = a + 1; b < real.GetLength(0); b++)
                differences.Add(Math.Abs(real[a, b] - synthetic[a, b]));
        return differences.Count == 0 ? double.NaN : differences.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
    }

    /// <summary>The pairwise dependence of <paramref name="columns"/> (Pearson, Cramér's V or correlation ratio), 1 on the diagonal.</summary>
    internal static double[,] DependenceMatrix(List<Column> columns)
    {
        var matrix = new double[columns.Count, columns.Count];
        for (var a = 0; a < columns.Count; a++)
        {
            matrix[a, a] = 1;
            for (var b = a + 1; b < columns.Count; b++) matrix[a, b] = matrix[b, a] = Dependence(columns[a], columns[b]);
        }
        return matrix;
    }

    /// <summary>The DCR comparison of <see cref="TablePrivacy"/>.</summary>
    internal static TablePrivacy Privacy(List<Column> training, List<Column> synthetic, List<Column> holdout, int maxSyntheticRows)
    {
        var holdoutRows = holdout[0].Rows;
        if (holdoutRows == 0 || training[0].Rows == 0) throw new ArgumentException("The holdout and the real (training) view need rows to measure distances to the closest record.", nameof(holdout));
        // Ranges of the training values scale the numeric differences (a constant column: any difference counts fully).
        var ranges = training.Select(NumericRange).ToArray();
        // The same number of training rows as holdout rows (a seeded subsample), so neither set is closer by being larger.
        var trainingRows = Enumerable.Range(0, training[0].Rows).ToArray();
        new Random(0).Shuffle(trainingRows);
        var reference = trainingRows.Take(Math.Min(holdoutRows, trainingRows.Length)).ToArray();
        var holdoutIndex = Enumerable.Range(0, reference.Length).ToArray();
        var syntheticCount = Math.Min(synthetic[0].Rows, maxSyntheticRows);
        var toTraining = new double[syntheticCount];
        var toHoldout = new double[syntheticCount];
        double closer = 0;
        for (var s = 0; s < syntheticCount; s++)
        {
            toTraining[s] = Closest(synthetic, s, training, trainingRows, ranges);
            toHoldout[s] = Closest(synthetic, s, holdout, holdoutIndex, ranges);
            var toSubsample = Closest(synthetic, s, training, reference, ranges);
            closer += toSubsample < toHoldout[s] ? 1 : toSubsample == toHoldout[s] ? 0.5 : 0;
        }
        var holdoutToTraining = holdoutIndex.Select(h => Closest(holdout, h, training, trainingRows, ranges)).ToArray();
        return new TablePrivacy(SampleMetrics.Median(toTraining), SampleMetrics.Median(toHoldout), SampleMetrics.Median(holdoutToTraining),
                                syntheticCount == 0 ? double.NaN : closer / syntheticCount,
                                syntheticCount, reference.Length);
    }

    private static double NumericRange(Column column)
    {
        if (!column.IsNumeric) return 1;
        var present = Present(column.Numbers!);
        return present.Length == 0 ? 1 : Math.Max(present.Max() - present.Min(), 1e-12);
    }

    private static double Closest(List<Column> from, int row, List<Column> to, int[] candidates, double[] ranges)
    {
        var best = double.PositiveInfinity;
        foreach (var candidate in candidates)
        {
            best = Math.Min(best, Gower(from, row, to, candidate, ranges));
            if (best == 0) break;
        }
        return best;
    }

    /// <summary>Gower's distance between two rows of mixed columns, in [0, 1].</summary>
    internal static double Gower(List<Column> a, int rowA, List<Column> b, int rowB, double[] ranges)
    {
        double sum = 0;
        for (var c = 0; c < a.Count; c++)
        {
            bool missingA = IsMissing(a[c], rowA), missingB = IsMissing(b[c], rowB);
            if (missingA || missingB) sum += missingA == missingB ? 0 : 1;
            else if (a[c].IsNumeric) sum += Math.Min(1, Math.Abs(a[c].Numbers![rowA] - b[c].Numbers![rowB]) / ranges[c]);
            else sum += string.Equals(a[c].Categories![rowA], b[c].Categories![rowB], StringComparison.Ordinal) ? 0 : 1;
        }
        return sum / a.Count;
    }


    /// <summary>A column as doubles (numeric; NaN for missing) or as category text (<see cref="Missing"/> for missing).</summary>
    internal sealed record Column(bool IsNumeric, double[]? Numbers, string[]? Categories)
    {
        public int Rows => Numbers?.Length ?? Categories!.Length;
        public string Key(int row) => IsNumeric ? Numbers![row].ToString("R", CultureInfo.InvariantCulture) : Categories![row];
    }

    private static bool IsSupported(DataViewType type) => type is NumberDataViewType or BooleanDataViewType or TextDataViewType or KeyDataViewType;

    /// <summary>
    /// The compared columns (<paramref name="columns"/>, or every supported column of <paramref name="real"/>), read from
    /// both views; a column numeric in one view and categorical in the other is an error naming it.
    /// </summary>
    internal static (List<string> Names, List<Column> Real, List<Column> Synthetic) ReadPaired(IDataView synthetic, IDataView real, IReadOnlyList<string>? columns,
                                                                                               string columnsParameter)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(real);
        var names = columns?.ToList() ?? real.Schema.Where(c => !c.IsHidden && IsSupported(c.Type)).Select(c => c.Name).ToList();
        if (names.Count == 0) throw new ArgumentException("No columns to compare: the real view has no scalar numeric, Boolean, text or key column.", columnsParameter);
        var realColumns = ReadColumns(real, names, "real");
        var syntheticColumns = ReadColumns(synthetic, names, "synthetic");
        for (var i = 0; i < names.Count; i++)
        {
            if (realColumns[i].IsNumeric != syntheticColumns[i].IsNumeric)
            {
                throw new ArgumentException($"Column '{names[i]}' is {(realColumns[i].IsNumeric ? "numeric" : "categorical")} in the real view but not in the synthetic one.", nameof(synthetic));
            }
        }
        return (names, realColumns, syntheticColumns);
    }

    /// <summary>How far one synthetic column is from the real one: KS for numbers, TV for categories.</summary>
    internal static ColumnFidelity Fidelity(string name, Column real, Column synthetic) => real.IsNumeric
        ? new ColumnFidelity(name, true, KolmogorovSmirnov(Present(real.Numbers!), Present(synthetic.Numbers!)), MissingShare(real), MissingShare(synthetic))
        : new ColumnFidelity(name, false, TotalVariation(real.Categories!, synthetic.Categories!), MissingShare(real), MissingShare(synthetic));

    /// <summary>Whether a category value stands for a missing value.</summary>
    internal static bool IsMissingCategory(string value) => value == Missing;

    /// <summary>The columns <paramref name="names"/> of <paramref name="view"/> (<paramref name="side"/> names the view in errors).</summary>
    internal static List<Column> ReadColumns(IDataView view, IReadOnlyList<string> names, string side) => names.Select(n => Read(view, n, side)).ToList();

    private static Column Read(IDataView view, string name, string side)
    {
        var column = ColumnChecks.RequireColumn(view.Schema, name, IsSupported, $"a scalar numeric, Boolean, text or key column (the {side} view)");
        using var cursor = view.GetRowCursor(new[] { column });
        if (column.Type is NumberDataViewType)
        {
            var values = new List<double>();
            var read = ColumnReaders.Number(cursor, column);
            while (cursor.MoveNext()) values.Add(read());
            return new Column(true, values.ToArray(), null);
        }
        var categories = new List<string>();
        var text = LabelColumn.Reader(cursor, column);
        while (cursor.MoveNext()) categories.Add(text() ?? Missing);
        return new Column(false, null, categories.ToArray());
    }

    private static double[] Present(double[] values) => values.Where(v => !double.IsNaN(v)).ToArray();

    private static double MissingShare(Column c) => c.Rows == 0 ? 0
        : c.IsNumeric ? c.Numbers!.Count(double.IsNaN) / (double)c.Rows : c.Categories!.Count(v => v == Missing) / (double)c.Rows;

    /// <summary>Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical distribution functions.</summary>
    internal static double KolmogorovSmirnov(double[] a, double[] b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length == b.Length ? 0 : 1;
        var x = a.OrderBy(v => v).ToArray();
        var y = b.OrderBy(v => v).ToArray();
        int i = 0, j = 0;
        double largest = 0;
        while (i < x.Length && j < y.Length)
        {
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            largest = Math.Max(largest, Math.Abs(i / (double)x.Length - j / (double)y.Length));
        }
        return largest;
    }

    /// <summary>Total variation distance between the category frequencies: half the sum of absolute differences.</summary>
    internal static double TotalVariation(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length == b.Length ? 0 : 1;
        var p = a.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / (double)a.Length, StringComparer.Ordinal);
        var q = b.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / (double)b.Length, StringComparer.Ordinal);
        return 0.5 * p.Keys.Union(q.Keys).Sum(k => Math.Abs(p.GetValueOrDefault(k) - q.GetValueOrDefault(k)));
    }

    /// <summary>The dependence of two columns, over rows where both are present.</summary>
    internal static double Dependence(Column a, Column b)
    {
        var rows = Enumerable.Range(0, Math.Min(a.Rows, b.Rows)).Where(r => !IsMissing(a, r) && !IsMissing(b, r)).ToArray();
        if (a.IsNumeric && b.IsNumeric) return Pearson(rows.Select(r => a.Numbers![r]).ToArray(), rows.Select(r => b.Numbers![r]).ToArray());
        if (!a.IsNumeric && !b.IsNumeric) return CramersV(rows.Select(r => a.Categories![r]).ToArray(), rows.Select(r => b.Categories![r]).ToArray());
        var (numbers, categories) = a.IsNumeric ? (a, b) : (b, a);
        return CorrelationRatio(rows.Select(r => categories.Categories![r]).ToArray(), rows.Select(r => numbers.Numbers![r]).ToArray());
    }

    private static bool IsMissing(Column c, int row) => c.IsNumeric ? double.IsNaN(c.Numbers![row]) : c.Categories![row] == Missing;

    /// <summary>Pearson correlation; 0 when either side is constant.</summary>
    internal static double Pearson(double[] x, double[] y)
    {
        if (x.Length < 2) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Cramér's V, sqrt(chi² / (n (min(r, c) - 1))), without bias correction; 0 when either side has one category.</summary>
    internal static double CramersV(string[] x, string[] y)
    {
        var n = x.Length;
        if (n == 0) return double.NaN;
        var rowsOf = x.Distinct(StringComparer.Ordinal).Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
        var colsOf = y.Distinct(StringComparer.Ordinal).Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
        if (rowsOf.Count < 2 || colsOf.Count < 2) return 0;
        var table = new double[rowsOf.Count, colsOf.Count];
        for (var i = 0; i < n; i++) table[rowsOf[x[i]], colsOf[y[i]]]++;
        var rowSums = Enumerable.Range(0, rowsOf.Count).Select(r => Enumerable.Range(0, colsOf.Count).Sum(c => table[r, c])).ToArray();
        var colSums = Enumerable.Range(0, colsOf.Count).Select(c => Enumerable.Range(0, rowsOf.Count).Sum(r => table[r, c])).ToArray();
        double chi2 = 0;
        for (var r = 0; r < rowsOf.Count; r++)
            for (var c = 0; c < colsOf.Count; c++)
            {
                var expected = rowSums[r] * colSums[c] / n;
                chi2 += (table[r, c] - expected) * (table[r, c] - expected) / expected;
            }
        return Math.Sqrt(chi2 / (n * (Math.Min(rowsOf.Count, colsOf.Count) - 1)));
    }

    /// <summary>Correlation ratio eta: sqrt(between-category sum of squares / total sum of squares); 0 for a constant number.</summary>
    internal static double CorrelationRatio(string[] categories, double[] values)
    {
        if (values.Length == 0) return double.NaN;
        var mean = values.Average();
        var total = values.Sum(v => (v - mean) * (v - mean));
        if (total == 0) return 0;
        var between = categories.Zip(values).GroupBy(p => p.First, StringComparer.Ordinal)
            .Sum(g => g.Count() * Math.Pow(g.Average(p => p.Second) - mean, 2));
        return Math.Sqrt(between / total);
    }

    private static double ExactCopies(List<Column> real, List<Column> synthetic)
    {
        string RowKey(List<Column> columns, int row) => string.Join("\u001f", columns.Select(c => c.Key(row)));
        var seen = new HashSet<string>(Enumerable.Range(0, real[0].Rows).Select(r => RowKey(real, r)), StringComparer.Ordinal);
        var rows = synthetic[0].Rows;
        return rows == 0 ? 0 : Enumerable.Range(0, rows).Count(r => seen.Contains(RowKey(synthetic, r))) / (double)rows;
    }
}
