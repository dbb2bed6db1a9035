using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using MLNetGan.Torch.Interop;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// The C ABI has one source of truth, native/include/mlnetgan_torch.h (the shim includes it, so the C++
/// compiler checks every definition against it). These tests hold the C# side to the same header: the
/// same functions, the same parameter types, and every one exported by the built library.
/// </summary>
public sealed partial class AbiTests
{
    private sealed record Declaration(string Name, string Return, string[] Parameters);

    private static string HeaderPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "native", "include", "mlnetgan_torch.h");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("native/include/mlnetgan_torch.h not found above the test folder.");
    }

    private static IReadOnlyList<Declaration> Header()
    {
        var text = File.ReadAllText(HeaderPath());
        return DeclarationPattern().Matches(text).Select(m => new Declaration(m.Groups["name"].Value, m.Groups["ret"].Value.Trim(),
            m.Groups["params"].Value.Trim() is "void" or "" ? Array.Empty<string>()
                : m.Groups["params"].Value.Split(',').Select(p => ParameterType(p.Trim())).ToArray())).ToList();
    }

    // "const int64_t* shape" -> "const int64_t*"; the name is the last identifier.
    private static string ParameterType(string parameter) => Regex.Replace(parameter, @"\s*\b\w+$", "").Trim();

    [GeneratedRegex(@"^(?<ret>[\w\s\*]+?)\s*\b(?<name>mng_\w+)\((?<params>[^)]*)\);", RegexOptions.Multiline)]
    private static partial Regex DeclarationPattern();

    private static Dictionary<string, MethodInfo> CSharp() => typeof(NativeMethods)
        .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        .Where(m => m.GetCustomAttribute<DllImportAttribute>() is not null)
        .ToDictionary(m => m.GetCustomAttribute<DllImportAttribute>()!.EntryPoint ?? m.Name);

    [Fact]
    public void CSharp_declares_exactly_the_header_functions()
    {
        var header = Header().Select(d => d.Name).ToHashSet();
        header.Count.Should().BeGreaterThan(100, "the header declares the whole ABI");
        var csharp = CSharp().Keys.ToHashSet();
        csharp.Except(header).Should().BeEmpty("every C# import must be declared in mlnetgan_torch.h");
        header.Except(csharp).Should().BeEmpty("every header function must be bound in NativeMethods.cs");
    }

    [Fact]
    public void CSharp_parameter_and_return_types_match_the_header()
    {
        var csharp = CSharp();
        var mismatches = new List<string>();
        foreach (var d in Header())
        {
            var method = csharp[d.Name];
            var parameters = method.GetParameters();
            if (parameters.Length != d.Parameters.Length)
            {
                mismatches.Add($"{d.Name}: {d.Parameters.Length} parameters in C, {parameters.Length} in C#");
                continue;
            }
            if (!Matches(d.Return, method.ReturnType)) mismatches.Add($"{d.Name}: returns {d.Return} in C, {method.ReturnType.Name} in C#");
            for (var i = 0; i < parameters.Length; i++)
            {
                if (!Matches(d.Parameters[i], parameters[i].ParameterType))
                {
                    mismatches.Add($"{d.Name} parameter {i} ({parameters[i].Name}): {d.Parameters[i]} in C, {parameters[i].ParameterType.Name} in C#");
                }
            }
        }
        mismatches.Should().BeEmpty();
    }

    [Fact]
    public void The_library_exports_every_header_function()
    {
        var library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "libmlnetgan_torch.so"));
        Header().Where(d => !NativeLibrary.TryGetExport(library, d.Name, out _)).Select(d => d.Name).Should().BeEmpty();
    }

    /// <summary>Whether a C# marshalled type carries the C type (handles as SafeHandles or raw pointers; outputs as pointers or out/ref).</summary>
    private static bool Matches(string cType, Type type)
    {
        var c = cType.Replace("const ", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (c.EndsWith('*') && c != "char*" && c != "void*")
        {
            var pointee = c[..^1];
            var element = type.IsByRef || type.IsPointer ? type.GetElementType()! : null;
            // A list of handles travels as IntPtr*; one output handle as out IntPtr.
            return element is not null && Matches(pointee, element);
        }
        return c switch
        {
            "int" => type == typeof(int),
            "int64_t" => type == typeof(long),
            "uint64_t" => type == typeof(ulong),
            "double" => type == typeof(double),
            "void" => type == typeof(void),
            "void*" => type == typeof(void*),
            "char*" => type == typeof(IntPtr),
            "mng_tensor" => type == typeof(IntPtr) || type == typeof(TensorHandle),
            "mng_generator" => type == typeof(IntPtr) || type == typeof(GeneratorHandle),
            "mng_guard" => type == typeof(IntPtr),
            "mng_process_group" => type == typeof(IntPtr) || type == typeof(ProcessGroupHandle),
            _ => false,
        };
    }
}
