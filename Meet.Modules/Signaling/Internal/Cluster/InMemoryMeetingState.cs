using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling.Internal.Cluster;

// A single node's meeting state: one MeetingControls per meeting, in this process.
internal sealed class InMemoryMeetingState(IOptions<SignalingOptions> options, TimeProvider time) : IMeetingState
{
    private readonly ConcurrentDictionary<string, MeetingControls> controls = new(StringComparer.Ordinal);

    public MeetingControls ControlsOf(string meetingId) =>
        controls.GetOrAdd(meetingId, _ => new MeetingControls(options.Value.ChatHistoryLength, options.Value.ChatMessagesPerSecond, options.Value.ChatBurst, time));

    public ValueTask<string> RoleOfAsync(string meetingId, string participantId, string tokenRole) => ValueTask.FromResult(ControlsOf(meetingId).RoleOf(participantId, tokenRole));

    public ValueTask SetRoleAsync(string meetingId, string participantId, string role)
    {
        ControlsOf(meetingId).SetRole(participantId, role);
        return ValueTask.CompletedTask;
    }

    public ValueTask<long> NextHandOrderAsync(string meetingId) => ValueTask.FromResult(ControlsOf(meetingId).NextHandOrder());

    public bool TryTakeChatToken(string meetingId, string participantId) => ControlsOf(meetingId).TryTakeChatToken(participantId);

    public ValueTask<ChatMessage> RecordChatAsync(string meetingId, string fromId, string fromName, string? toId, string text) =>
        ValueTask.FromResult(ControlsOf(meetingId).Record(fromId, fromName, toId, text));

    public ValueTask<IReadOnlyList<ChatMessage>> ChatHistoryForAsync(string meetingId, string participantId) =>
        ValueTask.FromResult(ControlsOf(meetingId).HistoryFor(participantId));

    public IReadOnlyCollection<string> MeetingIds => [.. controls.Keys];

    public void Forget(string meetingId) => controls.TryRemove(meetingId, out _);
}
