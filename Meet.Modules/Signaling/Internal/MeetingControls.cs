namespace Meet.Modules.Signaling.Internal;

// Meeting-wide state beside the roster (issue 13): roles the host changed, the hand-raise order, the chat
// history and each participant's chat allowance. Lives while the meeting does on this node, not only
// while someone is connected, so a participant who reconnects keeps a role it was given.
internal sealed class MeetingControls(int chatHistoryLength, double chatPerSecond, int chatBurst, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> roles = new(StringComparer.Ordinal);
    private readonly Queue<ChatMessage> history = new();
    private readonly Dictionary<string, (double Tokens, long At)> chatAllowance = new(StringComparer.Ordinal);
    private long handOrder;
    private long chatSequence;

    public long NextHandOrder() => Interlocked.Increment(ref handOrder);

    public string RoleOf(string participantId, string tokenRole)
    {
        lock (gate)
            return roles.TryGetValue(participantId, out var role) ? role : tokenRole;
    }

    public void SetRole(string participantId, string role)
    {
        lock (gate)
            roles[participantId] = role;
    }

    // A token bucket per participant (not per connection: reconnecting must not refill it).
    public bool TryTakeChatToken(string participantId)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            var (tokens, at) = chatAllowance.TryGetValue(participantId, out var held) ? held : (chatBurst, now);
            tokens = Math.Min(chatBurst, tokens + time.GetElapsedTime(at, now).TotalSeconds * chatPerSecond);
            if (tokens < 1)
            {
                chatAllowance[participantId] = (tokens, now);
                return false;
            }
            chatAllowance[participantId] = (tokens - 1, now);
            return true;
        }
    }

    // Assigns the server's id and time and keeps the last chatHistoryLength messages for late joiners.
    public ChatMessage Record(string fromId, string fromName, string? toId, string text)
    {
        lock (gate)
        {
            var message = new ChatMessage($"c{++chatSequence}", fromId, fromName, toId, text, time.GetUtcNow().ToUnixTimeMilliseconds());
            history.Enqueue(message);
            while (history.Count > chatHistoryLength)
                history.Dequeue();
            return message;
        }
    }

    // What a participant may read: meeting-wide messages and the direct messages to or from it.
    public IReadOnlyList<ChatMessage> HistoryFor(string participantId)
    {
        lock (gate)
            return history.Where(m => m.ToParticipantId is null || m.ToParticipantId == participantId || m.FromParticipantId == participantId).ToArray();
    }
}
