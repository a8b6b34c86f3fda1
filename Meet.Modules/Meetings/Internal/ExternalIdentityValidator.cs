using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meet.Modules.Meetings.Internal;

// Validates tokens of the external issuer configured in Auth:External (issuer, audience, signature by a
// key of its JWKS, expiry) and yields the verified subject. Never trusts anything unsigned.
internal sealed partial class ExternalIdentityValidator(IOptions<AuthOptions> options, IHttpClientFactory httpClients, TimeProvider clock, ILogger<ExternalIdentityValidator> logger)
{
    public const string HttpClientName = "meet-jwks";
    private static readonly TimeSpan RefetchAtMostEvery = TimeSpan.FromSeconds(30);
    private readonly JsonWebTokenHandler handler = new() { MaximumTokenSizeInBytes = 16 * 1024 };
    private readonly SemaphoreSlim fetchGate = new(1, 1);
    private IList<SecurityKey>? keys;
    private long fetchedAt = long.MinValue;

    private ExternalIdentityOptions External => options.Value.External;

    public bool Enabled => External.Enabled;

    // The verified `sub` of a valid token of the external issuer, or null.
    public async Task<string?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!Enabled || string.IsNullOrEmpty(token) || token.Length > handler.MaximumTokenSizeInBytes)
            return null;
        var result = await ValidateWithAsync(token, await KeysAsync(refresh: false, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        // The issuer may have rotated its keys since the last fetch.
        if (result is { IsValid: false, Exception: SecurityTokenSignatureKeyNotFoundException } && External.JwksUrl is { Length: > 0 })
            result = await ValidateWithAsync(token, await KeysAsync(refresh: true, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || string.IsNullOrEmpty(jwt.Subject) || jwt.Subject.Length > 64)
            return null;
        return jwt.Subject;
    }

    private Task<TokenValidationResult> ValidateWithAsync(string token, IList<SecurityKey> signingKeys) =>
        handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = External.Issuer,
            ValidAudience = External.Audience,
            IssuerSigningKeys = signingKeys,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            // Asymmetric algorithms only: an HMAC "key" from a public JWKS would be a forgery oracle.
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512],
            ClockSkew = TimeSpan.FromMinutes(1),
        });

    private async Task<IList<SecurityKey>> KeysAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (External.Jwks is { Length: > 0 } inline)
            return keys ??= TryParseKeys(inline, out var parsed) ? parsed : [];
        if (keys is not null && (!refresh || clock.GetElapsedTime(Interlocked.Read(ref fetchedAt)) < RefetchAtMostEvery))
            return keys;
        await fetchGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (keys is not null && (!refresh || clock.GetElapsedTime(Interlocked.Read(ref fetchedAt)) < RefetchAtMostEvery))
                return keys;
            Interlocked.Exchange(ref fetchedAt, clock.GetTimestamp());
            using var http = httpClients.CreateClient(HttpClientName);
            http.Timeout = TimeSpan.FromSeconds(10);
            var json = await http.GetStringAsync(External.JwksUrl, cancellationToken).ConfigureAwait(false);
            if (TryParseKeys(json, out var fetched))
                keys = fetched;
            else
                LogBadJwks(External.JwksUrl!);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            LogJwksUnreachable(ex, External.JwksUrl!);
        }
        finally
        {
            fetchGate.Release();
        }
        return keys ?? [];
    }

    public static bool TryParseKeys(string json, out IList<SecurityKey> parsed)
    {
        try
        {
            parsed = new JsonWebKeySet(json).GetSigningKeys();
            return parsed.Count > 0;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            parsed = [];
            return false;
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "The JWKS at {Url} holds no usable signing key")]
    private partial void LogBadJwks(string url);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Could not fetch the JWKS at {Url}")]
    private partial void LogJwksUnreachable(Exception ex, string url);
}
