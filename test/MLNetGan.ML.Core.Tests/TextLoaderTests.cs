namespace MLNetGan.ML.Core.Tests;

public sealed class TextLoaderTests
{
    private static string Write(string content)
    {
        var path = ViewReader.TempFile(".txt");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Csv_with_header_quotes_missing_values_and_vectors()
    {
        var path = Write("id,name,x0,x1,x2,flag\n1,\"Smith, J\",1.5,,3,true\n2,\"say \"\"hi\"\"\",?,2,NaN,0\n\n3,plain,1e3,-2,0.25,1\n");
        try
        {
            var ml = new MLContext();
            var view = ml.Data.LoadFromTextFile(path, new[]
            {
                new TextLoader.Column("Id", DataKind.Int32, 0),
                new TextLoader.Column("Name", DataKind.String, 1),
                new TextLoader.Column("X", DataKind.Single, 2, 4),
                new TextLoader.Column("Flag", DataKind.Boolean, 5),
            }, separatorChar: ',', hasHeader: true, allowQuoting: true);
            view.Schema["X"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 3));
            ViewReader.Column<int>(view, "Id").Should().Equal(1, 2, 3);
            ViewReader.Column<ReadOnlyMemory<char>>(view, "Name").Select(m => m.ToString()).Should().Equal("Smith, J", "say \"hi\"", "plain");
            var x = ViewReader.Vectors<float>(view, "X");
            x[0][0].Should().Be(1.5f);
            float.IsNaN(x[0][1]).Should().BeTrue("an empty field is a missing value");
            float.IsNaN(x[1][0]).Should().BeTrue("'?' is a missing value");
            x[2].Should().Equal(1000f, -2f, 0.25f);
            ViewReader.Column<bool>(view, "Flag").Should().Equal(true, false, true);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unparseable_value_names_file_line_and_column()
    {
        var path = Write("1\t2\nthree\t4\n");
        try
        {
            var view = new MLContext().Data.LoadFromTextFile(path, new[] { new TextLoader.Column("A", DataKind.Single, 0) });
            var act = () => ViewReader.Column<float>(view, "A");
            act.Should().Throw<FormatException>().WithMessage($"*:2: column 'A' cannot parse 'three'*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var act = () => new MLContext().Data.LoadFromTextFile("/nonexistent/file.csv", new[] { new TextLoader.Column("A", DataKind.Single, 0) });
        act.Should().Throw<FileNotFoundException>().WithMessage("*nonexistent*");
    }

    public class Point
    {
        [LoadColumn(0)] public float X { get; set; }
        [LoadColumn(1)] public float Y { get; set; }
        [LoadColumn(2)] public string Tag { get; set; } = "";
    }

    [Fact]
    public void SaveAsText_then_LoadFromTextFile_round_trips()
    {
        var ml = new MLContext();
        var points = new[] { new Point { X = 0.1f, Y = -2.5f, Tag = "a\tb" }, new Point { X = float.MaxValue, Y = 1e-30f, Tag = "c" } };
        var path = ViewReader.TempFile(".tsv");
        try
        {
            using (var stream = File.Create(path)) ml.Data.SaveAsText(ml.Data.LoadFromEnumerable(points), stream, schema: false);
            File.ReadLines(path).First().Should().Be("X\tY\tTag");
            var back = ml.Data.CreateEnumerable<Point>(ml.Data.LoadFromTextFile<Point>(path, hasHeader: true, allowQuoting: true), false).ToList();
            back.Should().BeEquivalentTo(points);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
