using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.ML.Transforms.Image;

namespace MLNetGan.ML.Core.Tests;

public sealed class ImageTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static IEnumerable<object[]> SupportedFixtures()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("png_fixtures.json")));
        foreach (var c in doc.RootElement.GetProperty("supported").EnumerateArray()) yield return new object[] { c.GetProperty("file").GetString()! };
    }

    [Theory]
    [MemberData(nameof(SupportedFixtures))]
    public void Decodes_every_supported_png_kind_like_PIL(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("png_fixtures.json")));
        var expected = doc.RootElement.GetProperty("supported").EnumerateArray().Single(c => c.GetProperty("file").GetString() == file);
        using var image = MLImage.CreateFromFile(Fixture(file));
        image.Width.Should().Be(expected.GetProperty("width").GetInt32());
        image.Height.Should().Be(expected.GetProperty("height").GetInt32());
        var rgba = Enumerable.Range(0, image.Width * image.Height).SelectMany(i =>
        {
            var (r, g, b, a) = image.Pixel(i);
            return new[] { r, g, b, a };
        }).ToArray();
        rgba.Should().Equal(expected.GetProperty("rgba").EnumerateArray().Select(e => (byte)e.GetInt32()));
    }

    [Fact]
    public void Sixteen_bit_png_is_rejected_clearly()
    {
        var act = () => MLImage.CreateFromFile(Fixture("gray16.png"));
        act.Should().Throw<InvalidDataException>().WithMessage("*16-bit PNG is not supported*");
    }

    private static byte[] WithHeaderByte(byte[] png, int offsetInHeader, byte value)
    {
        var copy = (byte[])png.Clone();
        copy[16 + offsetInHeader] = value; // IHDR data starts after signature (8), length (4), type (4)
        var crc = Crc(copy.AsSpan(12, 17));
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), crc);
        return copy;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c ^= b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    [Fact]
    public void Interlaced_corrupt_and_truncated_pngs_are_rejected_clearly()
    {
        var png = File.ReadAllBytes(Fixture("rgb8.png"));
        var interlaced = () => MLImage.CreateFromStream(new MemoryStream(WithHeaderByte(png, 12, 1)));
        interlaced.Should().Throw<InvalidDataException>().WithMessage("*Interlaced*not supported*");

        var corrupt = (byte[])png.Clone();
        corrupt[20] ^= 0xFF;
        var badCrc = () => MLImage.CreateFromStream(new MemoryStream(corrupt));
        badCrc.Should().Throw<InvalidDataException>().WithMessage("*bad CRC*");

        var truncated = () => MLImage.CreateFromStream(new MemoryStream(png[..^20]));
        truncated.Should().Throw<InvalidDataException>().WithMessage("*truncated*");

        var notAnImage = () => MLImage.CreateFromStream(new MemoryStream(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }));
        notAnImage.Should().Throw<InvalidDataException>().WithMessage("*PNG, JPEG, BMP, PGM*");
    }

    private static MLImage Gradient(int width, int height, bool gray, bool alpha)
    {
        var pixels = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
        {
            pixels[4 * i] = (byte)(i * 7);
            pixels[4 * i + 1] = gray ? (byte)(i * 7) : (byte)(255 - i);
            pixels[4 * i + 2] = gray ? (byte)(i * 7) : (byte)(i * 3);
            pixels[4 * i + 3] = alpha ? (byte)(i * 11) : (byte)255;
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, pixels);
    }

    [Theory]
    [InlineData(true, false, ".png")]
    [InlineData(false, false, ".png")]
    [InlineData(false, true, ".png")]
    [InlineData(true, false, ".pgm")]
    [InlineData(false, false, ".ppm")]
    public void Encode_then_decode_is_lossless(bool gray, bool alpha, string extension)
    {
        using var image = Gradient(17, 9, gray, alpha);
        var path = ViewReader.TempFile(extension);
        try
        {
            image.Save(path);
            using var back = MLImage.CreateFromFile(path);
            back.Width.Should().Be(17);
            back.Height.Should().Be(9);
            back.Pixels.ToArray().Should().Equal(image.Pixels.ToArray());
            if (extension == ".png")
            {
                var colorType = File.ReadAllBytes(path)[25];
                colorType.Should().Be((byte)(gray ? 0 : alpha ? 6 : 2), "the smallest lossless PNG color type is chosen");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PIL_reads_what_we_write()
    {
        // Independent check of the encoder with Debian's python3-PIL, which scripts/setup.sh installs.
        File.Exists("/usr/bin/python3").Should().BeTrue("the PNG cross-check needs Debian's python3 and python3-pil (run scripts/setup.sh)");
        using var image = Gradient(6, 4, gray: false, alpha: true);
        var path = ViewReader.TempFile(".png");
        try
        {
            image.Save(path);
            var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", new[] { "-c", "import sys; from PIL import Image; im = Image.open(sys.argv[1]); print(im.mode, list(im.getdata())[5])", path })
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            process.ExitCode.Should().Be(0, $"PIL must read the file (python3-pil is installed by scripts/setup.sh): {errors}");
            var (r, g, b, a) = image.Pixel(5);
            output.Should().Be($"RGBA ({r}, {g}, {b}, {a})");
        }
        finally
        {
            File.Delete(path);
        }
    }

    public class ImagePath
    {
        public string Path { get; set; } = "";
    }

    [Fact]
    public void Load_resize_grayscale_extract_produces_the_expected_vector()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-images-");
        try
        {
            // A 4x2 image: left half white, right half black.
            var pixels = new byte[4 * 2 * 4];
            for (var y = 0; y < 2; y++)
            {
                for (var x = 0; x < 4; x++)
                {
                    var o = (y * 4 + x) * 4;
                    var v = x < 2 ? (byte)255 : (byte)0;
                    pixels[o] = v;
                    pixels[o + 1] = v;
                    pixels[o + 2] = v;
                    pixels[o + 3] = 255;
                }
            }
            MLImage.CreateFromPixels(4, 2, MLPixelFormat.Rgba32, pixels).Save(Path.Combine(folder.FullName, "half.png"));

            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(new[] { new ImagePath { Path = "half.png" } });
            var pipeline = ml.Transforms.LoadImages("Image", folder.FullName, "Path")
                .Append(ml.Transforms.ResizeImages("Small", imageWidth: 2, imageHeight: 1, inputColumnName: "Image", resizing: ImageResizingEstimator.ResizingKind.Fill))
                .Append(ml.Transforms.ConvertToGrayscale("Gray", "Small"))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Gray", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1 / 255f));
            var transformed = pipeline.Fit(data).Transform(data);
            transformed.Schema["Pixels"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 1, 1, 2));
            ViewReader.Vectors<float>(transformed, "Pixels").Single().Should().Equal(1f, 0f);

            var rgb = ml.Transforms.ExtractPixels("Rgb", "Small", interleavePixelColors: true, offsetImage: 128).Fit(transformed).Transform(transformed);
            ViewReader.Vectors<float>(rgb, "Rgb").Single().Should().Equal(127f, 127f, 127f, -128f, -128f, -128f);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Image_loading_pipeline_survives_save_and_load()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-images-model-");
        try
        {
            Gradient(6, 4, gray: false, alpha: false).Save(Path.Combine(folder.FullName, "a.png"));
            var ml = new MLContext();
            var data = ml.Data.LoadFromEnumerable(new[] { new ImagePath { Path = "a.png" } });
            var model = ml.Transforms.LoadImages("Image", folder.FullName, "Path")
                .Append(ml.Transforms.ResizeImages("Small", 3, 2, "Image", ImageResizingEstimator.ResizingKind.IsoPad))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Small"))
                .Fit(data);
            using var stream = new MemoryStream();
            ml.Model.Save(model, data.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out _);
            var expected = ViewReader.Vectors<float>(model.Transform(data), "Pixels").Single();
            ViewReader.Vectors<float>(loaded.Transform(data), "Pixels").Single().Should().Equal(expected);
            expected.Should().HaveCount(3 * 2 * 3);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public class Vector4
    {
        [VectorType(1, 2, 2)]
        public float[] Values { get; set; } = new float[4];
    }

    [Fact]
    public void ConvertToImage_inverts_ExtractPixels()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new Vector4 { Values = new[] { 0f, 0.5f, 1f, 0.25f } } });
        var pipeline = ml.Transforms.ConvertToImage(2, 2, "Image", "Values", colorsPresent: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 255)
            .Append(ml.Transforms.ExtractPixels("Back", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1 / 255f));
        var back = ViewReader.Vectors<float>(pipeline.Fit(data).Transform(data), "Back").Single();
        back.Should().HaveCount(4);
        back[0].Should().Be(0);
        back[1].Should().BeApproximately(128 / 255f, 1e-6f);
        back[2].Should().Be(1);
        back[3].Should().BeApproximately(64 / 255f, 1e-6f);
    }

    [Fact]
    public void Extracting_pixels_from_images_of_unknown_size_asks_for_a_resize()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new ImagePath { Path = "x.png" } });
        var loaded = ml.Transforms.LoadImages("Image", null, "Path").Fit(data).Transform(data);
        var act = () => ml.Transforms.ExtractPixels("Pixels", "Image").Fit(loaded);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Image'*unknown size*ResizeImages*");
    }

    [Fact]
    public void A_png_declaring_more_pixels_than_its_data_can_hold_is_refused_before_allocating_them()
    {
        // Found by the file fuzzer: a 107-byte PNG whose header claims 16384x16384 made the decoder
        // allocate the full 1 GB row buffer before finding the image data short.
        using var small = MLImage.CreateFromGray(5, 3, new byte[15]);
        using var stream = new MemoryStream();
        small.SaveAsPng(stream);
        var png = stream.ToArray();
        const int headerData = 8 + 8; // signature, then IHDR's length and type
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(headerData), 16384);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(headerData + 4), 16384);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(headerData + 13), Crc32.Compute(png.AsSpan(12, 4 + 13)));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var decode = () => MLImage.CreateFromStream(new MemoryStream(png));
        decode.Should().Throw<InvalidDataException>().WithMessage("*16384x16384*holds only*bytes of image data*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }
}
