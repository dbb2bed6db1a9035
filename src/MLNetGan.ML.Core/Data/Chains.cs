using System.Collections;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Estimators applied one after another; <see cref="Fit"/> trains each on the output of the previous ones.</summary>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] estimators;
    private readonly TransformerScope[] scopes;

    /// <summary>An empty chain.</summary>
    public EstimatorChain() : this(Array.Empty<IEstimator<ITransformer>>(), Array.Empty<TransformerScope>()) { }

    private EstimatorChain(IEstimator<ITransformer>[] estimators, TransformerScope[] scopes)
    {
        this.estimators = estimators;
        this.scopes = scopes;
        LastEstimator = estimators.Length == 0 ? null : estimators[^1] as IEstimator<TLastTransformer>;
    }

    /// <summary>The last estimator (null for an empty chain).</summary>
    public IEstimator<TLastTransformer>? LastEstimator { get; }

    /// <summary>A new chain with <paramref name="estimator"/> at the end.</summary>
    public EstimatorChain<TNewTrans> Append<TNewTrans>(IEstimator<TNewTrans> estimator, TransformerScope scope = TransformerScope.Everything)
        where TNewTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNewTrans>(estimators.Append((IEstimator<ITransformer>)estimator).ToArray(), scopes.Append(scope).ToArray());
    }

    /// <summary>Fits every estimator in order.</summary>
    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema)); // fail fast, before any training
        var current = input;
        var fitted = new List<ITransformer>();
        foreach (var estimator in estimators)
        {
            var transformer = estimator.Fit(current);
            fitted.Add(transformer);
            current = transformer.Transform(current);
        }
        return new TransformerChain<TLastTransformer>(fitted, scopes);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var shape = inputSchema;
        foreach (var e in estimators) shape = e.GetOutputSchema(shape);
        return shape;
    }
}

/// <summary>Loads saved transformer chains (the generic chain type itself cannot be a registered loader).</summary>
[ModelComponent(TransformerChain<ITransformer>.ComponentId)]
internal static class TransformerChainLoader
{
    public static ITransformer Load(ModelLoadContext ctx) => TransformerChain<ITransformer>.Load(ctx);
}

/// <summary>Trained transformers applied one after another.</summary>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>
    where TLastTransformer : class, ITransformer
{
    internal const string ComponentId = "TransformerChain";
    private readonly ITransformer[] transformers;
    private readonly TransformerScope[] scopes;

    /// <summary>A chain of <paramref name="transformers"/>.</summary>
    public TransformerChain(params ITransformer[] transformers) : this(transformers, transformers.Select(_ => TransformerScope.Everything).ToArray()) { }

    /// <summary>A chain of <paramref name="transformers"/> with their scopes.</summary>
    public TransformerChain(IEnumerable<ITransformer> transformers, IEnumerable<TransformerScope> scopes)
    {
        this.transformers = transformers.ToArray();
        this.scopes = scopes.ToArray();
        if (this.transformers.Length != this.scopes.Length) throw new ArgumentException("One scope per transformer is needed.", nameof(scopes));
        if (this.transformers.Length > 0 && this.transformers[^1] is not TLastTransformer)
        {
            throw new ArgumentException($"The last transformer is a {this.transformers[^1].GetType().Name}, not a {typeof(TLastTransformer).Name}.", nameof(transformers));
        }
    }

    /// <summary>The last transformer (for example the trained model of a pipeline).</summary>
    public TLastTransformer LastTransformer => transformers.Length == 0
        ? throw new InvalidOperationException("The chain is empty.")
        : (TLastTransformer)transformers[^1];

    /// <inheritdoc />
    public bool IsRowToRowMapper => transformers.All(t => t.IsRowToRowMapper);

    /// <summary>A new chain with <paramref name="transformer"/> at the end.</summary>
    public TransformerChain<TNewLast> Append<TNewLast>(TNewLast transformer, TransformerScope scope = TransformerScope.Everything)
        where TNewLast : class, ITransformer =>
        new(transformers.Append(transformer), scopes.Append(scope));

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var schema = inputSchema;
        foreach (var t in transformers) schema = t.GetOutputSchema(schema);
        return schema;
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        GetOutputSchema(input.Schema); // fail fast with the first offending column
        var current = input;
        foreach (var t in transformers) current = t.Transform(current);
        return current;
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        if (!IsRowToRowMapper) throw new InvalidOperationException("Not every transformer of this chain maps rows to rows.");
        var mappers = new List<IRowToRowMapper>();
        var schema = inputSchema;
        foreach (var t in transformers)
        {
            var m = t.GetRowToRowMapper(schema);
            mappers.Add(m);
            schema = m.OutputSchema;
        }
        return new ChainedRowMapper(inputSchema, mappers);
    }

    /// <inheritdoc />
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)transformers).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("chain.json", new ChainInfo { Count = transformers.Length, Scopes = scopes.Select(s => (int)s).ToArray() });
        for (var i = 0; i < transformers.Length; i++) ctx.SaveSubComponent(i.ToString(System.Globalization.CultureInfo.InvariantCulture), transformers[i]);
    }

    /// <summary>Loads a chain saved by <see cref="Save"/> (as <c>TransformerChain&lt;ITransformer&gt;</c>).</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var info = ctx.ReadJson<ChainInfo>("chain.json");
        if (info.Count < 0 || info.Count > 10_000 || info.Scopes.Length != info.Count) throw new InvalidDataException("Transformer chain header is inconsistent.");
        var parts = Enumerable.Range(0, info.Count).Select(i => ctx.LoadSubComponent(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        return new TransformerChain<ITransformer>(parts, info.Scopes.Select(s => (TransformerScope)s));
    }

    private sealed class ChainInfo
    {
        public int Count { get; set; }
        public int[] Scopes { get; set; } = Array.Empty<int>();
    }

    private sealed class ChainedRowMapper : IRowToRowMapper
    {
        private readonly List<IRowToRowMapper> mappers;

        public ChainedRowMapper(DataViewSchema inputSchema, List<IRowToRowMapper> mappers)
        {
            InputSchema = inputSchema;
            this.mappers = mappers;
            OutputSchema = mappers.Count == 0 ? inputSchema : mappers[^1].OutputSchema;
        }

        public DataViewSchema InputSchema { get; }
        public DataViewSchema OutputSchema { get; }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var columns = dependingColumns;
            for (var i = mappers.Count - 1; i >= 0; i--) columns = mappers[i].GetDependencies(columns).ToList();
            return columns;
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            var row = input;
            foreach (var m in mappers) row = m.GetRow(row, m.OutputSchema);
            return row;
        }
    }
}

/// <summary>Pipeline-building extensions, as in ML.NET.</summary>
public static class LearningPipelineExtensions
{
    /// <summary>Starts a chain: <paramref name="start"/> then <paramref name="estimator"/>.</summary>
    public static EstimatorChain<TTrans> Append<TTrans>(this IEstimator<ITransformer> start, IEstimator<TTrans> estimator,
                                                         TransformerScope scope = TransformerScope.Everything)
        where TTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        return start is EstimatorChain<ITransformer> chain
            ? chain.Append(estimator, scope)
            : new EstimatorChain<ITransformer>().Append(start).Append(estimator, scope);
    }

    /// <summary>Marks a point where data should be cached (accepted for source compatibility; caching is explicit with <c>ml.Data.Cache</c>).</summary>
    public static IEstimator<TTrans> AppendCacheCheckpoint<TTrans>(this IEstimator<TTrans> start, IHostEnvironment env) where TTrans : class, ITransformer => start;

    /// <summary>Chains two transformers.</summary>
    public static TransformerChain<TTrans> Append<TTrans>(this ITransformer start, TTrans transformer) where TTrans : class, ITransformer =>
        start is TransformerChain<ITransformer> chain ? chain.Append(transformer) : new TransformerChain<TTrans>(start, transformer);
}

/// <summary>The environment handle estimators receive (an <see cref="MLContext"/>).</summary>
public interface IHostEnvironment
{
}
