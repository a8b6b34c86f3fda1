namespace Meet.Tests.Support;

// A temp folder removed at the end of the test run (SQLite files stay open in pools until then).
internal sealed class TempDirectory : IAsyncDisposable
{
    private TempDirectory(string path) => Path = path;

    public string Path { get; }

    public static string Create(string prefix)
    {
        var directory = new TempDirectory(Directory.CreateTempSubdirectory(prefix).FullName);
        TestResources.Register(directory);
        return directory.Path;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open is left to the OS's temp cleanup.
        }
        return ValueTask.CompletedTask;
    }
}
