using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary><c>ml.Data.CreateTextLoader(...)</c>: a reusable <see cref="TextLoader"/>, as ML.NET's catalog of the same name makes.</summary>
public static class TextLoaderSaverCatalog
{
    /// <summary>A loader of the given columns (ML.NET's <c>dataSample</c> parameter is not offered: there is nothing to infer).</summary>
    /// <exception cref="NotSupportedException"><paramref name="allowSparse"/> is true.</exception>
    public static TextLoader CreateTextLoader(this DataOperationsCatalog catalog, TextLoader.Column[] columns, char separatorChar = '\t',
                                              bool hasHeader = false, bool allowQuoting = false, bool trimWhitespace = false, bool allowSparse = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return TextLoader.Create(columns, separatorChar, hasHeader, allowQuoting, trimWhitespace, allowSparse);
    }

    /// <summary>A loader with <paramref name="options"/>; with no columns in them, each file's schema comment names the columns.</summary>
    public static TextLoader CreateTextLoader(this DataOperationsCatalog catalog, TextLoader.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TextLoader(options);
    }

    /// <summary>A loader of the members of <typeparamref name="TInput"/> marked with <see cref="LoadColumnAttribute"/>.</summary>
    public static TextLoader CreateTextLoader<TInput>(this DataOperationsCatalog catalog, char separatorChar = '\t', bool hasHeader = false,
                                                      bool allowQuoting = false, bool trimWhitespace = false, bool allowSparse = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return TextLoader.Create(TextLoader.ColumnsOf<TInput>(), separatorChar, hasHeader, allowQuoting, trimWhitespace, allowSparse);
    }
}
