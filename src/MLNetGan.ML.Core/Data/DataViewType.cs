using System.Collections.Immutable;

namespace Microsoft.ML.Data;

/// <summary>The type of a column: which .NET type its getter produces and how to interpret it.</summary>
public abstract class DataViewType : IEquatable<DataViewType>
{
    /// <summary>Creates a type whose values are of <paramref name="rawType"/>.</summary>
    protected DataViewType(Type rawType) => RawType = rawType ?? throw new ArgumentNullException(nameof(rawType));

    /// <summary>The .NET type of values (what <c>GetGetter&lt;T&gt;</c> must be called with).</summary>
    public Type RawType { get; }

    /// <inheritdoc />
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => RawType.GetHashCode();
}

/// <summary>A type whose values are single, non-vector items.</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    /// <summary>Creates the type.</summary>
    protected PrimitiveDataViewType(Type rawType) : base(rawType) { }
}

/// <summary>Numeric column types.</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private readonly string name;
    private NumberDataViewType(Type rawType, string name) : base(rawType) => this.name = name;

    /// <summary>sbyte.</summary>
    public static NumberDataViewType SByte { get; } = new(typeof(sbyte), "SByte");
    /// <summary>byte.</summary>
    public static NumberDataViewType Byte { get; } = new(typeof(byte), "Byte");
    /// <summary>short.</summary>
    public static NumberDataViewType Int16 { get; } = new(typeof(short), "Int16");
    /// <summary>ushort.</summary>
    public static NumberDataViewType UInt16 { get; } = new(typeof(ushort), "UInt16");
    /// <summary>int.</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int), "Int32");
    /// <summary>uint.</summary>
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint), "UInt32");
    /// <summary>long.</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long), "Int64");
    /// <summary>ulong.</summary>
    public static NumberDataViewType UInt64 { get; } = new(typeof(ulong), "UInt64");
    /// <summary>float.</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float), "Single");
    /// <summary>double.</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double), "Double");

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => name;
}

/// <summary>The type of a date and time (<see cref="DateTime"/>) column.</summary>
public sealed class DateTimeDataViewType : PrimitiveDataViewType
{
    private DateTimeDataViewType() : base(typeof(DateTime)) { }
    /// <summary>The only instance.</summary>
    public static DateTimeDataViewType Instance { get; } = new();
    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => "DateTime";
}

/// <summary>The type of a date and time with its offset from UTC (<see cref="DateTimeOffset"/>) column.</summary>
public sealed class DateTimeOffsetDataViewType : PrimitiveDataViewType
{
    private DateTimeOffsetDataViewType() : base(typeof(DateTimeOffset)) { }
    /// <summary>The only instance.</summary>
    public static DateTimeOffsetDataViewType Instance { get; } = new();
    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => "DateTimeOffset";
}

/// <summary>The type of a duration (<see cref="TimeSpan"/>) column.</summary>
public sealed class TimeSpanDataViewType : PrimitiveDataViewType
{
    private TimeSpanDataViewType() : base(typeof(TimeSpan)) { }
    /// <summary>The only instance.</summary>
    public static TimeSpanDataViewType Instance { get; } = new();
    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => "TimeSpan";
}

/// <summary>Boolean columns.</summary>
public sealed class BooleanDataViewType : PrimitiveDataViewType
{
    private BooleanDataViewType() : base(typeof(bool)) { }
    /// <summary>The only instance.</summary>
    public static BooleanDataViewType Instance { get; } = new();
    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => "Boolean";
}

/// <summary>Text columns; values are <see cref="ReadOnlyMemory{T}"/> of char.</summary>
public sealed class TextDataViewType : PrimitiveDataViewType
{
    private TextDataViewType() : base(typeof(ReadOnlyMemory<char>)) { }
    /// <summary>The only instance.</summary>
    public static TextDataViewType Instance { get; } = new();
    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => "String";
}

/// <summary>The type of row ids (<see cref="DataViewRowId"/>).</summary>
public sealed class RowIdDataViewType : PrimitiveDataViewType
{
    private RowIdDataViewType() : base(typeof(DataViewRowId)) { }
    /// <summary>The only instance.</summary>
    public static RowIdDataViewType Instance { get; } = new();
    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);
    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
    /// <inheritdoc />
    public override string ToString() => "RowId";
}

/// <summary>
/// Keys: categorical values stored as 1-based unsigned integers (0 means missing), with
/// <see cref="Count"/> possible values.
/// </summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    /// <summary>Creates a key type over <paramref name="type"/> (byte, ushort, uint or ulong) with <paramref name="count"/> values.</summary>
    /// <exception cref="ArgumentException">The raw type is not an unsigned integer, or count is 0 or too large for it.</exception>
    public KeyDataViewType(Type type, ulong count) : base(type)
    {
        if (type != typeof(byte) && type != typeof(ushort) && type != typeof(uint) && type != typeof(ulong))
        {
            throw new ArgumentException($"Key types must be byte, ushort, uint or ulong, not {type.Name}.", nameof(type));
        }
        if (count == 0) throw new ArgumentOutOfRangeException(nameof(count), "A key type needs at least one value.");
        var max = type == typeof(byte) ? byte.MaxValue : type == typeof(ushort) ? ushort.MaxValue : type == typeof(uint) ? uint.MaxValue : ulong.MaxValue;
        if (count > max) throw new ArgumentOutOfRangeException(nameof(count), $"{count} values do not fit in {type.Name}.");
        Count = count;
    }

    /// <summary>Creates a key type with <paramref name="count"/> values, stored as uint.</summary>
    public KeyDataViewType(Type type, int count) : this(type, (ulong)checked((uint)count)) { }

    /// <summary>How many distinct values the key can take.</summary>
    public ulong Count { get; }

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => other is KeyDataViewType k && k.RawType == RawType && k.Count == Count;
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RawType, Count);
    /// <inheritdoc />
    public override string ToString() => $"Key<{RawType.Name}, 0-{Count - 1}>";
}

/// <summary>Vectors of a primitive item type, of known size (all dimensions positive) or variable size.</summary>
public sealed class VectorDataViewType : DataViewType
{
    /// <summary>A variable-size vector of <paramref name="itemType"/>.</summary>
    public VectorDataViewType(PrimitiveDataViewType itemType) : this(itemType, 0) { }

    /// <summary>A vector of <paramref name="itemType"/> with the given dimensions (a 0 anywhere means variable size).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public VectorDataViewType(PrimitiveDataViewType itemType, params int[] dimensions)
        : base(typeof(VBuffer<>).MakeGenericType((itemType ?? throw new ArgumentNullException(nameof(itemType))).RawType))
    {
        ItemType = itemType;
        dimensions ??= new[] { 0 };
        if (dimensions.Length == 0) dimensions = new[] { 0 };
        if (dimensions.Any(d => d < 0)) throw new ArgumentOutOfRangeException(nameof(dimensions), "Vector dimensions cannot be negative.");
        Dimensions = dimensions.ToImmutableArray();
        Size = dimensions.Any(d => d == 0) ? 0 : dimensions.Aggregate(1, (a, b) => checked(a * b));
    }

    /// <summary>A vector of <paramref name="itemType"/> with the given dimensions.</summary>
    public VectorDataViewType(PrimitiveDataViewType itemType, ImmutableArray<int> dimensions) : this(itemType, dimensions.ToArray()) { }

    /// <summary>The element type.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The shape (row-major); a single 0 for variable-size vectors.</summary>
    public ImmutableArray<int> Dimensions { get; }

    /// <summary>The number of elements, or 0 for variable size.</summary>
    public int Size { get; }

    /// <summary>True when every vector of this type has <see cref="Size"/> elements.</summary>
    public bool IsKnownSize => Size > 0;

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType v && v.ItemType.Equals(ItemType) && v.Dimensions.SequenceEqual(Dimensions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ItemType, Size);

    /// <inheritdoc />
    public override string ToString() => IsKnownSize ? $"Vector<{ItemType}, {string.Join(", ", Dimensions)}>" : $"Vector<{ItemType}>";
}

/// <summary>Helpers on column types.</summary>
public static class DataViewTypeExtensions
{
    /// <summary>The item type of a vector type, or the type itself.</summary>
    public static DataViewType GetItemType(this DataViewType type) => type is VectorDataViewType v ? v.ItemType : type;

    /// <summary>The number of values per row: vector size (0 if variable), or 1 for non-vectors.</summary>
    public static int GetValueCount(this DataViewType type) => type is VectorDataViewType v ? v.Size : 1;

    /// <summary>The key value count, or 0 when <paramref name="type"/> (or its item type) is not a key.</summary>
    public static ulong GetKeyCount(this DataViewType type) => type.GetItemType() is KeyDataViewType k ? k.Count : 0;
}

/// <summary>Types whose values are .NET objects with structure (images), not primitives or vectors.</summary>
public abstract class StructuredDataViewType : DataViewType
{
    /// <summary>Creates the type.</summary>
    protected StructuredDataViewType(Type rawType) : base(rawType) { }
}
