namespace Microsoft.ML.Gan;

/// <summary>Pairwise distances between the rows of two samples, row-major: <c>this[i, j]</c> = |a_i - b_j|.</summary>
internal sealed class DistanceMatrix
{
    public DistanceMatrix(double[] values, int rows, int columns)
    {
        if ((long)rows * columns != values.Length) throw new ArgumentException($"{values.Length} distances do not make a {rows} x {columns} matrix.", nameof(values));
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    public double[] Values { get; }
    public int Rows { get; }
    public int Columns { get; }
    public double this[int i, int j] => Values[(long)i * Columns + j];
    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * Columns, Columns);
}
