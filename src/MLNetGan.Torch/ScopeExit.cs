namespace MLNetGan.Torch;

/// <summary>
/// The end of a per-thread setting's scope (<see cref="torch.use_generator"/>, <see cref="torch.autocast"/>):
/// disposing it once puts the previous value back; disposing it again does nothing.
/// </summary>
internal sealed class ScopeExit : IDisposable
{
    private Action? restore;

    public ScopeExit(Action restore) => this.restore = restore;

    public void Dispose()
    {
        var pending = restore;
        restore = null;
        pending?.Invoke();
    }
}
