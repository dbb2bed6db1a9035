using System.Runtime.InteropServices;

namespace Microsoft.ML.Data;

/// <summary>
/// JPEG through Debian's libjpeg-turbo (<c>libturbojpeg.so.0</c>, package <c>libturbojpeg0</c>), loaded on first use
/// with a clear error where it is missing. Its C API reports errors by status, so no native exception crosses.
/// </summary>
internal static class JpegCodec
{
    private const string Library = "libturbojpeg.so.0";
    private const int PixelFormatRgba = 7;   // TJPF_RGBA
    private const int Subsampling420 = 2;    // TJSAMP_420
    private const int FlagAccurateDct = 4096; // TJFLAG_ACCURATEDCT
    private const long MaxPixels = 1L << 28;
    private const long MaxPixelsPerByte = 4096;

    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static DecodedImage Decode(byte[] data)
    {
        var api = Native.Value;
        var handle = api.InitDecompress();
        if (handle == IntPtr.Zero) throw new InvalidDataException("libturbojpeg could not create a decompressor.");
        try
        {
            if (api.DecompressHeader3(handle, data, (nuint)data.Length, out var width, out var height, out _, out _) != 0)
            {
                throw new InvalidDataException($"Corrupt JPEG header: {api.Error(handle)}");
            }
            if (width <= 0 || height <= 0 || (long)width * height > MaxPixels) throw new InvalidDataException($"JPEG size {width}x{height} is out of range.");
            // Even a one-color baseline JPEG spends a few bits per 8x8 block (about 85 pixels per byte; progressive
            // files a few times more): a header declaring far more pixels than its data can encode is refused before
            // the pixel buffer is allocated.
            if ((long)width * height > MaxPixelsPerByte * data.Length)
            {
                throw new InvalidDataException($"JPEG declares {width}x{height} pixels, more than its {data.Length} bytes of data can encode.");
            }
            var rgba = new byte[checked(width * height * 4)];
            if (api.Decompress2(handle, data, (nuint)data.Length, rgba, width, width * 4, height, PixelFormatRgba, FlagAccurateDct) != 0)
            {
                throw new InvalidDataException($"Corrupt JPEG data: {api.Error(handle)}");
            }
            return new DecodedImage(width, height, rgba);
        }
        finally
        {
            api.Destroy(handle);
        }
    }

    /// <summary>Encodes RGBA pixels as a baseline JPEG (4:2:0) of the given quality (1-100); alpha is dropped.</summary>
    public static byte[] Encode(MLImage image, int quality)
    {
        var api = Native.Value;
        var handle = api.InitCompress();
        if (handle == IntPtr.Zero) throw new InvalidOperationException("libturbojpeg could not create a compressor.");
        var rgba = new byte[image.Width * image.Height * 4];
        for (var i = 0; i < image.Width * image.Height; i++)
        {
            var (r, g, b, a) = image.Pixel(i);
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (r, g, b, a);
        }
        var output = IntPtr.Zero;
        try
        {
            nuint size = 0;
            if (api.Compress2(handle, rgba, image.Width, image.Width * 4, image.Height, PixelFormatRgba, ref output, ref size, Subsampling420, quality, FlagAccurateDct) != 0)
            {
                throw new InvalidOperationException($"JPEG encoding failed: {api.Error(handle)}");
            }
            var bytes = new byte[(int)size];
            Marshal.Copy(output, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            if (output != IntPtr.Zero) api.Free(output);
            api.Destroy(handle);
        }
    }

    private static readonly Lazy<TurboJpeg> Native = new(TurboJpeg.Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The few TurboJPEG 2.x entry points we call, bound at run time so a missing library is an error only when JPEG is used.</summary>
    private sealed unsafe class TurboJpeg
    {
        private delegate* unmanaged<IntPtr> initDecompress, initCompress;
        private delegate* unmanaged<IntPtr, byte*, nuint, int*, int*, int*, int*, int> decompressHeader3;
        private delegate* unmanaged<IntPtr, byte*, nuint, byte*, int, int, int, int, int, int> decompress2;
        private delegate* unmanaged<IntPtr, byte*, int, int, int, int, IntPtr*, nuint*, int, int, int, int> compress2;
        private delegate* unmanaged<IntPtr, int> destroy;
        private delegate* unmanaged<IntPtr, void> free;
        private delegate* unmanaged<IntPtr, IntPtr> getErrorStr2;

        public static TurboJpeg Load()
        {
            if (!NativeLibrary.TryLoad(Library, typeof(JpegCodec).Assembly, null, out var library))
            {
                throw new DllNotFoundException($"Reading or writing JPEG needs libjpeg-turbo's {Library}, which was not found. " +
                                               "On Debian or Ubuntu: sudo apt-get install libturbojpeg0 (scripts/setup.sh installs it).");
            }
            IntPtr Export(string name) => NativeLibrary.TryGetExport(library, name, out var address) ? address
                : throw new EntryPointNotFoundException($"{Library} has no '{name}': libjpeg-turbo 2.0 or later is needed.");
            return new TurboJpeg
            {
                initDecompress = (delegate* unmanaged<IntPtr>)Export("tjInitDecompress"),
                initCompress = (delegate* unmanaged<IntPtr>)Export("tjInitCompress"),
                decompressHeader3 = (delegate* unmanaged<IntPtr, byte*, nuint, int*, int*, int*, int*, int>)Export("tjDecompressHeader3"),
                decompress2 = (delegate* unmanaged<IntPtr, byte*, nuint, byte*, int, int, int, int, int, int>)Export("tjDecompress2"),
                compress2 = (delegate* unmanaged<IntPtr, byte*, int, int, int, int, IntPtr*, nuint*, int, int, int, int>)Export("tjCompress2"),
                destroy = (delegate* unmanaged<IntPtr, int>)Export("tjDestroy"),
                free = (delegate* unmanaged<IntPtr, void>)Export("tjFree"),
                getErrorStr2 = (delegate* unmanaged<IntPtr, IntPtr>)Export("tjGetErrorStr2"),
            };
        }

        public IntPtr InitDecompress() => initDecompress();
        public IntPtr InitCompress() => initCompress();
        public void Destroy(IntPtr handle) => destroy(handle);
        public void Free(IntPtr buffer) => free(buffer);
        public string Error(IntPtr handle) => Marshal.PtrToStringUTF8(getErrorStr2(handle)) ?? "unknown error";

        public int DecompressHeader3(IntPtr handle, byte[] jpeg, nuint size, out int width, out int height, out int subsampling, out int colorspace)
        {
            int w, h, s, c;
            int status;
            fixed (byte* source = jpeg) status = decompressHeader3(handle, source, size, &w, &h, &s, &c);
            (width, height, subsampling, colorspace) = (w, h, s, c);
            return status;
        }

        public int Decompress2(IntPtr handle, byte[] jpeg, nuint size, byte[] destination, int width, int pitch, int height, int format, int flags)
        {
            fixed (byte* source = jpeg)
            fixed (byte* target = destination)
            {
                return decompress2(handle, source, size, target, width, pitch, height, format, flags);
            }
        }

        public int Compress2(IntPtr handle, byte[] pixels, int width, int pitch, int height, int format, ref IntPtr jpeg, ref nuint size, int subsampling, int quality, int flags)
        {
            IntPtr buffer = jpeg;
            nuint length = size;
            int status;
            fixed (byte* source = pixels) status = compress2(handle, source, width, pitch, height, format, &buffer, &length, subsampling, quality, flags);
            (jpeg, size) = (buffer, length);
            return status;
        }
    }
}
