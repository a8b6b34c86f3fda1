using Meet.Modules.Allocation;
using Meet.Modules.Hosting;
using Meet.Modules.Media;
using Meet.Modules.Meetings;
using Meet.Modules.Signaling;
using Meet.Modules.Storage;

public partial class Program
{
    // Tests and the load generator build the same application with extra configuration arguments.
    public static WebApplication BuildApp(string[] args) => BuildApp(args, configureServices: null);

    // configureServices runs after the modules registered theirs, so tests can replace one (a fake media module).
    public static WebApplication BuildApp(string[] args, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddAppSettingsBesideBinaries();
        builder.Services.AddHostingModule(builder.Configuration);
        builder.Services.AddStorageModule(builder.Configuration);
        builder.Services.AddAllocationModule(builder.Configuration);
        builder.Services.AddMeetingsModule(builder.Configuration);
        builder.Services.AddMediaModule(builder.Configuration);
        builder.Services.AddSignalingModule(builder.Configuration);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseHostingModule();
        app.MapHostingEndpoints();
        app.MapMeetingsApi();
        app.MapWebClient();
        app.MapSignaling();
        return app;
    }

    public static Task Main(string[] args) => BuildApp(args).RunAsync();
}
