using System.Collections.Generic;

namespace Microsoft.ML;

using Microsoft.ML.Data;

/// <summary>Reads one value of a column of the current row into <paramref name="value"/> (reusing its buffers).</summary>
public delegate void ValueGetter<TValue>(ref TValue value);

/// <summary>
/// A lazy, immutable table: a <see cref="Schema"/> plus the ability to open cursors over its rows.
/// Nothing is computed until a cursor moves.
/// </summary>
public interface IDataView
{
    /// <summary>Whether cursors can visit rows in a random order.</summary>
    bool CanShuffle { get; }

    /// <summary>The columns.</summary>
    DataViewSchema Schema { get; }

    /// <summary>The number of rows if known without a full pass, else null.</summary>
    long? GetRowCount();

    /// <summary>Opens a cursor; only <paramref name="columnsNeeded"/> may be read from it.</summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    /// <summary>Opens up to <paramref name="n"/> cursors that together visit every row once (for parallel reading).</summary>
    DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null);
}

/// <summary>A row: typed getters for the active columns of its schema.</summary>
public abstract class DataViewRow : IDisposable
{
    /// <summary>The row's index in the cursor's sequence (-1 before the first row).</summary>
    public abstract long Position { get; }

    /// <summary>Which cursor of a cursor set produced the row (0 for single cursors).</summary>
    public abstract long Batch { get; }

    /// <summary>The columns.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>Whether <paramref name="column"/> may be read.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>A getter for <paramref name="column"/>; <typeparamref name="TValue"/> must be the column type's raw type.</summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>A getter for a stable, unique id of the current row.</summary>
    public abstract ValueGetter<DataViewRowId> GetIdGetter();

    /// <summary>Releases resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Override to release resources.</summary>
    protected virtual void Dispose(bool disposing) { }
}

/// <summary>A row that moves forward through a data view.</summary>
public abstract class DataViewRowCursor : DataViewRow
{
    /// <summary>Advances to the next row; false when there is none.</summary>
    public abstract bool MoveNext();
}

/// <summary>A 128-bit row identifier.</summary>
public readonly struct DataViewRowId : IEquatable<DataViewRowId>, IComparable<DataViewRowId>
{
    /// <summary>Low 64 bits.</summary>
    public readonly ulong Low;
    /// <summary>High 64 bits.</summary>
    public readonly ulong High;

    /// <summary>Creates an id.</summary>
    public DataViewRowId(ulong low, ulong high)
    {
        Low = low;
        High = high;
    }

    /// <inheritdoc />
    public bool Equals(DataViewRowId other) => Low == other.Low && High == other.High;
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DataViewRowId other && Equals(other);
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Low, High);
    /// <inheritdoc />
    public int CompareTo(DataViewRowId other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
    /// <inheritdoc />
    public override string ToString() => $"{High:X16}{Low:X16}";
    /// <summary>Equality.</summary>
    public static bool operator ==(DataViewRowId a, DataViewRowId b) => a.Equals(b);
    /// <summary>Inequality.</summary>
    public static bool operator !=(DataViewRowId a, DataViewRowId b) => !a.Equals(b);
}
