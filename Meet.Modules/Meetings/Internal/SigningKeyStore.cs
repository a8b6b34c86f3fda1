using System.Security.Cryptography;
using System.Text;
using Meet.Modules.Storage;

namespace Meet.Modules.Meetings.Internal;

internal static class SigningKeyStore
{
    public const string FileName = "token-signing.key";
    public const int MinimumKeyBytes = 32;

    public static byte[] Load(AuthOptions options, AppDataDirectory dataDirectory)
    {
        if (!string.IsNullOrEmpty(options.SigningKey))
            return Encoding.UTF8.GetBytes(options.SigningKey);

        var path = dataDirectory.Combine(FileName);
        try
        {
            var key = RandomNumberGenerator.GetBytes(64);
            // CreateNew: when two processes share the data folder the first key wins and both use it.
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, fileOptions);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
            if (key.Length < MinimumKeyBytes)
                throw new InvalidOperationException($"{path} holds a key shorter than {MinimumKeyBytes} bytes; delete it or set {AuthOptions.SectionName}:{nameof(AuthOptions.SigningKey)}.");
            return key;
        }
    }
}
