using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>Options of <see cref="GanCatalog.EvaluateTable"/>.</summary>
public sealed class TableEvaluationOptions
{
    /// <summary>The columns to compare (present in both views); null: every scalar numeric, Boolean, text or key column of the real view.</summary>
    public IReadOnlyList<string>? Columns { get; set; }
}

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
}

/// <summary>The tabular metrics as pure functions over columns read as numbers or category text.</summary>
internal static class TableScores
{
    private const string Missing = "\u0000missing";

    public static TableMetrics Evaluate(IDataView synthetic, IDataView real, TableEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(real);
        var names = options.Columns?.ToList() ?? real.Schema.Where(c => !c.IsHidden && IsSupported(c.Type)).Select(c => c.Name).ToList();
        if (names.Count == 0) throw new ArgumentException("No columns to compare: the real view has no scalar numeric, Boolean, text or key column.", nameof(options));
        var realColumns = names.Select(n => Read(real, n, "real")).ToList();
        var syntheticColumns = names.Select(n => Read(synthetic, n, "synthetic")).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            if (realColumns[i].IsNumeric != syntheticColumns[i].IsNumeric)
            {
                throw new ArgumentException($"Column '{names[i]}' is {(realColumns[i].IsNumeric ? "numeric" : "categorical")} in the real view but not in the synthetic one.", nameof(synthetic));
            }
        }
        var fidelity = names.Select((n, i) => realColumns[i].IsNumeric
            ? new ColumnFidelity(n, true, KolmogorovSmirnov(Present(realColumns[i].Numbers!), Present(syntheticColumns[i].Numbers!)), MissingShare(realColumns[i]), MissingShare(syntheticColumns[i]))
            : new ColumnFidelity(n, false, TotalVariation(realColumns[i].Categories!, syntheticColumns[i].Categories!), MissingShare(realColumns[i]), MissingShare(syntheticColumns[i]))).ToList();
        var differences = new List<double>();
        for (var a = 0; a < names.Count; a++)
            for (var b = a + 1; b < names.Count; b++)
                differences.Add(Math.Abs(Dependence(realColumns[a], realColumns[b]) - Dependence(syntheticColumns[a], syntheticColumns[b])));
        return new TableMetrics
        {
            Columns = fidelity,
            MeanColumnDistance = fidelity.Average(f => f.Distance),
            PairwiseDependenceDifference = differences.Count == 0 ? double.NaN : differences.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
            ExactCopyShare = ExactCopies(realColumns, syntheticColumns),
        };
    }

    /// <summary>A column as doubles (numeric; NaN for missing) or as category text (<see cref="Missing"/> for missing).</summary>
    internal sealed record Column(bool IsNumeric, double[]? Numbers, string[]? Categories)
    {
        public int Rows => Numbers?.Length ?? Categories!.Length;
        public string Key(int row) => IsNumeric ? Numbers![row].ToString("R", CultureInfo.InvariantCulture) : Categories![row];
    }

    private static bool IsSupported(DataViewType type) => type is NumberDataViewType or BooleanDataViewType or TextDataViewType or KeyDataViewType;

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
