using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MLNetGan.Torch.Interop;

/// <summary>
/// Finds the native shim: the path in <c>MLNETGAN_TORCH_NATIVE</c> when set, else the copy next to
/// this assembly (the build puts it there), else the operating system's search path.
/// </summary>
internal static class NativeLibraryResolver
{
    internal const string PathVariable = "MLNETGAN_TORCH_NATIVE";
    private const string FileName = "libmlnetgan_torch.so";

    // A module initializer guarantees the resolver is in place before the first P/Invoke,
    // whichever public entry point the user touches first.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library) return IntPtr.Zero;

        var overridePath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(overridePath))
        {
            if (!File.Exists(overridePath))
            {
                throw new DllNotFoundException($"{PathVariable} points to '{overridePath}', which does not exist.");
            }
            return NativeLibrary.Load(overridePath);
        }

        var besideAssembly = Path.Combine(Path.GetDirectoryName(assembly.Location) ?? AppContext.BaseDirectory, FileName);
        if (File.Exists(besideAssembly)) return NativeLibrary.Load(besideAssembly);

        if (NativeLibrary.TryLoad(FileName, assembly, searchPath, out var handle)) return handle;
        throw new DllNotFoundException(
            $"The MLNetGan native shim ({FileName}) was not found next to {assembly.GetName().Name}.dll or on the library path. " +
            $"Build it with native/build.sh (needs Debian's libtorch-dev) or set {PathVariable} to its path.");
    }
}
