namespace Meet.Modules.Storage;

// The app's data folder (Storage:DataDirectory resolved against the content root); created on first use.
public sealed class AppDataDirectory
{
    public AppDataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string fileName) => System.IO.Path.Combine(Path, fileName);
}
