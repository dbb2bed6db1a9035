using System.Linq.Expressions;
using System.Reflection;

namespace Microsoft.ML.Data;

/// <summary>Reads a column value out of a row object.</summary>
internal delegate void Peek<TRow, TValue>(TRow row, ref TValue value);

/// <summary>Writes a column value into a row object.</summary>
internal delegate void Poke<TRow, TValue>(TRow row, ref TValue value);

/// <summary>
/// Compiled accessors between .NET members and column values: arrays become VBuffers (and back),
/// strings become ReadOnlyMemory&lt;char&gt;. Buffers are reused so reading rows does not allocate.
/// </summary>
internal static class ObjectBinding
{
    private static readonly MethodInfo SameMethod = Method(nameof(PeekSame));
    private static readonly MethodInfo StringMethod = Method(nameof(PeekString));
    private static readonly MethodInfo ArrayMethod = Method(nameof(PeekArray));
    private static readonly MethodInfo StringArrayMethod = Method(nameof(PeekStringArray));
    private static readonly MethodInfo VBufferMethod = Method(nameof(PeekVBuffer));
    private static readonly MethodInfo PokeSameMethod = Method(nameof(PokeSame));
    private static readonly MethodInfo PokeStringMethod = Method(nameof(PokeString));
    private static readonly MethodInfo PokeArrayMethod = Method(nameof(PokeArray));
    private static readonly MethodInfo PokeStringArrayMethod = Method(nameof(PokeStringArray));
    private static readonly MethodInfo PokeVBufferMethod = Method(nameof(PokeVBuffer));

    private static MethodInfo Method(string name) => typeof(ObjectBinding).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>A <c>Peek&lt;TRow, column raw type&gt;</c> for <paramref name="column"/>.</summary>
    internal static Delegate MakePeek<TRow>(SchemaDefinition.Column column)
    {
        var memberType = column.MemberType!;
        var raw = column.ColumnType.RawType;
        var size = column.ColumnType is VectorDataViewType v ? v.Size : 0;
        if (memberType == raw)
        {
            return raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
                ? Invoke(VBufferMethod.MakeGenericMethod(typeof(TRow), raw.GetGenericArguments()[0]), column, size)
                : Invoke(SameMethod.MakeGenericMethod(typeof(TRow), raw), column, size);
        }
        if (memberType == typeof(string) && raw == typeof(ReadOnlyMemory<char>)) return Invoke(StringMethod.MakeGenericMethod(typeof(TRow)), column, size);
        if (memberType == typeof(string[]) && raw == typeof(VBuffer<ReadOnlyMemory<char>>)) return Invoke(StringArrayMethod.MakeGenericMethod(typeof(TRow)), column, size);
        if (memberType.IsArray && raw == typeof(VBuffer<>).MakeGenericType(memberType.GetElementType()!))
        {
            return Invoke(ArrayMethod.MakeGenericMethod(typeof(TRow), memberType.GetElementType()!), column, size);
        }
        throw new InvalidOperationException($"Member '{column.MemberName}' of type {memberType.Name} cannot be read as column '{column.ColumnName}' of type {column.ColumnType}.");
    }

    /// <summary>A <c>Poke&lt;TRow, column raw type&gt;</c> for <paramref name="column"/>.</summary>
    internal static Delegate MakePoke<TRow>(SchemaDefinition.Column column)
    {
        var memberType = column.MemberType!;
        var raw = column.ColumnType.RawType;
        if (memberType == raw)
        {
            return raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
                ? Invoke(PokeVBufferMethod.MakeGenericMethod(typeof(TRow), raw.GetGenericArguments()[0]), column, 0)
                : Invoke(PokeSameMethod.MakeGenericMethod(typeof(TRow), raw), column, 0);
        }
        if (memberType == typeof(string) && raw == typeof(ReadOnlyMemory<char>)) return Invoke(PokeStringMethod.MakeGenericMethod(typeof(TRow)), column, 0);
        if (memberType == typeof(string[]) && raw == typeof(VBuffer<ReadOnlyMemory<char>>)) return Invoke(PokeStringArrayMethod.MakeGenericMethod(typeof(TRow)), column, 0);
        if (memberType.IsArray && raw == typeof(VBuffer<>).MakeGenericType(memberType.GetElementType()!))
        {
            return Invoke(PokeArrayMethod.MakeGenericMethod(typeof(TRow), memberType.GetElementType()!), column, 0);
        }
        throw new InvalidOperationException($"Column '{column.ColumnName}' of type {column.ColumnType} cannot be written into member '{column.MemberName}' of type {memberType.Name}.");
    }

    private static Delegate Invoke(MethodInfo method, SchemaDefinition.Column column, int size) =>
        (Delegate)method.Invoke(null, new object[] { column, size })!;

    private static Func<TRow, TMember> Getter<TRow, TMember>(MemberInfo member)
    {
        var row = Expression.Parameter(typeof(TRow), "row");
        return Expression.Lambda<Func<TRow, TMember>>(Expression.MakeMemberAccess(row, member), row).Compile();
    }

    private static Action<TRow, TMember> Setter<TRow, TMember>(MemberInfo member)
    {
        var row = Expression.Parameter(typeof(TRow), "row");
        var value = Expression.Parameter(typeof(TMember), "value");
        return Expression.Lambda<Action<TRow, TMember>>(Expression.Assign(Expression.MakeMemberAccess(row, member), value), row, value).Compile();
    }

    private static Peek<TRow, T> PeekSame<TRow, T>(SchemaDefinition.Column column, int size)
    {
        var get = Getter<TRow, T>(column.Member!);
        return (TRow row, ref T value) => value = get(row);
    }

    private static Peek<TRow, ReadOnlyMemory<char>> PeekString<TRow>(SchemaDefinition.Column column, int size)
    {
        var get = Getter<TRow, string>(column.Member!);
        return (TRow row, ref ReadOnlyMemory<char> value) => value = (get(row) ?? "").AsMemory();
    }

    private static Peek<TRow, VBuffer<T>> PeekArray<TRow, T>(SchemaDefinition.Column column, int size)
    {
        var get = Getter<TRow, T[]>(column.Member!);
        var name = column.ColumnName;
        return (TRow row, ref VBuffer<T> value) =>
        {
            var array = get(row) ?? Array.Empty<T>();
            if (size > 0 && array.Length != size)
            {
                throw new InvalidOperationException($"Column '{name}' is declared with {size} values but a row holds {array.Length}.");
            }
            var editor = VBufferEditor.Create(ref value, array.Length);
            array.AsSpan().CopyTo(editor.Values);
            value = editor.Commit();
        };
    }

    private static Peek<TRow, VBuffer<ReadOnlyMemory<char>>> PeekStringArray<TRow>(SchemaDefinition.Column column, int size)
    {
        var get = Getter<TRow, string[]>(column.Member!);
        return (TRow row, ref VBuffer<ReadOnlyMemory<char>> value) =>
        {
            var array = get(row) ?? Array.Empty<string>();
            var editor = VBufferEditor.Create(ref value, array.Length);
            for (var i = 0; i < array.Length; i++) editor.Values[i] = (array[i] ?? "").AsMemory();
            value = editor.Commit();
        };
    }

    private static Peek<TRow, VBuffer<T>> PeekVBuffer<TRow, T>(SchemaDefinition.Column column, int size)
    {
        var get = Getter<TRow, VBuffer<T>>(column.Member!);
        var name = column.ColumnName;
        return (TRow row, ref VBuffer<T> value) =>
        {
            var source = get(row);
            if (size > 0 && source.Length != size) throw new InvalidOperationException($"Column '{name}' is declared with {size} values but a row holds {source.Length}.");
            source.CopyTo(ref value);
        };
    }

    private static Poke<TRow, T> PokeSame<TRow, T>(SchemaDefinition.Column column, int size)
    {
        var set = Setter<TRow, T>(column.Member!);
        return (TRow row, ref T value) => set(row, value);
    }

    private static Poke<TRow, ReadOnlyMemory<char>> PokeString<TRow>(SchemaDefinition.Column column, int size)
    {
        var set = Setter<TRow, string>(column.Member!);
        return (TRow row, ref ReadOnlyMemory<char> value) => set(row, value.ToString());
    }

    private static Poke<TRow, VBuffer<T>> PokeArray<TRow, T>(SchemaDefinition.Column column, int size)
    {
        var set = Setter<TRow, T[]>(column.Member!);
        var get = Getter<TRow, T[]>(column.Member!);
        return (TRow row, ref VBuffer<T> value) =>
        {
            // Reuse the object's array when it already has the right length (reuseRowObject).
            var array = get(row);
            if (array is null || array.Length != value.Length) array = new T[value.Length];
            value.CopyTo(array);
            set(row, array);
        };
    }

    private static Poke<TRow, VBuffer<ReadOnlyMemory<char>>> PokeStringArray<TRow>(SchemaDefinition.Column column, int size)
    {
        var set = Setter<TRow, string[]>(column.Member!);
        return (TRow row, ref VBuffer<ReadOnlyMemory<char>> value) => set(row, value.DenseValues().Select(m => m.ToString()).ToArray());
    }

    private static Poke<TRow, VBuffer<T>> PokeVBuffer<TRow, T>(SchemaDefinition.Column column, int size)
    {
        var set = Setter<TRow, VBuffer<T>>(column.Member!);
        return (TRow row, ref VBuffer<T> value) =>
        {
            VBuffer<T> copy = default; // never alias the cursor's reused buffer
            value.CopyTo(ref copy);
            set(row, copy);
        };
    }
}
