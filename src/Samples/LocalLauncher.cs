using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MLNetGan.Samples;

/// <summary>
/// <c>--nproc N</c>: runs N copies of this program on this machine as one torch.distributed job, like
/// <c>torchrun --standalone --nproc-per-node N</c>: each child gets <c>MASTER_ADDR</c>, <c>MASTER_PORT</c>,
/// <c>WORLD_SIZE</c>, <c>RANK</c>, <c>LOCAL_RANK</c> and <c>LOCAL_WORLD_SIZE</c>; ranks above 0 print with a
/// <c>[rank r]</c> prefix. When a rank fails, the others are stopped and its exit code is returned.
/// </summary>
internal static class LocalLauncher
{
    /// <summary>Removes <c>--nproc N</c> from <paramref name="args"/>; null when absent.</summary>
    /// <exception cref="ArgumentException">N is not a positive integer.</exception>
    public static int? TakeProcessCount(ref string[] args)
    {
        var at = Array.FindIndex(args, a => a == "--nproc" || a.StartsWith("--nproc=", StringComparison.Ordinal));
        if (at < 0) return null;
        var text = args[at].Contains('=') ? args[at][(args[at].IndexOf('=') + 1)..] : at + 1 < args.Length ? args[at + 1] : "";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new ArgumentException($"--nproc needs a positive number of processes (got '{text}').");
        }
        args = args.Take(at).Concat(args.Skip(args[at].Contains('=') ? at + 1 : at + 2)).ToArray();
        return count;
    }

    /// <summary>Starts <paramref name="count"/> ranks running <paramref name="args"/> and waits for all of them.</summary>
    public static int Run(string[] args, int count)
    {
        var port = FreePort();
        Console.WriteLine($"launcher: {count} processes, rendezvous 127.0.0.1:{port}");
        var ranks = new List<Process>();
        try
        {
            for (var rank = 0; rank < count; rank++) ranks.Add(Start(args, rank, count, port));
            // The first rank to fail decides the job's result; the others are stopped, as torchrun does.
            var running = ranks.ToList();
            var exitCode = 0;
            while (running.Count > 0)
            {
                var index = Task.WaitAny(running.Select(p => p.WaitForExitAsync()).ToArray());
                var finished = running[index];
                running.RemoveAt(index);
                finished.WaitForExit(); // flushes its redirected output
                if (finished.ExitCode != 0 && exitCode == 0)
                {
                    exitCode = finished.ExitCode;
                    Console.Error.WriteLine($"launcher: rank {ranks.IndexOf(finished)} exited with code {finished.ExitCode}; stopping the other ranks.");
                    foreach (var other in running) Stop(other);
                }
            }
            return exitCode;
        }
        finally
        {
            foreach (var p in ranks)
            {
                Stop(p);
                p.Dispose();
            }
        }
    }

    private static Process Start(string[] args, int rank, int count, int port)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = rank > 0, RedirectStandardError = rank > 0 };
        // Under `dotnet MLNetGan.Samples.dll` the program is the dll; as an app host it is the executable itself.
        var host = Environment.ProcessPath ?? "dotnet";
        info.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(LocalLauncher).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["MASTER_ADDR"] = "127.0.0.1";
        info.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["WORLD_SIZE"] = count.ToString(CultureInfo.InvariantCulture);
        info.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        info.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        info.Environment["LOCAL_WORLD_SIZE"] = count.ToString(CultureInfo.InvariantCulture);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start rank {rank} ({host}).");
        if (rank > 0)
        {
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"[rank {rank}] {e.Data}"); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[rank {rank}] {e.Data}"); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return process;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited meanwhile
        }
    }

    /// <summary>A TCP port free on the loopback interface now (for a rendezvous).</summary>
    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>This process's place in a torch.distributed launch, read from the standard environment.</summary>
internal static class LaunchEnvironment
{
    /// <summary><c>RANK</c>, or 0 when the program runs alone.</summary>
    public static int Rank => int.TryParse(Environment.GetEnvironmentVariable("RANK"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;

    /// <summary><c>WORLD_SIZE</c>, or 1 when the program runs alone.</summary>
    public static int WorldSize => int.TryParse(Environment.GetEnvironmentVariable("WORLD_SIZE"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? w : 1;

    /// <summary>Whether this process writes the outputs (rank 0, or a process running alone).</summary>
    public static bool IsMain => Rank == 0;
}
