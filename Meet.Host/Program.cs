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
        // Node:Roles (issue 15): both by default; a split cluster runs signaling and media apart.
        var roles = AllocationModuleExtensions.RolesOf(builder.Configuration);
        if (roles.HasFlag(NodeRoles.Signaling))
            builder.Services.AddMeetingsModule(builder.Configuration);
        if (roles.HasFlag(NodeRoles.Media))
            builder.Services.AddMediaModule(builder.Configuration);
        else
            builder.Services.AddRemoteMediaNodes();
        if (roles.HasFlag(NodeRoles.Signaling))
            builder.Services.AddSignalingModule(builder.Configuration);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseHostingModule();
        app.MapHostingEndpoints();
        if (roles.HasFlag(NodeRoles.Signaling))
        {
            app.MapMeetingsApi();
            app.MapWebClient();
            app.MapSignaling();
        }
        app.MapMediaNode();
        return app;
    }

    public static Task Main(string[] args) => BuildApp(args).RunAsync();
}
