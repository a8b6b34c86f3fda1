using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Meet.Modules.Hosting;

public static class HostConfigurationExtensions
{
    /// <summary>
    /// Loads the repository-root appsettings.json that the build copies next to the binaries.
    /// `dotnet run --project Meet.Host` makes Meet.Host/ the content root, where the default
    /// builder looks for appsettings.json and finds none; added first, so appsettings.{env}.json,
    /// environment variables and the command line still override it.
    /// </summary>
    public static IConfigurationManager AddAppSettingsBesideBinaries(this IConfigurationManager configuration)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(path))
            return configuration;
        configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
        });
        return configuration;
    }
}
