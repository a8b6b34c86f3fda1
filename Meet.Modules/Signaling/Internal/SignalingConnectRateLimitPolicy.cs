using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Modules.Signaling.Internal;

// ASP.NET Core rate limiting on the hub's endpoints (negotiate and the WebSocket connect): one node-wide
// partition backed by the shared SignalingConnectLimiter; a refusal is a 429 problem with Retry-After.
internal sealed class SignalingConnectRateLimitPolicy(SignalingConnectLimiter connects) : IRateLimiterPolicy<string>
{
    public const string Name = "signaling-connect";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, cancellationToken) =>
    {
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<SignalingConnectLimiter>().Count(accepted: false);
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "Signaling connections to this node exceed RateLimiting:SignalingConnect; back off (with jitter) and retry.",
            },
        }).ConfigureAwait(false);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.Get("node", _ => new CountingLimiter(connects));

    // Counts the hub's accepted connects next to the gRPC ones; the bucket itself is the shared one.
    private sealed class CountingLimiter(SignalingConnectLimiter connects) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => connects.Limiter.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            var lease = connects.Limiter.AttemptAcquire(permitCount);
            if (lease.IsAcquired)
                connects.Count(accepted: true);
            return lease;
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }
}
