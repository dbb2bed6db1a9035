namespace MLNetGan.Fuzzing;

/// <summary>
/// The process's peak resident memory, resettable on Linux (writing 5 to /proc/self/clear_refs resets
/// VmHWM to the current VmRSS), so native allocations made during one case show up in its peak.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Resets the peak and returns the current resident bytes; 0 where /proc is unavailable.</summary>
    public static long ResetAndReadResident()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        return Read("VmRSS:");
    }

    /// <summary>Peak resident bytes since the last reset.</summary>
    public static long ReadPeak() => Read("VmHWM:");

    private static long Read(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
