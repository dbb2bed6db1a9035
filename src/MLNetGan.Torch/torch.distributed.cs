#pragma warning disable CS8981 // 'distributed' is lower-case on purpose: code reads like PyTorch's torch.distributed.
using System.Globalization;
using System.Runtime.InteropServices;
using MLNetGan.Torch.Interop;
using N = MLNetGan.Torch.Interop.NativeMethods;

namespace MLNetGan.Torch;

public static unsafe partial class torch
{
    /// <summary>
    /// Collective communication between processes, shaped like PyTorch's <c>torch.distributed</c> and running on the
    /// same engine (c10d's Gloo process group, CPU tensors). One default process group per process: launch N copies of
    /// a program with the standard environment (<c>MASTER_ADDR</c>, <c>MASTER_PORT</c>, <c>WORLD_SIZE</c>, <c>RANK</c>),
    /// as <c>torchrun</c> or a Kubernetes PyTorchJob do, and call <see cref="init_process_group"/> in each.
    /// </summary>
    public static class distributed
    {
        private static readonly object gate = new();
        private static ProcessGroupGloo? defaultGroup;

        /// <summary>Reductions for <see cref="all_reduce"/>.</summary>
        public enum ReduceOp
        {
            /// <summary>Element-wise sum over the ranks.</summary>
            SUM = 0,
            /// <summary>Element-wise mean over the ranks (sum divided by the world size).</summary>
            AVG = 1,
            /// <summary>Element-wise minimum.</summary>
            MIN = 2,
            /// <summary>Element-wise maximum.</summary>
            MAX = 3,
            /// <summary>Element-wise product.</summary>
            PRODUCT = 4,
        }

        /// <summary>The rendezvous timeout PyTorch uses by default (30 minutes).</summary>
        public static readonly TimeSpan default_pg_timeout = TimeSpan.FromMinutes(30);

        /// <summary>Always true: this build has the Gloo backend.</summary>
        public static bool is_available() => true;

        /// <summary>Whether <see cref="init_process_group"/> has run (and <see cref="destroy_process_group"/> has not).</summary>
        public static bool is_initialized()
        {
            lock (gate) return defaultGroup is not null;
        }

        /// <summary>
        /// Joins the default process group: blocks until all <paramref name="world_size"/> ranks have arrived (rank 0 hosts
        /// the rendezvous) or <paramref name="timeout"/> passes.
        /// </summary>
        /// <param name="backend">"gloo" (the only backend of this build).</param>
        /// <param name="init_method">"env://" (default: <c>MASTER_ADDR</c> and <c>MASTER_PORT</c> from the environment) or "tcp://host:port".</param>
        /// <param name="timeout">Limit for the rendezvous and for every collective; default 30 minutes, as in PyTorch.</param>
        /// <param name="world_size">Number of processes; -1 reads <c>WORLD_SIZE</c>.</param>
        /// <param name="rank">This process's rank in [0, world_size); -1 reads <c>RANK</c>.</param>
        /// <exception cref="InvalidOperationException">Already initialized, or a needed environment variable is missing or malformed (named).</exception>
        /// <exception cref="TorchException">The rendezvous failed or timed out.</exception>
        public static void init_process_group(string backend = "gloo", string? init_method = null, TimeSpan? timeout = null, int world_size = -1, int rank = -1)
        {
            if (!string.Equals(backend, "gloo", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Backend '{backend}' is not available; this build has 'gloo' (CPU tensors).", nameof(backend));
            }
            var (address, port) = Rendezvous(init_method ?? "env://");
            if (world_size == -1) world_size = EnvironmentInt("WORLD_SIZE");
            if (rank == -1) rank = EnvironmentInt("RANK");
            var limit = timeout ?? default_pg_timeout;
            if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
            lock (gate)
            {
                if (defaultGroup is not null) throw new InvalidOperationException("The default process group is already initialized; call destroy_process_group first.");
                defaultGroup = new ProcessGroupGloo(address, port, rank, world_size, limit);
            }
        }

        /// <summary>This process's rank in <paramref name="group"/> (default: the default group).</summary>
        public static int get_rank(ProcessGroupGloo? group = null) => Resolve(group).Rank;

        /// <summary>The number of processes in <paramref name="group"/> (default: the default group).</summary>
        public static int get_world_size(ProcessGroupGloo? group = null) => Resolve(group).WorldSize;

        /// <summary>Reduces <paramref name="tensor"/> over all ranks, in place; every rank ends with the result.</summary>
        public static void all_reduce(Tensor tensor, ReduceOp op = ReduceOp.SUM, ProcessGroupGloo? group = null) => all_reduce_coalesced(new[] { tensor }, op, group);

        /// <summary>
        /// Reduces several tensors of one dtype in a single message (they travel as one flat buffer, as DDP's gradient
        /// buckets do), in place.
        /// </summary>
        public static void all_reduce_coalesced(IReadOnlyList<Tensor> tensors, ReduceOp op = ReduceOp.SUM, ProcessGroupGloo? group = null)
        {
            if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op));
            OnTensors(Resolve(group), tensors, (g, p, n) => N.mng_dist_all_reduce(g, p, n, (int)op));
        }

        /// <summary>Copies <paramref name="tensor"/> from rank <paramref name="src"/> into the same tensor on every other rank.</summary>
        public static void broadcast(Tensor tensor, int src, ProcessGroupGloo? group = null) => broadcast_coalesced(new[] { tensor }, src, group);

        /// <summary>Broadcasts several tensors of one dtype from rank <paramref name="src"/> in a single message.</summary>
        public static void broadcast_coalesced(IReadOnlyList<Tensor> tensors, int src, ProcessGroupGloo? group = null) =>
            OnTensors(Resolve(group), tensors, (g, p, n) => N.mng_dist_broadcast(g, p, n, src));

        /// <summary>Fills <paramref name="tensor_list"/> (cleared first) with every rank's <paramref name="tensor"/>, in rank order.</summary>
        public static void all_gather(IList<Tensor> tensor_list, Tensor tensor, ProcessGroupGloo? group = null)
        {
            ArgumentNullException.ThrowIfNull(tensor_list);
            using var gathered = all_gather_into_tensor(tensor, group);
            tensor_list.Clear();
            for (var r = 0; r < gathered.size(0); r++) tensor_list.Add(gathered.select(0, r).clone());
        }

        /// <summary>Every rank's <paramref name="tensor"/> stacked along a new first dimension, in rank order.</summary>
        public static Tensor all_gather_into_tensor(Tensor tensor, ProcessGroupGloo? group = null)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            return Tensor.FromStatus(N.mng_dist_all_gather(Resolve(group).Handle, tensor.Handle, out var r), r);
        }

        /// <summary>Blocks until every rank has reached the barrier.</summary>
        public static void barrier(ProcessGroupGloo? group = null) => TorchException.Check(N.mng_dist_barrier(Resolve(group).Handle));

        /// <summary>Leaves the default group and frees it (its connections close, so the other ranks' next collective fails).</summary>
        public static void destroy_process_group()
        {
            lock (gate)
            {
                defaultGroup?.Dispose();
                defaultGroup = null;
            }
        }

        private delegate int Collective(ProcessGroupHandle group, IntPtr* tensors, int count);

        private static void OnTensors(ProcessGroupGloo group, IReadOnlyList<Tensor> tensors, Collective collective)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            var g = group.Handle;
            var pointers = Tensor.AddRefAll(tensors, out var added);
            try
            {
                fixed (IntPtr* p = pointers) TorchException.Check(collective(g, p, pointers.Length));
            }
            finally
            {
                Tensor.ReleaseAll(tensors, added);
            }
        }

        private static ProcessGroupGloo Resolve(ProcessGroupGloo? group)
        {
            if (group is not null) return group;
            lock (gate) return defaultGroup ?? throw NotInitialized();
        }

        private static InvalidOperationException NotInitialized() =>
            new("torch.distributed is not initialized: call torch.distributed.init_process_group() first.");

        private static (string Address, int Port) Rendezvous(string initMethod)
        {
            if (initMethod == "env://") return (EnvironmentText("MASTER_ADDR"), EnvironmentInt("MASTER_PORT"));
            if (initMethod.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(initMethod, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                return (uri.Host, uri.Port);
            }
            throw new ArgumentException($"init_method '{initMethod}' is not supported: use \"env://\" or \"tcp://host:port\".", "init_method");
        }

        private static string EnvironmentText(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value)
                ? throw new InvalidOperationException($"Error initializing torch.distributed using env:// rendezvous: environment variable {name} expected, but not set.")
                : value;
        }

        private static int EnvironmentInt(string name)
        {
            var text = EnvironmentText(name);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"Environment variable {name} is '{text}', not an integer.");
        }

        /// <summary>
        /// A c10d Gloo process group of its own (PyTorch: <c>torch.distributed.ProcessGroupGloo</c>): rank 0 hosts a
        /// TCPStore rendezvous at <c>masterAddress:masterPort</c> and the constructor returns once all ranks have joined.
        /// Pass it as the <c>group</c> argument of the collectives; <see cref="init_process_group"/> makes the
        /// default one. Collectives fail with a <see cref="TorchException"/> when a rank is lost or the timeout passes.
        /// </summary>
        public sealed class ProcessGroupGloo : IDisposable
        {
            /// <summary>Joins (rank 0: hosts) the rendezvous and builds the group.</summary>
            /// <exception cref="TorchException">The rendezvous failed or timed out; invalid rank, size or port.</exception>
            public ProcessGroupGloo(string masterAddress, int masterPort, int rank, int worldSize, TimeSpan timeout)
            {
                ArgumentException.ThrowIfNullOrEmpty(masterAddress);
                if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
                var text = Marshal.StringToCoTaskMemUTF8(masterAddress);
                try
                {
                    TorchException.Check(N.mng_dist_init(text, masterPort, rank, worldSize, (long)Math.Ceiling(timeout.TotalMilliseconds), out var handle));
                    Handle = new ProcessGroupHandle(handle);
                }
                finally
                {
                    Marshal.FreeCoTaskMem(text);
                }
                Rank = rank;
                WorldSize = worldSize;
                Timeout = timeout;
            }

            /// <summary>This process's rank.</summary>
            public int Rank { get; }

            /// <summary>The number of ranks.</summary>
            public int WorldSize { get; }

            /// <summary>Limit for every collective.</summary>
            public TimeSpan Timeout { get; }

            internal ProcessGroupHandle Handle { get; }

            /// <summary>Closes this rank's connections; the other ranks' next collective fails.</summary>
            public void Dispose() => Handle.Dispose();
        }
    }
}
