using Meet.Modules.Storage.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Storage;

public static class StorageModuleExtensions
{
    public static IServiceCollection AddStorageModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new AppDataDirectory(Path.Combine(contentRoot, options.DataDirectory));
        });
        services.AddSingleton<SqlDatabase>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider == StorageProvider.Postgres
                ? new PostgresDatabase(options.PostgresConnectionString!)
                : new SqliteDatabase(sp.GetRequiredService<AppDataDirectory>().Combine(options.SqliteFileName));
        });
        services.AddSingleton<IMeetingRepository, MeetingRepository>();
        services.AddSingleton<IParticipantRepository, ParticipantRepository>();
        services.AddSingleton<IMediaServerRepository, MediaServerRepository>();
        services.AddSingleton<IQualityLogRepository, QualityLogRepository>();

        services.AddHostedService<StorageMigrationService>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        return services;
    }
}
