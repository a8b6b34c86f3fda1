using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

// Several signaling nodes (Redis:Configuration set, issue 15) must sign and verify tokens with one key: a
// generated key is this node's alone, and a client moving to another node would get 401 there.
internal sealed class ClusterAuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        string.IsNullOrEmpty(options.SigningKey)
            ? ValidateOptionsResult.Fail($"{AuthOptions.SectionName}:{nameof(AuthOptions.SigningKey)} must be set, the same on every node, when Redis:Configuration joins this node to a cluster (a generated key is this node's alone).")
            : ValidateOptionsResult.Success;
}
