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
        AddRedis(services, configuration);
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        return services;
    }

    // Issue 15: Redis only when Redis:Configuration is set; connected at start-up, before any module
    // that keeps shared state starts.
    private static void AddRedis(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().Bind(configuration.GetSection(RedisOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        if (!IsRedisConfigured(configuration))
            return;
        services.AddMetrics();
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<IRedisConnection>(sp => sp.GetRequiredService<RedisConnection>());
        services.AddHostedService<RedisStartup>();
    }

    public static bool IsRedisConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{RedisOptions.SectionName}:{nameof(RedisOptions.Configuration)}"]);
}
