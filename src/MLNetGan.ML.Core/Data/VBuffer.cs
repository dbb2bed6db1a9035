using System.Collections.Generic;

namespace Microsoft.ML.Data;

/// <summary>
/// A vector value: dense (every value stored) or sparse (only the values at <see cref="GetIndices"/>,
/// the rest are default). Its arrays may be larger than needed so getters can reuse them row after row.
/// </summary>
public readonly struct VBuffer<T>
{
    private readonly T[]? values;
    private readonly int[]? indices;
    private readonly int count;

    /// <summary>A dense vector of <paramref name="length"/> values taken from <paramref name="values"/>.</summary>
    public VBuffer(int length, T[] values, int[]? indices = null) : this(length, length, values, indices) { }

    /// <summary>A vector of <paramref name="length"/> with <paramref name="count"/> stored values (dense when count == length).</summary>
    /// <exception cref="ArgumentException">Counts or array sizes are inconsistent.</exception>
    public VBuffer(int length, int count, T[] values, int[]? indices)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        if (count < 0 || count > length) throw new ArgumentOutOfRangeException(nameof(count), $"count {count} must be in [0, {length}].");
        if (count > 0 && (values is null || values.Length < count)) throw new ArgumentException($"values must hold at least {count} items.", nameof(values));
        if (count < length && count > 0 && (indices is null || indices.Length < count)) throw new ArgumentException($"A sparse vector needs at least {count} indices.", nameof(indices));
        Length = length;
        this.count = count;
        this.values = values;
        this.indices = indices;
    }

    /// <summary>The logical number of elements.</summary>
    public int Length { get; }

    /// <summary>True when every element is stored.</summary>
    public bool IsDense => count == Length;

    /// <summary>The stored values (all of them when dense).</summary>
    public ReadOnlySpan<T> GetValues() => values is null ? ReadOnlySpan<T>.Empty : new ReadOnlySpan<T>(values, 0, count);

    /// <summary>The positions of the stored values (empty when dense).</summary>
    public ReadOnlySpan<int> GetIndices() => IsDense || indices is null ? ReadOnlySpan<int>.Empty : new ReadOnlySpan<int>(indices, 0, count);

    /// <summary>Every element in order, defaults included.</summary>
    public IEnumerable<T> DenseValues()
    {
        if (IsDense)
        {
            for (var i = 0; i < Length; i++) yield return values![i];
            yield break;
        }
        var next = 0;
        for (var i = 0; i < Length; i++)
        {
            if (next < count && indices![next] == i) yield return values![next++];
            else yield return default!;
        }
    }

    /// <summary>(index, value) pairs: the stored ones, or every element when <paramref name="all"/>.</summary>
    public IEnumerable<KeyValuePair<int, T>> Items(bool all = false)
    {
        if (all || IsDense)
        {
            var i = 0;
            foreach (var v in DenseValues()) yield return new(i++, v);
            yield break;
        }
        for (var k = 0; k < count; k++) yield return new(indices![k], values![k]);
    }

    /// <summary>The element at <paramref name="index"/> (default when not stored).</summary>
    public T GetItemOrDefault(int index)
    {
        if ((uint)index >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is outside a vector of length {Length}.");
        if (IsDense) return values![index];
        var position = Array.BinarySearch(indices!, 0, count, index);
        return position >= 0 ? values![position] : default!;
    }

    /// <summary>Writes every element (dense) into <paramref name="destination"/>, which must hold <see cref="Length"/> items.</summary>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length < Length) throw new ArgumentException($"Destination holds {destination.Length} items; {Length} needed.", nameof(destination));
        if (IsDense)
        {
            GetValues().CopyTo(destination);
            return;
        }
        destination[..Length].Clear();
        for (var k = 0; k < count; k++) destination[indices![k]] = values![k];
    }

    /// <summary>Copies into <paramref name="destination"/> as a dense vector, reusing its arrays when large enough.</summary>
    public void CopyToDense(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length);
        CopyTo(editor.Values);
        destination = editor.Commit();
    }

    /// <summary>Copies into <paramref name="destination"/> keeping sparsity, reusing its arrays when large enough.</summary>
    public void CopyTo(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length, count);
        GetValues().CopyTo(editor.Values);
        if (!IsDense) GetIndices().CopyTo(editor.Indices);
        destination = editor.Commit();
    }

    /// <inheritdoc />
    public override string ToString() => $"VBuffer<{typeof(T).Name}>[{Length}]" + (IsDense ? "" : $" ({count} stored)");

    internal T[]? ValuesArray => values;
    internal int[]? IndicesArray => indices;
}

/// <summary>Creates editors that fill a <see cref="VBuffer{T}"/> in place, reusing its arrays.</summary>
public static class VBufferEditor
{
    /// <summary>An editor for a vector of <paramref name="newLength"/> with <paramref name="valuesCount"/> stored values (dense by default).</summary>
    public static VBufferEditor<T> Create<T>(ref VBuffer<T> destination, int newLength, int? valuesCount = null, int? maxCapacity = null,
                                             bool keepOldOnResize = false, bool requireIndicesOnDense = false)
    {
        var count = valuesCount ?? newLength;
        if (count < 0 || count > newLength) throw new ArgumentOutOfRangeException(nameof(valuesCount));
        var values = destination.ValuesArray;
        var created = values is null || values.Length < count;
        if (created)
        {
            var fresh = new T[count];
            if (keepOldOnResize && values is not null) Array.Copy(values, fresh, Math.Min(values.Length, fresh.Length));
            values = fresh;
        }
        var needIndices = count < newLength || requireIndicesOnDense;
        // A dense editor has no indices to fill, whatever the buffer held before (it may have been a
        // sparse vector with fewer indices than this vector has values).
        int[]? indices = null;
        if (needIndices)
        {
            indices = destination.IndicesArray;
            if (indices is null || indices.Length < count) indices = new int[count];
        }
        return new VBufferEditor<T>(newLength, count, values!, indices, created);
    }

    /// <summary>An editor over a fresh buffer (no reuse).</summary>
    public static VBufferEditor<T> CreateFromBuffer<T>(ref VBuffer<T> destination) => Create(ref destination, destination.Length, destination.GetValues().Length);
}

/// <summary>Fills a vector's values (and indices, when sparse) then <see cref="Commit"/>s it into a <see cref="VBuffer{T}"/>.</summary>
public readonly ref struct VBufferEditor<T>
{
    private readonly int length;
    private readonly T[] values;
    private readonly int[]? indices;

    internal VBufferEditor(int length, int count, T[] values, int[]? indices, bool createdNewValues)
    {
        this.length = length;
        CreatedNewValues = createdNewValues;
        this.values = values;
        this.indices = indices;
        Values = new Span<T>(values, 0, count);
        Indices = indices is null ? Span<int>.Empty : new Span<int>(indices, 0, count);
    }

    /// <summary>The values to fill.</summary>
    public Span<T> Values { get; }

    /// <summary>The indices to fill, in increasing order (sparse vectors only).</summary>
    public Span<int> Indices { get; }

    /// <summary>Whether the values array was newly allocated (so it starts cleared).</summary>
    public bool CreatedNewValues { get; }

    /// <summary>The finished vector.</summary>
    public VBuffer<T> Commit() => new(length, Values.Length, values, indices);

    /// <summary>The finished vector, keeping only the first <paramref name="maxValuesCount"/> stored values.</summary>
    public VBuffer<T> CommitTruncated(int maxValuesCount) => new(length, Math.Min(maxValuesCount, Values.Length), values, indices);
}
