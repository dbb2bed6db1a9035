namespace Microsoft.ML.Data;

/// <summary>Maps a member to a source column (or columns) of a text file.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class LoadColumnAttribute : Attribute
{
    /// <summary>One source column.</summary>
    public LoadColumnAttribute(int fieldIndex) => Sources = new[] { (fieldIndex, fieldIndex) };

    /// <summary>A range of source columns, inclusive, loaded as a vector.</summary>
    public LoadColumnAttribute(int start, int end)
    {
        if (end < start) throw new ArgumentException($"Column range end {end} is before start {start}.", nameof(end));
        Sources = new[] { (start, end) };
    }

    /// <summary>Specific source columns, loaded as a vector in this order.</summary>
    public LoadColumnAttribute(int[] columnIndexes) => Sources = columnIndexes.Select(i => (i, i)).ToArray();

    internal (int Min, int Max)[] Sources { get; }
}

/// <summary>Gives a member's column a name other than the member's.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ColumnNameAttribute : Attribute
{
    /// <summary>Sets the name.</summary>
    public ColumnNameAttribute(string name) => Name = name;
    /// <summary>The column name.</summary>
    public string Name { get; }
}

/// <summary>Declares the dimensions of a vector member (arrays or VBuffers); without it the vector has variable size.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class VectorTypeAttribute : Attribute
{
    /// <summary>Variable size.</summary>
    public VectorTypeAttribute() => Dimensions = Array.Empty<int>();
    /// <summary>Fixed size.</summary>
    public VectorTypeAttribute(int size) => Dimensions = new[] { size };
    /// <summary>Fixed shape.</summary>
    public VectorTypeAttribute(params int[] dimensions) => Dimensions = dimensions;
    /// <summary>The shape (empty: variable size).</summary>
    public int[] Dimensions { get; }
}

/// <summary>Excludes a member from the schema.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class NoColumnAttribute : Attribute
{
}

/// <summary>Marks an unsigned integer member as a key with <see cref="Count"/> values.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class KeyTypeAttribute : Attribute
{
    /// <summary>Key with a known count.</summary>
    public KeyTypeAttribute(ulong count) => Count = count;
    /// <summary>The number of key values.</summary>
    public ulong Count { get; }
}
