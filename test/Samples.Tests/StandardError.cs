namespace MLNetGan.Samples.Tests;

/// <summary>What a sample writes to standard error while it runs.</summary>
internal static class StandardError
{
    /// <summary>Runs <paramref name="action"/> with <see cref="Console.Error"/> captured (and restored after) and returns what it wrote.</summary>
    public static string Of(Action action)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            action();
        }
        finally
        {
            Console.SetError(original);
        }
        return error.ToString();
    }
}
