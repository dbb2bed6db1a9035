namespace MLNetGan.Torch.Optimizers;

/// <summary>
/// Everything an optimizer needs to resume exactly: per-parameter state tensors (named
/// "<c>{parameter index}.{slot}</c>", e.g. "3.exp_avg") and scalar values (step counts, hyperparameters).
/// Tensors are copies owned by this object.
/// </summary>
public sealed class OptimizerState : IDisposable
{
    /// <summary>Creates a state from copies the caller hands over.</summary>
    public OptimizerState(string kind, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, double> values)
    {
        Kind = kind;
        Tensors = tensors;
        Values = values;
    }

    /// <summary>The optimizer type that produced it ("Adam", "RMSprop", "SGD").</summary>
    public string Kind { get; }
    /// <summary>State tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }
    /// <summary>Scalar state by name.</summary>
    public IReadOnlyDictionary<string, double> Values { get; }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}

/// <summary>Base of the optimizers: holds the parameters, clears gradients, saves and restores state.</summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<(int Index, string Slot), Tensor> slots = new();

    /// <summary>Registers the parameters to update.</summary>
    /// <exception cref="ArgumentException">No parameters, or one that does not require gradients.</exception>
    protected Optimizer(string kind, IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Kind = kind;
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException($"{kind} was given no parameters to optimize.", nameof(parameters));
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (!Parameters[i].requires_grad) throw new ArgumentException($"Parameter {i} given to {kind} does not require gradients.", nameof(parameters));
        }
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Learning rate must be non-negative.");
        LearningRate = learningRate;
    }

    /// <summary>Optimizer type name.</summary>
    public string Kind { get; }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate (may be changed between steps, e.g. by a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>Number of <see cref="step"/> calls so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>Drops every parameter's gradient (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void zero_grad()
    {
        foreach (var p in Parameters) p.clear_grad();
    }

    /// <summary>Updates every parameter that has a gradient, without recording autograd history.</summary>
    public void step()
    {
        StepCount++;
        using var noGrad = torch.no_grad();
        UpdateAll();
    }

    /// <summary>
    /// Applies the update rule to every parameter that has a gradient. The default calls
    /// <see cref="Update"/> once per parameter; an optimizer with a fused native update overrides it.
    /// </summary>
    protected virtual void UpdateAll()
    {
        for (var i = 0; i < Parameters.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var grad = Parameters[i].grad;
            if (grad is null) continue;
            Update(i, Parameters[i], grad);
        }
    }

    /// <summary>Applies the update rule to one parameter; temporaries are freed by the caller's scope.</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor grad);

    /// <summary>A per-parameter state slot, created (zero-filled like the parameter, or by <paramref name="create"/>) on first use.</summary>
    protected Tensor Slot(int index, string slot, Func<Tensor>? create = null)
    {
        if (!slots.TryGetValue((index, slot), out var t))
        {
            t = (create?.Invoke() ?? torch.zeros_like(Parameters[index])).DetachFromDisposeScope();
            slots[(index, slot)] = t;
        }
        return t;
    }

    /// <summary>Whether a state slot exists yet.</summary>
    protected bool HasSlot(int index, string slot) => slots.ContainsKey((index, slot));

    /// <summary>Scalar state to save besides slots (per-parameter step counts, hyperparameters).</summary>
    protected virtual IEnumerable<KeyValuePair<string, double>> SaveValues() => Enumerable.Empty<KeyValuePair<string, double>>();

    /// <summary>Restores what <see cref="SaveValues"/> wrote.</summary>
    protected virtual void LoadValues(IReadOnlyDictionary<string, double> values) { }

    /// <summary>A copy of the optimizer's full state, for checkpoints.</summary>
    public OptimizerState state_dict()
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var ((index, slot), t) in slots.OrderBy(s => s.Key.Index).ThenBy(s => s.Key.Slot, StringComparer.Ordinal))
        {
            using (torch.no_grad()) tensors[$"{index}.{slot}"] = t.clone().DetachFromDisposeScope();
        }
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["lr"] = LearningRate,
            ["step_count"] = StepCount,
            ["parameter_count"] = Parameters.Count,
        };
        foreach (var (k, v) in SaveValues()) values[k] = v;
        return new OptimizerState(Kind, tensors, values);
    }

    /// <summary>Restores a state produced by <see cref="state_dict"/> of the same kind over the same parameter shapes.</summary>
    /// <exception cref="ArgumentException">The state is of another kind, for another parameter count, or has a malformed or mis-shaped entry.</exception>
    public void load_state_dict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Kind != Kind) throw new ArgumentException($"Cannot load {state.Kind} state into {Kind}.", nameof(state));
        if (!state.Values.TryGetValue("parameter_count", out var count) || (int)count != Parameters.Count)
        {
            throw new ArgumentException($"{Kind} state is for {count} parameters but this optimizer has {Parameters.Count}.", nameof(state));
        }
        var parsed = new List<(int Index, string Slot, Tensor Value)>();
        foreach (var (name, value) in state.Tensors)
        {
            var dot = name.IndexOf('.');
            if (dot <= 0 || !int.TryParse(name.AsSpan(0, dot), out var index) || index < 0 || index >= Parameters.Count)
            {
                throw new ArgumentException($"{Kind} state entry '{name}' does not name a parameter index.", nameof(state));
            }
            if (!value.shape.SequenceEqual(Parameters[index].shape))
            {
                throw new ArgumentException($"{Kind} state entry '{name}' has shape {Tensor.Describe(value.shape)} but parameter {index} has {Tensor.Describe(Parameters[index].shape)}.", nameof(state));
            }
            parsed.Add((index, name[(dot + 1)..], value));
        }
        foreach (var t in slots.Values) t.Dispose();
        slots.Clear();
        using (torch.no_grad())
        {
            foreach (var (index, slot, value) in parsed) slots[(index, slot)] = value.clone().DetachFromDisposeScope();
        }
        LearningRate = state.Values.GetValueOrDefault("lr", LearningRate);
        StepCount = (long)state.Values.GetValueOrDefault("step_count", 0);
        LoadValues(state.Values);
    }

    /// <summary>Frees the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        foreach (var t in slots.Values) t.Dispose();
        slots.Clear();
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks a hyperparameter lies in [low, high) and names it otherwise.</summary>
    protected static double InRange(double value, double low, double high, string name) =>
        value >= low && value < high ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}).");
}
