using System.Diagnostics;
using Microsoft.ML.Transforms.Image;

namespace MLNetGan.ML.Core.Tests;

/// <summary>JPEG (libjpeg-turbo) and BMP (ours) in MLImage and LoadImages, checked against Debian's python3-PIL.</summary>
public sealed class JpegBmpTests
{
    /// <summary>Runs a Python snippet with PIL (scripts/setup.sh installs python3-pil) and returns its output.</summary>
    private static string Pil(string script, params string[] arguments)
    {
        File.Exists("/usr/bin/python3").Should().BeTrue("the cross-checks need Debian's python3 and python3-pil (run scripts/setup.sh)");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys\nfrom PIL import Image\n" + script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"PIL must succeed (python3-pil is installed by scripts/setup.sh): {errors.Result}");
        return output.Trim();
    }

    /// <summary>PIL's decoding of a file as "r,g,b,a;r,g,b,a;..." in row-major order.</summary>
    private static string PilPixels(string path) =>
        Pil("im = Image.open(sys.argv[1]).convert('RGBA')\nprint(';'.join(','.join(map(str, p)) for p in im.getdata()))", path);

    private static string OurPixels(MLImage image) =>
        string.Join(';', Enumerable.Range(0, image.Width * image.Height).Select(i => image.Pixel(i)).Select(p => $"{p.R},{p.G},{p.B},{p.A}"));

    private static MLImage Photo(int width, int height)
    {
        // Smooth color gradients with a sharp edge: the kind of content JPEG is made for, and an edge to blur.
        var pixels = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 4;
                (pixels[o], pixels[o + 1], pixels[o + 2], pixels[o + 3]) = ((byte)(x * 255 / (width - 1)), (byte)(y * 255 / (height - 1)), (byte)(x < width / 2 ? 40 : 200), 255);
            }
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, pixels);
    }

    [Fact]
    public void Jpeg_files_decode_exactly_as_PIL_decodes_them_and_our_encoding_is_close_to_the_original()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-jpeg-");
        try
        {
            var pilJpeg = Path.Combine(folder.FullName, "pil.jpg");
            Pil("im = Image.new('RGB', (20, 12))\nim.putdata([((x * 13) % 256, (y * 21) % 256, (x * y) % 256) for y in range(12) for x in range(20)])\nim.save(sys.argv[1], quality=90)", pilJpeg);
            using (var decoded = MLImage.CreateFromFile(pilJpeg))
            {
                (decoded.Width, decoded.Height).Should().Be((20, 12));
                OurPixels(decoded).Should().Be(PilPixels(pilJpeg), "both decode with libjpeg-turbo's accurate DCT and fancy upsampling");
            }

            using var photo = Photo(32, 16);
            var ours = Path.Combine(folder.FullName, "ours.jpeg");
            photo.Save(ours);
            using var back = MLImage.CreateFromFile(ours);
            OurPixels(back).Should().Be(PilPixels(ours), "PIL reads our JPEG as we do");
            var largest = Enumerable.Range(0, 32 * 16).Max(i => Math.Max(Math.Abs(back.Pixel(i).R - photo.Pixel(i).R), Math.Abs(back.Pixel(i).G - photo.Pixel(i).G)));
            largest.Should().BeLessThan(24, "quality 95 keeps smooth gradients within a few levels (the edge rings most)");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("RGB")]   // 24-bit
    [InlineData("P")]     // 8-bit palette
    [InlineData("1")]     // 1-bit palette
    [InlineData("RGBA")]  // 32-bit with bit fields and alpha
    public void Bmp_files_PIL_writes_decode_as_PIL_decodes_them(string mode)
    {
        var path = ViewReader.TempFile(".bmp");
        try
        {
            Pil("mode = sys.argv[2]\nim = Image.new('RGBA', (13, 5))\nim.putdata([((x * 19) % 256, (y * 50) % 256, (x * y * 7) % 256, 255 if mode != 'RGBA' else (x * 20) % 256) for y in range(5) for x in range(13)])\n" +
                "im = im if mode == 'RGBA' else im.convert('RGB').convert(mode) if mode != 'RGB' else im.convert('RGB')\nim.save(sys.argv[1])", path, mode);
            using var image = MLImage.CreateFromFile(path);
            (image.Width, image.Height).Should().Be((13, 5));
            OurPixels(image).Should().Be(PilPixels(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Our_bmp_keeps_every_pixel_and_alpha_and_PIL_reads_it_the_same()
    {
        var path = ViewReader.TempFile(".bmp");
        try
        {
            var pixels = Enumerable.Range(0, 7 * 3 * 4).Select(i => (byte)(i * 37 % 256)).ToArray();
            using var image = MLImage.CreateFromPixels(7, 3, MLPixelFormat.Rgba32, pixels);
            image.Save(path);
            using var back = MLImage.CreateFromFile(path);
            back.Pixels.ToArray().Should().Equal(pixels);
            PilPixels(path).Should().Be(OurPixels(image));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadImages_reads_jpeg_and_bmp_files_and_bad_files_are_named_errors()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-formats-");
        try
        {
            using (var photo = Photo(32, 32))
            {
                photo.Save(Path.Combine(folder.FullName, "a.jpg"));
                photo.Save(Path.Combine(folder.FullName, "b.bmp"));
            }
            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(new[] { new ImagePath { Path = "a.jpg" }, new ImagePath { Path = "b.bmp" } });
            var pixels = ml.Transforms.LoadImages("Image", folder.FullName, "Path")
                .Append(ml.Transforms.ResizeImages("Image", 32, 32))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
                .Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToList();
            pixels.Should().HaveCount(2).And.OnlyContain(p => p.Length == 3 * 32 * 32);
            // On average within a few levels of the lossless BMP; 4:2:0 chroma blurs the one sharp edge most.
            pixels[0].Zip(pixels[1]).Average(p => Math.Abs(p.First - p.Second)).Should().BeLessThan(6);

            File.WriteAllBytes(Path.Combine(folder.FullName, "broken.jpg"), new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3 });
            var broken = () => MLImage.CreateFromFile(Path.Combine(folder.FullName, "broken.jpg"));
            broken.Should().Throw<InvalidDataException>().WithMessage("*JPEG*");

            // A valid JPEG whose header is patched to declare 16000x16000 pixels: refused before 1 GB is allocated.
            var huge = File.ReadAllBytes(Path.Combine(folder.FullName, "a.jpg"));
            var frame = Enumerable.Range(0, huge.Length - 1).First(i => huge[i] == 0xFF && huge[i + 1] is 0xC0 or 0xC2);
            huge[frame + 5] = huge[frame + 7] = 0x3E;
            huge[frame + 6] = huge[frame + 8] = 0x80;
            File.WriteAllBytes(Path.Combine(folder.FullName, "huge.jpg"), huge);
            var tooLarge = () => MLImage.CreateFromFile(Path.Combine(folder.FullName, "huge.jpg"));
            tooLarge.Should().Throw<InvalidDataException>().WithMessage("*16000x16000 pixels, more than its * bytes*");

            var rle = new byte[14 + 40 + 8];
            rle[0] = (byte)'B';
            rle[1] = (byte)'M';
            BitConverter.GetBytes(14 + 40).CopyTo(rle, 10);
            BitConverter.GetBytes(40).CopyTo(rle, 14);
            BitConverter.GetBytes(2).CopyTo(rle, 18);
            BitConverter.GetBytes(2).CopyTo(rle, 22);
            BitConverter.GetBytes((short)8).CopyTo(rle, 28);
            BitConverter.GetBytes(1).CopyTo(rle, 30); // BI_RLE8
            File.WriteAllBytes(Path.Combine(folder.FullName, "rle.bmp"), rle);
            var compressed = () => MLImage.CreateFromFile(Path.Combine(folder.FullName, "rle.bmp"));
            compressed.Should().Throw<InvalidDataException>().WithMessage("*run-length*");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class ImagePath
    {
        public string Path { get; set; } = "";
    }
}
