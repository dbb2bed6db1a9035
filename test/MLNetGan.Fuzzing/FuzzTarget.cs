namespace MLNetGan.Fuzzing;

/// <summary>
/// One file format under fuzzing: a valid seed file, the public API call that reads it the way users do,
/// and the exception types that API documents for bad files (anything else is a finding).
/// </summary>
/// <param name="Name">Format name used in reports.</param>
/// <param name="FileName">Name the mutated file gets (its extension matters to some readers).</param>
/// <param name="Seed">A valid file of the format.</param>
/// <param name="Read">Reads the file at the given path completely, as a user would, and disposes what it made.</param>
/// <param name="Documented">Exception types the reader documents for invalid files.</param>
/// <param name="Mutate">A format-aware mutation (e.g. inside a zip entry); null uses byte mutations only.</param>
public sealed record FuzzTarget(
    string Name,
    string FileName,
    byte[] Seed,
    Action<string> Read,
    IReadOnlyList<Type> Documented,
    Func<byte[], Random, (byte[] Bytes, string Description)>? Mutate = null);
