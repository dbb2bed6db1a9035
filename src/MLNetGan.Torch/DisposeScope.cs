namespace MLNetGan.Torch;

/// <summary>
/// Disposes, when it is disposed, every tensor created on this thread while it was the innermost
/// scope, except those moved out with <see cref="Tensor.MoveToOuterDisposeScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>. Scopes nest and are per thread.
/// </summary>
/// <example><code>
/// using (torch.NewDisposeScope())
/// {
///     var loss = model.forward(x).sub(y).square().mean();
///     loss.backward();
/// }   // every intermediate tensor is freed here
/// </code></example>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> owned = new();
    private bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    /// <summary>The innermost open scope of the calling thread, or null.</summary>
    internal static DisposeScope? Current => current;

    /// <summary>How many tensors this scope would dispose now.</summary>
    public int Count => owned.Count(t => t.OwningScope == this && !t.IsDisposed);

    internal void Attach(Tensor tensor)
    {
        tensor.OwningScope = this;
        owned.Add(tensor);
    }

    internal void MoveToOuter(Tensor tensor)
    {
        if (outer is null) tensor.OwningScope = null;
        else outer.Attach(tensor);
    }

    internal void Detach(Tensor tensor) => tensor.OwningScope = null;

    /// <summary>Disposes the tensors this scope still owns and makes the enclosing scope current again.</summary>
    /// <exception cref="InvalidOperationException">Scopes were closed out of order.</exception>
    public void Dispose()
    {
        if (disposed) return;
        if (current != this)
        {
            // Leave this scope open so that disposing the inner ones first still works.
            throw new InvalidOperationException("DisposeScopes must be disposed in reverse order of creation, on the thread that created them.");
        }
        disposed = true;
        current = outer;
        foreach (var tensor in owned)
        {
            if (tensor.OwningScope == this)
            {
                tensor.OwningScope = null;
                tensor.Dispose();
            }
        }
        owned.Clear();
    }
}
