using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Modules.Signaling.Internal;

// Checks the join token on the negotiate and connect requests, before SignalR runs, so a bad token is a
// plain HTTP 401/403 (and an ended meeting 410) that every client reports with its status code.
internal static class HubAuthentication
{
    public const string TokenItem = "meet.token";

    public static void Require(EndpointBuilder endpoint)
    {
        var inner = endpoint.RequestDelegate!;
        endpoint.RequestDelegate = async http =>
        {
            // Browsers can only pass the token in the query (WebSocket API); the .NET client sends a header.
            string? token = http.Request.Query["access_token"];
            var authorization = http.Request.Headers.Authorization.ToString();
            if (string.IsNullOrEmpty(token) && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                token = authorization["Bearer ".Length..].Trim();
            try
            {
                var registry = http.RequestServices.GetRequiredService<SessionRegistry>();
                http.Items[TokenItem] = await registry.AuthenticateAsync(token, null, http.RequestAborted).ConfigureAwait(false);
            }
            catch (SignalingException ex)
            {
                http.Response.StatusCode = ex.Code;
                await http.Response.WriteAsJsonAsync(new ErrorMessage(ex.Code, ex.Message), http.RequestAborted).ConfigureAwait(false);
                return;
            }
            await inner(http).ConfigureAwait(false);
        };
    }
}
