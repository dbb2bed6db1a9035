namespace MLNetGan.Torch.Modules;

/// <summary>
/// A network component with named parameters, buffers and submodules, as <c>torch.nn.Module</c>.
/// State-dict names join the path with dots (<c>net.0.weight</c>), in PyTorch's order: a module's
/// own parameters, then its own buffers, then each submodule in registration order.
/// The module owns its tensors: <see cref="Dispose()"/> frees them.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<string> parameterNames = new();
    private readonly List<string> bufferNames = new();
    private readonly Dictionary<string, Tensor?> tensors = new(StringComparer.Ordinal);
    private readonly List<(string Name, Module Module)> children = new();
    private bool disposed;

    /// <summary>Creates a module whose type name is <paramref name="name"/> (used in messages).</summary>
    protected Module(string name) => Name = name;

    /// <summary>The module's type name, e.g. "Linear".</summary>
    public string Name { get; }

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool training { get; private set; } = true;

    /// <summary>Registers (or replaces) a trainable parameter. The module takes ownership; null leaves a hole, as PyTorch's bias=False does.</summary>
    protected Tensor? register_parameter(string name, Tensor? parameter)
    {
        RegisterTensor(parameterNames, name, parameter);
        parameter?.requires_grad_(true);
        return parameter;
    }

    /// <summary>Registers (or replaces) a buffer: state that is saved but not trained, such as running statistics.</summary>
    protected Tensor register_buffer(string name, Tensor buffer)
    {
        RegisterTensor(bufferNames, name, buffer);
        return buffer;
    }

    /// <summary>Registers a submodule; its state-dict names are prefixed with <paramref name="name"/>.</summary>
    protected TModule register_module<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ValidateName(name);
        if (children.Any(c => c.Name == name) || tensors.ContainsKey(name)) throw new ArgumentException($"{Name} already has a member named '{name}'.", nameof(name));
        children.Add((name, module));
        return module;
    }

    private void RegisterTensor(List<string> names, string name, Tensor? tensor)
    {
        ValidateName(name);
        if (children.Any(c => c.Name == name)) throw new ArgumentException($"{Name} already has a submodule named '{name}'.", nameof(name));
        tensor?.DetachFromDisposeScope();
        if (tensors.TryGetValue(name, out var old))
        {
            if (!names.Contains(name)) throw new ArgumentException($"'{name}' is already registered with another role in {Name}.", nameof(name));
            if (!ReferenceEquals(old, tensor)) old?.Dispose();
        }
        else
        {
            names.Add(name);
        }
        tensors[name] = tensor;
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"'{name}' is not a valid member name (non-empty, no dots).", nameof(name));
    }

    /// <summary>The registered tensor called <paramref name="name"/> (null for an absent optional parameter).</summary>
    protected Tensor? GetTensor(string name) => tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"{Name} has no parameter or buffer named '{name}'.");

    /// <summary>The registered tensor called <paramref name="name"/>, which must be present.</summary>
    protected Tensor RequireTensor(string name) => GetTensor(name) ?? throw new InvalidOperationException($"{Name}.{name} is not set.");

    /// <summary>Direct submodules with their names.</summary>
    public IEnumerable<(string name, Module module)> named_children() => children.Select(c => (c.Name, c.Module));

    /// <summary>Trainable parameters with dotted names, own first, then submodules'.</summary>
    public IEnumerable<(string name, Tensor parameter)> named_parameters() => Walk("", includeParameters: true, includeBuffers: false);

    /// <summary>Trainable parameters (what an optimizer updates).</summary>
    public IEnumerable<Tensor> parameters() => named_parameters().Select(p => p.parameter);

    /// <summary>Buffers with dotted names.</summary>
    public IEnumerable<(string name, Tensor buffer)> named_buffers() => Walk("", includeParameters: false, includeBuffers: true);

    private IEnumerable<(string, Tensor)> Walk(string prefix, bool includeParameters, bool includeBuffers)
    {
        if (includeParameters)
        {
            foreach (var n in parameterNames)
            {
                if (tensors[n] is { } t) yield return (prefix + n, t);
            }
        }
        if (includeBuffers)
        {
            foreach (var n in bufferNames)
            {
                if (tensors[n] is { } t) yield return (prefix + n, t);
            }
        }
        foreach (var (childName, child) in children)
        {
            foreach (var item in child.Walk(prefix + childName + ".", includeParameters, includeBuffers)) yield return item;
        }
    }

    /// <summary>
    /// Every parameter and buffer by dotted name, in PyTorch's state-dict order. The tensors are the
    /// module's own (not copies): do not dispose them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> state_dict()
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        CollectState("", result);
        return result;
    }

    private void CollectState(string prefix, List<KeyValuePair<string, Tensor>> into)
    {
        foreach (var n in parameterNames)
        {
            if (tensors[n] is { } t) into.Add(new(prefix + n, t));
        }
        foreach (var n in bufferNames)
        {
            if (tensors[n] is { } t) into.Add(new(prefix + n, t));
        }
        foreach (var (childName, child) in children) child.CollectState(prefix + childName + ".", into);
    }

    /// <summary>Copies values into this module's parameters and buffers by name.</summary>
    /// <param name="source">Tensors by dotted name.</param>
    /// <param name="strict">Require exactly the same set of names.</param>
    /// <exception cref="ArgumentException">A name is missing or unexpected (strict), or a shape or dtype differs; the message names the entry.</exception>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        var own = state_dict();
        var ownNames = own.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        if (strict)
        {
            var missing = ownNames.Where(n => !source.ContainsKey(n)).ToList();
            var unexpected = source.Keys.Where(n => !ownNames.Contains(n)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
            {
                throw new ArgumentException($"State dict does not match {Name}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].", nameof(source));
            }
        }
        foreach (var (name, target) in own)
        {
            if (!source.TryGetValue(name, out var value)) continue;
            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new ArgumentException($"State entry '{name}' has shape {Tensor.Describe(value.shape)} but {Name} expects {Tensor.Describe(target.shape)}.", nameof(source));
            }
            if (value.dtype != target.dtype)
            {
                throw new ArgumentException($"State entry '{name}' has dtype {value.dtype} but {Name} expects {target.dtype}.", nameof(source));
            }
        }
        using var noGrad = torch.no_grad();
        foreach (var (name, target) in own)
        {
            if (source.TryGetValue(name, out var value)) target.copy_(value);
        }
    }

    /// <summary>Sets training mode on this module and every submodule; returns this module.</summary>
    public Module train(bool mode = true)
    {
        training = mode;
        foreach (var (_, child) in children) child.train(mode);
        return this;
    }

    /// <summary>Sets evaluation mode (same as <c>train(false)</c>).</summary>
    public Module eval() => train(false);

    /// <summary>Drops every parameter's gradient.</summary>
    public void zero_grad()
    {
        foreach (var p in parameters()) p.clear_grad();
    }

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> (a no-op on the same device).</summary>
    public Module to(Device device) => Convert(t => t.device == device ? null : t.to(device));

    /// <summary>Converts floating-point parameters and buffers to <paramref name="type"/> (PyTorch's <c>module.double()</c> / <c>float()</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a floating-point type.</exception>
    public Module to(ScalarType type)
    {
        if (type is not (ScalarType.Float32 or ScalarType.Float64)) throw new ArgumentException($"Modules convert to floating-point types only, not {type}.", nameof(type));
        return Convert(t => t.dtype is ScalarType.Float32 or ScalarType.Float64 && t.dtype != type ? t.to(type) : null);
    }

    /// <summary>Replaces each tensor for which <paramref name="convert"/> returns a new one, recursively.</summary>
    private Module Convert(Func<Tensor, Tensor?> convert)
    {
        using (torch.no_grad())
        {
            foreach (var name in tensors.Keys.ToList())
            {
                if (tensors[name] is not { } t || convert(t) is not { } replaced) continue;
                replaced.DetachFromDisposeScope();
                if (parameterNames.Contains(name)) replaced.requires_grad_(true);
                t.Dispose();
                tensors[name] = replaced;
            }
        }
        foreach (var (_, child) in children) child.Convert(convert);
        return this;
    }

    /// <summary>Frees every parameter and buffer of this module and its submodules.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees owned tensors; override to release more, calling the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposed || !disposing) return;
        disposed = true;
        foreach (var t in tensors.Values) t?.Dispose();
        foreach (var (_, child) in children) child.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A module with a typed <see cref="forward"/>, as TorchSharp's <c>Module&lt;T, TResult&gt;</c>.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Creates the module.</summary>
    protected Module(string name) : base(name) { }

    /// <summary>Computes the output.</summary>
    public abstract TOutput forward(TInput input);

    /// <summary>Same as <see cref="forward"/> (PyTorch's <c>module(x)</c>).</summary>
    public TOutput call(TInput input) => forward(input);
}
