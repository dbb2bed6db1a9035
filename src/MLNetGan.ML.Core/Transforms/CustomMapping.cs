using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>Applies a user action that reads a <typeparamref name="TSrc"/> and fills a <typeparamref name="TDst"/>; TDst's members become new columns.</summary>
public sealed class CustomMappingEstimator<TSrc, TDst> : IEstimator<CustomMappingTransformer<TSrc, TDst>>
    where TSrc : class, new()
    where TDst : class, new()
{
    private readonly CustomMappingTransformer<TSrc, TDst> transformer;

    internal CustomMappingEstimator(Action<TSrc, TDst> mapAction, string? contractName, SchemaDefinition? input, SchemaDefinition? output) =>
        transformer = new CustomMappingTransformer<TSrc, TDst>(mapAction, contractName, input, output);

    /// <inheritdoc />
    public CustomMappingTransformer<TSrc, TDst> Fit(IDataView input)
    {
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var c in SchemaDefinition.Create(typeof(TDst), SchemaDefinition.Direction.Read)) builder.AddColumn(c.ColumnName, c.ColumnType);
        return ShapeOps.With(inputSchema, SchemaShape.Create(builder.ToSchema()).ToArray());
    }
}

/// <summary>The custom mapping. Savable only with a contract name whose <see cref="CustomMappingFactory{TSrc, TDst}"/> is marked with <see cref="CustomMappingFactoryAttributeAttribute"/>.</summary>
public sealed class CustomMappingTransformer<TSrc, TDst> : RowToRowTransformerBase
    where TSrc : class, new()
    where TDst : class, new()
{
    // One action per cursor: the same one for a plain mapping, one bound to the cursor's own state for a stateful one.
    private readonly Func<Action<TSrc, TDst>> actionForCursor;
    private readonly SchemaDefinition inputDefinition;
    private readonly SchemaDefinition outputDefinition;

    internal CustomMappingTransformer(Action<TSrc, TDst> mapAction, string? contractName, SchemaDefinition? input, SchemaDefinition? output)
        : this(StatelessAction(mapAction), contractName, input, output) { }

    internal CustomMappingTransformer(Func<Action<TSrc, TDst>> actionForCursor, string? contractName, SchemaDefinition? input, SchemaDefinition? output)
    {
        this.actionForCursor = actionForCursor;
        ContractName = contractName;
        inputDefinition = input ?? SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Write);
        outputDefinition = output ?? SchemaDefinition.Create(typeof(TDst), SchemaDefinition.Direction.Read);
        outputDefinition.Bind(typeof(TDst));
    }

    private static Func<Action<TSrc, TDst>> StatelessAction(Action<TSrc, TDst> mapAction)
    {
        ArgumentNullException.ThrowIfNull(mapAction);
        return () => mapAction;
    }

    /// <summary>The name under which the mapping can be found again when loading.</summary>
    public string? ContractName { get; }

    /// <summary>The loader id and contract written when saving; a stateful mapping saves under its own id.</summary>
    internal string ComponentId { get; init; } = CustomMappingLoader.ComponentId;

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        if (ContractName is null)
        {
            throw new InvalidOperationException("This custom mapping has no contract name, so it cannot be saved. Pass a contractName and define a CustomMappingFactory for it.");
        }
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("contract.json", ContractName);
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly CustomMappingTransformer<TSrc, TDst> parent;
        private readonly List<(int Index, Delegate Poke)> inputBindings;
        private readonly DataViewSchema.DetachedColumn[] outputs;
        private readonly Delegate[] peeks;

        public Mapper(DataViewSchema schema, CustomMappingTransformer<TSrc, TDst> parent) : base(schema)
        {
            this.parent = parent;
            inputBindings = RowObjects.Bind<TSrc>(schema, parent.inputDefinition, ignoreMissingColumns: false);
            outputs = parent.outputDefinition.Select(c => new DataViewSchema.DetachedColumn(c.ColumnName, c.ColumnType)).ToArray();
            peeks = parent.outputDefinition.Select(ObjectBinding.MakePeek<TDst>).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => inputBindings.Select(b => b.Index);

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var state = RowState.For(input, this);
            var method = typeof(Mapper).GetMethod(nameof(Getter), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(outputs[outputIndex].Type.RawType);
            return (Delegate)method.Invoke(this, new object[] { state, outputIndex })!;
        }

        private ValueGetter<T> Getter<T>(RowState state, int outputIndex)
        {
            var peek = (Peek<TDst, T>)peeks[outputIndex];
            return (ref T value) => peek(state.Mapped(), ref value);
        }

        /// <summary>Maps each input row once, however many output columns are read.</summary>
        private sealed class RowState
        {
            private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DataViewRow, RowState> States = new();
            private readonly DataViewRow row;
            private readonly Mapper mapper;
            private readonly RowObjects.Filler<TSrc> filler;
            private readonly TSrc source = new();
            private readonly Action<TSrc, TDst> action;
            private TDst destination = new();
            private long mappedPosition = long.MinValue;

            private RowState(DataViewRow row, Mapper mapper)
            {
                this.row = row;
                this.mapper = mapper;
                filler = new RowObjects.Filler<TSrc>(row, mapper.inputBindings);
                action = mapper.parent.actionForCursor();
            }

            public static RowState For(DataViewRow row, Mapper mapper) => States.GetValue(row, r => new RowState(r, mapper));

            public TDst Mapped()
            {
                if (mappedPosition != row.Position || row.Position < 0)
                {
                    filler.Fill(source);
                    destination = new TDst();
                    action(source, destination);
                    mappedPosition = row.Position;
                }
                return destination;
            }
        }
    }
}

/// <summary>Recreates a custom mapping's action when a model is loaded; mark subclasses with <see cref="CustomMappingFactoryAttributeAttribute"/>.</summary>
public abstract class CustomMappingFactory<TSrc, TDst>
    where TSrc : class, new()
    where TDst : class, new()
{
    /// <summary>The mapping action.</summary>
    public abstract Action<TSrc, TDst> GetMapping();
}

/// <summary>Names the contract a <see cref="CustomMappingFactory{TSrc, TDst}"/> provides.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CustomMappingFactoryAttributeAttribute : Attribute
{
    /// <summary>Declares the contract name.</summary>
    public CustomMappingFactoryAttributeAttribute(string contractName) => ContractName = contractName;
    /// <summary>The contract name.</summary>
    public string ContractName { get; }
}

/// <summary>Loads saved custom mappings through their registered factory (found by contract name, never by a type name from the file).</summary>
[ModelComponent(ComponentId)]
internal static class CustomMappingLoader
{
    internal const string ComponentId = "CustomMapping";

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var contract = ctx.ReadJson<string>("contract.json");
        var (factoryType, baseType) = FindFactory(contract, typeof(CustomMappingFactory<,>));
        var factory = Activator.CreateInstance(factoryType)!;
        var action = (Delegate)baseType.GetMethod("GetMapping")!.Invoke(factory, null)!;
        var transformerType = typeof(CustomMappingTransformer<,>).MakeGenericType(baseType.GetGenericArguments());
        return (ITransformer)Activator.CreateInstance(transformerType, BindingFlags.NonPublic | BindingFlags.Instance, null,
            new object?[] { action, contract, null, null }, null)!;
    }

    /// <summary>The loaded type marked with <paramref name="contract"/>, and its <paramref name="factoryBase"/> base (generic arguments filled).</summary>
    internal static (Type Factory, Type Base) FindFactory(string contract, Type factoryBase)
    {
        var factoryType = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .SelectMany(a =>
            {
                try { return a.GetTypes(); }
                catch (ReflectionTypeLoadException e) { return e.Types.Where(t => t is not null).Cast<Type>(); }
            })
            .FirstOrDefault(t => t.GetCustomAttribute<CustomMappingFactoryAttributeAttribute>()?.ContractName == contract)
            ?? throw new InvalidDataException($"No custom mapping factory with contract name '{contract}' is loaded (register its assembly with mlContext.ComponentCatalog.RegisterAssembly).");
        var baseType = factoryType.BaseType;
        while (baseType is not null && !(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == factoryBase)) baseType = baseType.BaseType;
        if (baseType is null) throw new InvalidDataException($"{factoryType.Name} is marked with contract '{contract}' but does not derive from {factoryBase.Name.Split('`')[0]}.");
        return (factoryType, baseType);
    }
}

/// <summary>
/// Applies a user action that reads a <typeparamref name="TSrc"/> and fills a <typeparamref name="TDst"/> with a
/// <typeparamref name="TState"/> that lives as long as a cursor: each cursor makes its own state and initializes it
/// with the state action, then the rows it reads go through the action in order (<c>StatefulCustomMapping</c>).
/// </summary>
public sealed class StatefulCustomMappingEstimator<TSrc, TDst, TState> : IEstimator<StatefulCustomMappingTransformer<TSrc, TDst, TState>>
    where TSrc : class, new()
    where TDst : class, new()
    where TState : class, new()
{
    private readonly StatefulCustomMappingTransformer<TSrc, TDst, TState> transformer;

    internal StatefulCustomMappingEstimator(Action<TSrc, TDst, TState> mapAction, Action<TState> stateInitAction, string? contractName) =>
        transformer = new StatefulCustomMappingTransformer<TSrc, TDst, TState>(mapAction, stateInitAction, contractName);

    /// <inheritdoc />
    public StatefulCustomMappingTransformer<TSrc, TDst, TState> Fit(IDataView input)
    {
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => new CustomMappingEstimator<TSrc, TDst>((_, _) => { }, null, null, null).GetOutputSchema(inputSchema);
}

/// <summary>The stateful custom mapping; savable with a contract name whose <see cref="StatefulCustomMappingFactory{TSrc, TDst, TState}"/> is marked with <see cref="CustomMappingFactoryAttributeAttribute"/>.</summary>
public sealed class StatefulCustomMappingTransformer<TSrc, TDst, TState> : ITransformer
    where TSrc : class, new()
    where TDst : class, new()
    where TState : class, new()
{
    private readonly CustomMappingTransformer<TSrc, TDst> inner;

    internal StatefulCustomMappingTransformer(Action<TSrc, TDst, TState> mapAction, Action<TState> stateInitAction, string? contractName)
    {
        ArgumentNullException.ThrowIfNull(mapAction);
        ArgumentNullException.ThrowIfNull(stateInitAction);
        inner = new CustomMappingTransformer<TSrc, TDst>(() =>
        {
            var state = new TState();
            stateInitAction(state);
            return (source, destination) => mapAction(source, destination, state);
        }, contractName, null, null)
        {
            ComponentId = StatefulCustomMappingLoader.ComponentId,
        };
    }

    /// <summary>The name under which the mapping can be found again when loading.</summary>
    public string? ContractName => inner.ContractName;
    /// <inheritdoc />
    public bool IsRowToRowMapper => true;
    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);
    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);
    /// <inheritdoc />
    public IDataView Transform(IDataView input) => inner.Transform(input);
    /// <inheritdoc />
    public void Save(ModelSaveContext ctx) => inner.Save(ctx);
}

/// <summary>Recreates a stateful custom mapping's actions when a model is loaded; mark subclasses with <see cref="CustomMappingFactoryAttributeAttribute"/>.</summary>
public abstract class StatefulCustomMappingFactory<TSrc, TDst, TState>
    where TSrc : class, new()
    where TDst : class, new()
    where TState : class, new()
{
    /// <summary>The mapping action.</summary>
    public abstract Action<TSrc, TDst, TState> GetMapping();
    /// <summary>The action that initializes each cursor's state.</summary>
    public abstract Action<TState> GetStateInitAction();
}

/// <summary>Loads saved stateful custom mappings through their registered factory (found by contract name).</summary>
[ModelComponent(ComponentId)]
internal static class StatefulCustomMappingLoader
{
    internal const string ComponentId = "StatefulCustomMapping";

    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var contract = ctx.ReadJson<string>("contract.json");
        var (factoryType, baseType) = CustomMappingLoader.FindFactory(contract, typeof(StatefulCustomMappingFactory<,,>));
        var factory = Activator.CreateInstance(factoryType)!;
        var mapping = (Delegate)baseType.GetMethod("GetMapping")!.Invoke(factory, null)!;
        var init = (Delegate)baseType.GetMethod("GetStateInitAction")!.Invoke(factory, null)!;
        var transformerType = typeof(StatefulCustomMappingTransformer<,,>).MakeGenericType(baseType.GetGenericArguments());
        return (ITransformer)Activator.CreateInstance(transformerType, BindingFlags.NonPublic | BindingFlags.Instance, null,
            new object?[] { mapping, init, contract }, null)!;
    }
}
