using System.Reflection;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Data;

/// <summary>How the members of a .NET class map to data view columns.</summary>
public sealed class SchemaDefinition : List<SchemaDefinition.Column>
{
    /// <summary>Whether a definition is used to read objects into a view, write views into objects, or both.</summary>
    [Flags]
    public enum Direction
    {
        /// <summary>Objects to view (members must be readable).</summary>
        Read = 1,
        /// <summary>View to objects (members must be writable).</summary>
        Write = 2,
        /// <summary>Both.</summary>
        Both = Read | Write,
    }

    /// <summary>The column named <paramref name="columnName"/>.</summary>
    public Column this[string columnName] => this.FirstOrDefault(c => c.ColumnName == columnName)
        ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"No column '{columnName}' in the schema definition.");

    /// <summary>A definition from the public fields and properties of <paramref name="userType"/> and their attributes.</summary>
    /// <exception cref="InvalidOperationException">A member's type cannot be a column; the message names it.</exception>
    public static SchemaDefinition Create(Type userType, Direction direction = Direction.Both)
    {
        ArgumentNullException.ThrowIfNull(userType);
        var definition = new SchemaDefinition();
        foreach (var member in userType.GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            Type memberType;
            switch (member)
            {
                case FieldInfo f when !f.IsInitOnly || direction == Direction.Read:
                    memberType = f.FieldType;
                    break;
                case PropertyInfo p when p.GetIndexParameters().Length == 0
                                         && (!direction.HasFlag(Direction.Read) || p.CanRead)
                                         && (!direction.HasFlag(Direction.Write) || p.CanWrite):
                    memberType = p.PropertyType;
                    break;
                default:
                    continue;
            }
            if (member.GetCustomAttribute<NoColumnAttribute>() is not null) continue;
            var name = member.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? member.Name;
            var type = InferType(member, memberType)
                ?? throw new InvalidOperationException($"Member '{member.Name}' of {userType.Name} has type {memberType.Name}, which cannot be a data view column. Mark it [NoColumn] to skip it.");
            definition.Add(new Column(member.Name, name, type) { Member = member, MemberType = memberType });
        }
        return definition;
    }

    private static DataViewType? InferType(MemberInfo member, Type memberType)
    {
        var key = member.GetCustomAttribute<KeyTypeAttribute>();
        var vector = member.GetCustomAttribute<VectorTypeAttribute>();
        if (memberType == typeof(MLImage))
        {
            var image = member.GetCustomAttribute<ImageTypeAttribute>();
            return image is null ? new ImageDataViewType() : new ImageDataViewType(image.Height, image.Width);
        }
        Type? itemType = null;
        if (memberType.IsArray && memberType.GetArrayRank() == 1) itemType = memberType.GetElementType();
        else if (memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(VBuffer<>)) itemType = memberType.GetGenericArguments()[0];
        if (itemType is not null)
        {
            var item = Primitive(itemType, key);
            if (item is null) return null;
            return vector is null || vector.Dimensions.Length == 0 ? new VectorDataViewType(item) : new VectorDataViewType(item, vector.Dimensions);
        }
        if (vector is not null) throw new InvalidOperationException($"Member '{member.Name}' has [VectorType] but its type {memberType.Name} is not an array or VBuffer.");
        return Primitive(memberType, key);
    }

    private static PrimitiveDataViewType? Primitive(Type type, KeyTypeAttribute? key)
    {
        if (key is not null) return new KeyDataViewType(type, key.Count);
        return PrimitiveTypes.For(type);
    }

    /// <summary>One member-to-column mapping.</summary>
    public sealed class Column
    {
        /// <summary>Creates a mapping; <see cref="ColumnType"/> may be changed afterwards (e.g. to give a vector its size).</summary>
        public Column(string memberName, string columnName, DataViewType columnType)
        {
            MemberName = memberName;
            ColumnName = columnName;
            ColumnType = columnType;
        }

        /// <summary>The .NET member.</summary>
        public string MemberName { get; set; }
        /// <summary>The column name.</summary>
        public string ColumnName { get; set; }
        /// <summary>The column type.</summary>
        public DataViewType ColumnType { get; set; }

        internal MemberInfo? Member { get; set; }
        internal Type? MemberType { get; set; }
        internal DataViewSchema.Annotations? Annotations { get; private set; }

        /// <summary>Adds an annotation to the column.</summary>
        public void AddAnnotation<T>(string kind, T value, DataViewType annotationType)
        {
            var builder = new DataViewSchema.Annotations.Builder();
            if (Annotations is not null) builder.Add(Annotations, _ => true);
            builder.Add(kind, annotationType, value);
            Annotations = builder.ToAnnotations();
        }
    }

    internal void Bind(Type userType)
    {
        foreach (var c in this)
        {
            if (c.Member is not null) continue;
            var member = userType.GetMember(c.MemberName, BindingFlags.Public | BindingFlags.Instance).FirstOrDefault()
                ?? throw new InvalidOperationException($"Type {userType.Name} has no public member '{c.MemberName}' for column '{c.ColumnName}'.");
            c.Member = member;
            c.MemberType = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
        }
    }
}

/// <summary>The primitive .NET types a column can hold.</summary>
internal static class PrimitiveTypes
{
    internal static PrimitiveDataViewType? For(Type type)
    {
        if (type == typeof(float)) return NumberDataViewType.Single;
        if (type == typeof(double)) return NumberDataViewType.Double;
        if (type == typeof(int)) return NumberDataViewType.Int32;
        if (type == typeof(long)) return NumberDataViewType.Int64;
        if (type == typeof(uint)) return NumberDataViewType.UInt32;
        if (type == typeof(ulong)) return NumberDataViewType.UInt64;
        if (type == typeof(short)) return NumberDataViewType.Int16;
        if (type == typeof(ushort)) return NumberDataViewType.UInt16;
        if (type == typeof(byte)) return NumberDataViewType.Byte;
        if (type == typeof(sbyte)) return NumberDataViewType.SByte;
        if (type == typeof(bool)) return BooleanDataViewType.Instance;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>)) return TextDataViewType.Instance;
        if (type == typeof(DateTime)) return DateTimeDataViewType.Instance;
        if (type == typeof(DateTimeOffset)) return DateTimeOffsetDataViewType.Instance;
        if (type == typeof(TimeSpan)) return TimeSpanDataViewType.Instance;
        return null;
    }
}
