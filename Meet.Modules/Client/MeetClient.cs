using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Client.Internal;
using Meet.Modules.Client.Media;
using Meet.Modules.Signaling;

namespace Meet.Modules.Client;

// A participant from .NET (tests, bots, the load generator): REST to create/join, then signaling over
// gRPC or SignalR with heartbeats and reconnects (exponential backoff with jitter, same token, so the
// server swaps the old session for the new one). Events are raised on thread-pool threads.
public sealed class MeetClient : IAsyncDisposable
{
    private readonly MeetClientOptions options;
    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly Events events;
    // A gap in roster versions this long (not closed by reordering) makes the client ask for a snapshot.
    private static readonly TimeSpan RosterGapTolerance = TimeSpan.FromMilliseconds(500);

    private readonly RosterTracker roster = new();
    // One publisher offer/answer at a time (JSEP: one outstanding offer per PeerConnection); ICE restarts too.
    private readonly SemaphoreSlim publisherNegotiation = new(1, 1);
    private readonly CancellationTokenSource lifetime = new();
    private readonly Random jitter = new();
    private ISignalingConnection? connection;
    // The connection being opened: the server may send a subscriber offer right after it has joined us,
    // before ConnectAsync has seen the welcome and made that connection Current.
    private ISignalingConnection? connecting;
    private MeetingJoined? joined;
    private string displayName = "";
    private Task? heartbeat;
    private int reconnecting;
    private Task subscriberAnswers = Task.CompletedTask;
    private int resyncScheduled;
    // What PublishAsync last offered: an ICE restart offers the same tracks again.
    private IReadOnlyList<ClientMediaTrack> publishedTracks = [];
    private int rosterResyncs;
    private int connectsRefused;
    // Which signaling node the next connect goes to: 0 = the options' own, i = FallbackNodes[i - 1].
    private int nodeIndex;
    private int automaticIceRestarts;

    public MeetClient(MeetClientOptions options, HttpClient? httpClient = null)
    {
        this.options = options;
        ownsHttp = httpClient is null;
        http = httpClient ?? new HttpClient { BaseAddress = options.BaseAddress };
        events = new Events(this);
    }

    public event Action<string>? SubscriberOfferReceived;

    // Decrypted RTP arriving on the built-in subscriber PC (AnswerSubscriberOffers).
    public event ClientPacketCallback? SubscriberRtpReceived;

    // Decrypted RTCP arriving on it (the SFU's sender reports, for receivers that measure RTT).
    public event ClientPacketCallback? SubscriberRtcpReceived;

    public event Action<ParticipantUpdateMessage>? ParticipantUpdated;

    public event Action<ErrorMessage>? ErrorReceived;

    public event Action<string>? MediaReconnectRequested;

    // Issue 15: the server moved this participant's media to another node and the client has published
    // there again (the new Publisher); null when republishing failed.
    public event Action<ClientPeerConnection?>? MediaMoved;

    public event Action<ActiveSpeakerMessage>? ActiveSpeakerChanged;

    // Issue 13: chat (meeting-wide and direct, this client's own messages included, in server order),
    // the meeting's lock state, notices to this participant (the host asks you to unmute, removed, ended),
    // and changes the server made to this participant (a host mute, a lowered hand, a role).
    public event Action<ChatMessage>? ChatReceived;

    public event Action<MeetingStateMessage>? MeetingStateChanged;

    public event Action<NoticeMessage>? NoticeReceived;

    public event Action<ParticipantUpdateMessage>? SelfUpdated;

    // The chat the welcome delivered (the meeting's recent messages this participant may read).
    public IReadOnlyList<ChatMessage> ChatHistory { get; private set; } = [];

    // This participant's own state as the server last told it (role, muted, hand).
    public ParticipantInfo? Self { get; private set; }

    public string? Role => Self?.Role ?? joined?.Role;

    public bool MeetingLocked { get; private set; }

    // The last announcement of the meeting's dominant speaker and recent speakers.
    public ActiveSpeakerMessage? ActiveSpeaker { get; private set; }

    // Bounded subscriber slots: every receive slot (by mid) and whom it shows, as last announced.
    public event Action<IReadOnlyList<SlotAssignmentMessage>>? SlotAssignmentsChanged;

    public IReadOnlyList<SlotAssignmentMessage> SlotAssignments { get; private set; } = [];

    // The same assignments by mid, swapped whole on every announcement (the server sends all slots).
    private volatile Dictionary<string, SlotAssignmentMessage> slotsByMid = new(StringComparer.Ordinal);

    // What the subscriber PeerConnection receives now, each track named by the participant it shows
    // (StreamId) and that participant's track id. Per-track sections name their publisher in the msid
    // (contract 1); a bounded slot (Media:BoundedSlots, the default) names it only through the slot
    // assignments, so an idle slot, or one not announced yet, is left out.
    public IReadOnlyList<ClientRemoteTrack> RemoteTracks =>
        [.. (Subscriber?.RemoteTracks ?? []).Select(Resolve).OfType<ClientRemoteTrack>()];

    // The track a received packet's SSRC belongs to right now (a slot's SSRC shows whoever it was last
    // assigned), or null when unknown or idle. Resolve at arrival time: a slot is remapped in place.
    public ClientRemoteTrack? RemoteTrackOf(uint ssrc)
    {
        var track = Subscriber?.RemoteTracks.FirstOrDefault(t => t.Ssrc == ssrc);
        return track is null ? null : Resolve(track);
    }

    private ClientRemoteTrack? Resolve(ClientRemoteTrack track)
    {
        if (slotsByMid.TryGetValue(track.Mid, out var slot))
            return slot.ParticipantId is { Length: > 0 } publisher ? track with { StreamId = publisher, TrackId = slot.TrackId ?? "" } : null;
        return track.StreamId.Length == 0 || track.StreamId.StartsWith(SlotStreamPrefix, StringComparison.Ordinal) ? null : track;
    }

    // The msid stream id of a bounded slot's section ("slot-<mid>"): a placeholder, never a participant.
    private const string SlotStreamPrefix = "slot-";

    // attempt number, delay before it
    public event Action<int, TimeSpan>? Reconnecting;

    public event Action<WelcomeMessage>? Reconnected;

    // Reconnecting gave up (or the server refused the session for good).
    public event Action<Exception?>? Disconnected;

    // The media side, once PublishAsync ran / the first subscriber offer was answered (AnswerSubscriberOffers).
    public ClientPeerConnection? Publisher { get; private set; }

    public ClientPeerConnection? Subscriber { get; private set; }

    // The REST join result (its AccessToken also authorizes REST calls for this participant).
    public MeetingJoined? Joined => joined;

    public string? ParticipantId => joined?.ParticipantId;

    public string? MeetingId => joined?.MeetingId;

    // Everyone else in the meeting: the welcome's snapshot plus the participant updates, in roster-version order.
    public IReadOnlyDictionary<string, ParticipantInfo> Participants => roster.Participants;

    // The roster version Participants reflects (-1 before the welcome).
    public long RosterVersion => roster.Version;

    // Signaling connects (first or reconnect) the server refused with 429 (its connect bucket was empty).
    public int ConnectsRefused => Volatile.Read(ref connectsRefused);

    // ICE restarts this client started by itself because a PeerConnection stayed disconnected
    // (MeetClientOptions.IceRestartAfterDisconnected), one per PeerConnection restarted.
    public int AutomaticIceRestarts => Volatile.Read(ref automaticIceRestarts);

    // How often a gap in roster versions made this client fetch a snapshot.
    public int RosterResyncs => Volatile.Read(ref rosterResyncs);

    // audioMode: "forward" or "mix" (issue 17); null = the server's Media:AudioMode.
    public async Task<MeetingCreated> CreateMeetingAsync(string hostId, string title, bool allowGuestJoin = true, CancellationToken cancellationToken = default, string? audioMode = null)
    {
        using var response = await http.PostAsJsonAsync(new Uri(options.BaseAddress, "v1/meetings"), new { hostId, meetingTitle = title, allowGuestJoin, audioMode }, cancellationToken).ConfigureAwait(false);
        var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        return new MeetingCreated(Text(body, "meetingId"), Text(body, "hostId"), Text(body, "joinUrl"), Text(body, "accessToken"));
    }

    // POST /v1/meetings/{id}/join, then the signaling session. Pass a token to keep an identity (the host's).
    // userId is only a label the server ignores for identity: the role comes from the token (a host's, a
    // rejoin's, an external issuer's) or the invitation; otherwise this joins as a guest.
    public async Task<WelcomeMessage> JoinAsync(string meetingId, string displayName, string? userId = null, string? token = null, string? invitation = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.BaseAddress, $"v1/meetings/{Uri.EscapeDataString(meetingId)}/join"))
        {
            Content = JsonContent.Create(new { userId, displayName, invitation }),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        joined = new MeetingJoined(Text(body, "meetingId"), Text(body, "participantId"), Text(body, "role"), Text(body, "accessToken"), AnnouncedGrpcAddress(body));
        this.displayName = displayName;
        var welcome = await ConnectWithBackoffAsync(cancellationToken).ConfigureAwait(false);
        heartbeat ??= Task.Run(HeartbeatLoopAsync, CancellationToken.None);
        return welcome;
    }

    public Task<string> SendPublisherOfferAsync(string sdp, CancellationToken cancellationToken = default) =>
        Current.PublisherOfferAsync(sdp, cancellationToken);

    // Offers the tracks on the publisher PC, applies the server's answer and waits for DTLS-SRTP; then
    // send RTP with Publisher.SendRtp. Track stream ids should be this participant's id (contract 1).
    // Calls are serialised: a second PublishAsync waits until the first one's answer was applied.
    public async Task<ClientPeerConnection> PublishAsync(IReadOnlyList<ClientMediaTrack> tracks, CancellationToken cancellationToken = default)
    {
        await publisherNegotiation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Publisher ??= NewPeerConnection(publisher: true);
            var answer = await SendPublisherOfferAsync(Publisher.CreateOffer(tracks), cancellationToken).ConfigureAwait(false);
            Publisher.ApplyAnswer(answer);
            publishedTracks = tracks;
        }
        finally
        {
            publisherNegotiation.Release();
        }
        if (!await Publisher.Connected.WaitAsync(options.MediaConnectTimeout, cancellationToken).ConfigureAwait(false))
            throw new SignalingErrorException(SignalingErrorCodes.MediaUnavailable, "the publisher DTLS handshake failed");
        return Publisher;
    }

    // Network handover (seed scenario 3): both PeerConnections move to new sockets on localAddress (the new
    // network's address; null = the current one) with new ICE credentials, over the existing signaling
    // connection: the publisher with our own restart offer, the subscriber by asking the server for one
    // (answered by the built-in subscriber, AnswerSubscriberOffers). The SFU keeps sending to the old
    // path until the new one has answered STUN; DTLS and SRTP stay. Completes once both are negotiated;
    // ClientPeerConnection.PathSwitched tells when media moved.
    public async Task RestartIceAsync(IPAddress? localAddress = null, CancellationToken cancellationToken = default)
    {
        if (Subscriber is { } subscriber)
            await RestartSubscriberIceAsync(subscriber, localAddress, cancellationToken).ConfigureAwait(false);
        if (Publisher is { } publisher)
            await RestartPublisherIceAsync(publisher, localAddress, cancellationToken).ConfigureAwait(false);
    }

    private async Task RestartSubscriberIceAsync(ClientPeerConnection subscriber, IPAddress? localAddress, CancellationToken cancellationToken)
    {
        if (!subscriber.IsConnected)
            return;
        // Signaling first: without it nobody would send the offer that completes the restart.
        var connection = Current;
        subscriber.BeginIceRestart(localAddress);
        await connection.RestartSubscriberIceAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RestartPublisherIceAsync(ClientPeerConnection publisher, IPAddress? localAddress, CancellationToken cancellationToken)
    {
        await publisherNegotiation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Replaced meanwhile (a media-node move): the new one needs no restart.
            if (!ReferenceEquals(publisher, Publisher))
                return;
            publisher.BeginIceRestart(localAddress);
            var answer = await SendPublisherOfferAsync(publisher.CreateOffer(publishedTracks), cancellationToken).ConfigureAwait(false);
            publisher.ApplyAnswer(answer);
        }
        finally
        {
            publisherNegotiation.Release();
        }
    }

    private ClientPeerConnection NewPeerConnection(bool publisher)
    {
        var pc = new ClientPeerConnection(options.MediaAddress, receiveThread: publisher && options.PublisherReceiveThread,
            kernelReceiveTimes: !publisher && options.SubscriberKernelReceiveTimes)
        {
            TransportWideCc = publisher && options.PublisherTransportWideCc,
            IceOptions = options.Ice,
        };
        if (options.IceRestartAfterDisconnected is { } grace)
            pc.IceDisconnected += () => _ = RestartWhenStillDisconnectedAsync(pc, grace);
        return pc;
    }

    // A browser's rule (handover.ts): 'disconnected' often heals by itself, so wait; still disconnected
    // after the grace, restart ICE on that PeerConnection over the signaling connection (on the same
    // address: a new socket and new credentials). A restart whose new path answers nothing either is not
    // repeated here: the old generation stays disconnected, and IceDisconnected is raised again only
    // after consent was answered once more.
    private async Task RestartWhenStillDisconnectedAsync(ClientPeerConnection pc, TimeSpan grace)
    {
        try
        {
            await Task.Delay(grace, lifetime.Token).ConfigureAwait(false);
            if (!pc.IsIceDisconnected)
                return;
            if (ReferenceEquals(pc, Subscriber))
                await RestartSubscriberIceAsync(pc, localAddress: null, lifetime.Token).ConfigureAwait(false);
            else if (ReferenceEquals(pc, Publisher))
                await RestartPublisherIceAsync(pc, localAddress: null, lifetime.Token).ConfigureAwait(false);
            else
                return;
            Interlocked.Increment(ref automaticIceRestarts);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException or SignalingErrorException or FormatException)
        {
            // Leaving, replaced, or signaling is down (its own reconnect rebuilds the media).
        }
    }

    private async Task DropSubscriberAsync()
    {
        var old = Subscriber;
        Subscriber = null;
        if (old is not null)
            await old.DisposeAsync().ConfigureAwait(false);
    }

    // Media moved to another node: a new publisher PeerConnection offers the same tracks there.
    private async Task RepublishAsync()
    {
        ClientPeerConnection? old;
        ClientPeerConnection? fresh = null;
        await publisherNegotiation.WaitAsync(lifetime.Token).ConfigureAwait(false);
        try
        {
            old = Publisher;
            Publisher = null;
            if (publishedTracks is { Count: > 0 } tracks)
            {
                fresh = NewPeerConnection(publisher: true);
                Publisher = fresh;
                fresh.ApplyAnswer(await SendPublisherOfferAsync(fresh.CreateOffer(tracks), lifetime.Token).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is SignalingErrorException or InvalidOperationException or FormatException or OperationCanceledException)
        {
            ErrorReceived?.Invoke(new ErrorMessage(SignalingErrorCodes.MediaUnavailable, $"could not publish on the new media node: {ex.Message}"));
            MediaMoved?.Invoke(null);
            return;
        }
        finally
        {
            publisherNegotiation.Release();
        }
        if (old is not null)
            await old.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (fresh is not null && !await fresh.Connected.WaitAsync(options.MediaConnectTimeout, lifetime.Token).ConfigureAwait(false))
                fresh = null;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            fresh = null;
        }
        MediaMoved?.Invoke(fresh);
    }

    private async Task AnswerSubscriberOfferAsync(string offer, long version)
    {
        try
        {
            if (Subscriber is null)
            {
                Subscriber = NewPeerConnection(publisher: false);
                Subscriber.RtpReceived += packet => SubscriberRtpReceived?.Invoke(packet);
                Subscriber.RtcpReceived += packet => SubscriberRtcpReceived?.Invoke(packet);
            }
            var answer = Subscriber.AnswerOffer(offer);
            var via = Volatile.Read(ref connecting) ?? connection ?? throw new InvalidOperationException("not joined (or reconnecting)");
            await via.SubscriberAnswerAsync(answer, version, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or SignalingErrorException or InvalidOperationException or OperationCanceledException)
        {
            // The server answers a refused answer with a fresh offer, so this needs no retry here.
            ErrorReceived?.Invoke(new ErrorMessage(SignalingErrorCodes.BadRequest, $"could not answer the subscriber offer: {ex.Message}"));
        }
    }

    // offerVersion: the one SubscriberOfferReceived carried; 0 answers the offer outstanding on the server.
    public Task SendSubscriberAnswerAsync(string sdp, long offerVersion = 0, CancellationToken cancellationToken = default) =>
        Current.SubscriberAnswerAsync(sdp, offerVersion, cancellationToken);

    public Task SendIceCandidateAsync(bool subscriber, string candidate, string? sdpMid, int? sdpMLineIndex, CancellationToken cancellationToken = default) =>
        Current.IceCandidateAsync(subscriber, candidate, sdpMid, sdpMLineIndex, cancellationToken);

    public Task SetMutedAsync(string kind, bool muted, CancellationToken cancellationToken = default) =>
        Current.SetMutedAsync(kind, muted, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken = default) => Current.PingAsync(cancellationToken);

    // Meeting-wide when toParticipantId is null. The message comes back through ChatReceived with the
    // server's id and time; refusals (413 too long, 429 too many, 404 unknown target) throw.
    public Task SendChatAsync(string text, string? toParticipantId = null, CancellationToken cancellationToken = default) =>
        Current.SendChatAsync(text, toParticipantId, cancellationToken);

    public Task RaiseHandAsync(bool raised = true, CancellationToken cancellationToken = default) =>
        Current.RaiseHandAsync(raised, cancellationToken);

    // Host controls (HostActions.*): refused with 403 unless this participant is a host.
    public Task HostActionAsync(string action, string? participantId = null, string? kind = null, CancellationToken cancellationToken = default) =>
        Current.HostActionAsync(action, participantId, kind, cancellationToken);

    public Task MuteParticipantAsync(string participantId, CancellationToken cancellationToken = default) =>
        HostActionAsync(HostActions.Mute, participantId, "audio", cancellationToken);

    public Task MuteAllAsync(CancellationToken cancellationToken = default) => HostActionAsync(HostActions.MuteAll, cancellationToken: cancellationToken);

    public Task LowerHandAsync(string participantId, CancellationToken cancellationToken = default) =>
        HostActionAsync(HostActions.LowerHand, participantId, cancellationToken: cancellationToken);

    public Task RemoveParticipantAsync(string participantId, CancellationToken cancellationToken = default) =>
        HostActionAsync(HostActions.Remove, participantId, cancellationToken: cancellationToken);

    public Task EndMeetingAsync(CancellationToken cancellationToken = default) => HostActionAsync(HostActions.End, cancellationToken: cancellationToken);

    public Task SetLockedAsync(bool locked, CancellationToken cancellationToken = default) =>
        HostActionAsync(locked ? HostActions.Lock : HostActions.Unlock, cancellationToken: cancellationToken);

    public Task MakeHostAsync(string participantId, CancellationToken cancellationToken = default) =>
        HostActionAsync(HostActions.MakeHost, participantId, cancellationToken: cancellationToken);

    public Task TransferHostAsync(string participantId, CancellationToken cancellationToken = default) =>
        HostActionAsync(HostActions.TransferHost, participantId, cancellationToken: cancellationToken);

    public Task AskToUnmuteAsync(string participantId, CancellationToken cancellationToken = default) =>
        HostActionAsync(HostActions.AskUnmute, participantId, cancellationToken: cancellationToken);

    // Host only, REST: a signed invitation link that joins as participant (JoinAsync's invitation).
    public async Task<string> CreateInvitationAsync(string meetingId, string hostToken, bool singleUse = false, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.BaseAddress, $"v1/meetings/{Uri.EscapeDataString(meetingId)}/invitations"))
        {
            Content = JsonContent.Create(new { singleUse }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", hostToken);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return Text(await ReadAsync(response, cancellationToken).ConfigureAwait(false), "invitation");
    }

    // Receive at most this many videos (the server never sends more than its Media:LastN).
    public Task SetMaxVideosAsync(int maxVideos, CancellationToken cancellationToken = default) =>
        Current.SetMaxVideosAsync(maxVideos, cancellationToken);

    // Issue 10: always receive these participants' video (in this order, at most the video slots; [] unpins).
    public Task PinAsync(IReadOnlyList<string> participantIds, CancellationToken cancellationToken = default) =>
        Current.PinAsync(participantIds, cancellationToken);

    // Issue 10, host only (403 otherwise): how many screen shares the meeting allows at once.
    public Task SetScreenShareLimitAsync(int maxShares, CancellationToken cancellationToken = default) =>
        Current.SetScreenShareLimitAsync(maxShares, cancellationToken);

    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        await lifetime.CancelAsync().ConfigureAwait(false);
        var current = Interlocked.Exchange(ref connection, null);
        if (current is null)
            return;
        await current.LeaveAsync(cancellationToken).ConfigureAwait(false);
        await current.DisposeAsync().ConfigureAwait(false);
    }

    // Drops the signaling connection without leaving, as a network failure would; the client reconnects.
    public async Task SimulateConnectionLossAsync()
    {
        var current = Interlocked.Exchange(ref connection, null);
        if (current is null)
            return;
        await current.DisposeAsync().ConfigureAwait(false);
        events.OnClosed(current, new IOException("connection lost (simulated)"));
    }

    private ISignalingConnection Current => connection ?? throw new InvalidOperationException("not joined (or reconnecting)");

    // A first connect refused with 429 (a reconnection storm has emptied the node's connect bucket,
    // RateLimiting:SignalingConnect) waits the same jittered backoff as a reconnect instead of failing the join.
    private async Task<WelcomeMessage> ConnectWithBackoffAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SignalingErrorException ex) when (ex.Code == SignalingErrorCodes.RateLimited)
            {
                Interlocked.Increment(ref connectsRefused);
                if (attempt + 1 >= options.Reconnect.MaxAttempts)
                    throw;
                await Task.Delay(options.Reconnect.GetDelay(attempt, jitter), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The signaling node connects go to now (issue 15: FallbackNodes after a failed reconnect).
    public Uri SignalingNode => Volatile.Read(ref nodeIndex) is var index and > 0 ? options.FallbackNodes[index - 1].BaseAddress : options.BaseAddress;

    private void MoveToNextNode()
    {
        if (options.FallbackNodes.Count > 0)
            Volatile.Write(ref nodeIndex, (Volatile.Read(ref nodeIndex) + 1) % (options.FallbackNodes.Count + 1));
    }

    private async Task<WelcomeMessage> ConnectAsync(CancellationToken cancellationToken)
    {
        var index = Volatile.Read(ref nodeIndex);
        var (baseAddress, grpcAddress) = index == 0
            ? (options.BaseAddress, options.GrpcAddress ?? joined!.GrpcAddress ?? options.BaseAddress)
            : (options.FallbackNodes[index - 1].BaseAddress, options.FallbackNodes[index - 1].GrpcAddress ?? options.FallbackNodes[index - 1].BaseAddress);
        ISignalingConnection next = options.Transport switch
        {
            SignalingTransport.Grpc => new GrpcSignalingConnection(grpcAddress, events),
            SignalingTransport.SignalRMessagePack => new SignalRSignalingConnection(baseAddress, messagePack: true, events),
            _ => new SignalRSignalingConnection(baseAddress, messagePack: false, events),
        };
        Volatile.Write(ref connecting, next);
        // Updates the new connection delivers before its welcome is applied wait in the tracker.
        roster.BeginSnapshot();
        try
        {
            var welcome = await next.ConnectAsync(joined!.MeetingId, joined.AccessToken, displayName, options.BatchedRosterUpdates, cancellationToken).ConfigureAwait(false);
            ChatHistory = welcome.ChatHistory;
            MeetingLocked = welcome.Locked;
            Self = new ParticipantInfo(welcome.ParticipantId, welcome.DisplayName, false, false, false) { Role = welcome.Role };
            RaiseUpdates(roster.ApplySnapshot(welcome.RosterVersion, welcome.Participants, welcome.ParticipantId));
            // A large roster's welcome holds its first page: fetch the rest before the join completes.
            var last = welcome.Participants.Count > 0 ? welcome.Participants[^1].ParticipantId : null;
            for (var fetched = welcome.Participants.Count; fetched < welcome.RosterTotal && last is not null;)
            {
                var page = await next.GetRosterPageAsync(last, options.RosterPageSize, cancellationToken).ConfigureAwait(false);
                if (page.Participants.Count == 0)
                    break;
                roster.ApplyPage(page);
                fetched += page.Participants.Count;
                last = page.Participants[^1].ParticipantId;
            }
            var previous = Interlocked.Exchange(ref connection, next);
            if (previous is not null)
                await previous.DisposeAsync().ConfigureAwait(false);
            return welcome;
        }
        catch
        {
            await next.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            Interlocked.CompareExchange(ref connecting, null, next);
        }
    }

    private void RaiseUpdates(IReadOnlyList<ParticipantUpdateMessage> applied)
    {
        foreach (var update in applied)
        {
            if (update.ParticipantId != joined?.ParticipantId)
            {
                ParticipantUpdated?.Invoke(update);
            }
            else if (update.Participant is { } self)
            {
                Self = self;
                SelfUpdated?.Invoke(update);
            }
        }
        if (roster.HasGap)
            ScheduleRosterResync();
    }

    // A gap may be reordering (the next update is already on its way): wait briefly, then ask the
    // server for a snapshot if it is still open, or at once when the buffer is full.
    private void ScheduleRosterResync()
    {
        if (Interlocked.Exchange(ref resyncScheduled, 1) == 1)
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                if (roster.BufferedCount < RosterTracker.MaxBuffered)
                    await Task.Delay(RosterGapTolerance, lifetime.Token).ConfigureAwait(false);
                if (!roster.HasGap || connection is not { } current)
                    return;
                var snapshot = await current.GetRosterAsync(lifetime.Token).ConfigureAwait(false);
                Interlocked.Increment(ref rosterResyncs);
                RaiseUpdates(roster.ApplySnapshot(snapshot.Version, snapshot.Participants, joined!.ParticipantId));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SignalingErrorException or InvalidOperationException or IOException or ObjectDisposedException)
            {
                // Leaving, or the connection is being replaced: the next welcome is a snapshot anyway.
            }
            finally
            {
                Volatile.Write(ref resyncScheduled, 0);
            }
            if (roster.HasGap)
                ScheduleRosterResync();
        }, CancellationToken.None);
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(lifetime.Token).ConfigureAwait(false))
            {
                if (connection is { } current)
                {
                    try
                    {
                        await current.PingAsync(lifetime.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SignalingErrorException or InvalidOperationException or IOException)
                    {
                        // The closed handler reconnects.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReconnectAsync(ISignalingConnection lost, Exception? error)
    {
        // A connection that closes while it is still being opened (refused with 429 in a storm) is that
        // connect's own failure, retried by whoever opened it; reconnecting it too made two connections of
        // one participant race, and the server refused the older with 409 "replaced".
        if (ReferenceEquals(Volatile.Read(ref connecting), lost))
            return;
        if (lifetime.IsCancellationRequested || Interlocked.Exchange(ref reconnecting, 1) == 1)
            return;
        try
        {
            Interlocked.CompareExchange(ref connection, null, lost);
            await lost.DisposeAsync().ConfigureAwait(false);
            for (var attempt = 0; attempt < options.Reconnect.MaxAttempts && !lifetime.IsCancellationRequested; attempt++)
            {
                var delay = options.Reconnect.GetDelay(attempt, jitter);
                Reconnecting?.Invoke(attempt + 1, delay);
                try
                {
                    await Task.Delay(delay, lifetime.Token).ConfigureAwait(false);
                    var welcome = await ConnectAsync(lifetime.Token).ConfigureAwait(false);
                    Reconnected?.Invoke(welcome);
                    return;
                }
                catch (SignalingErrorException ex) when (ex.Code is SignalingErrorCodes.Unauthorized or SignalingErrorCodes.Forbidden or SignalingErrorCodes.NotFound or SignalingErrorCodes.MeetingEnded)
                {
                    // Retrying cannot help: the token or the meeting is no longer good.
                    error = ex;
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (ex is SignalingErrorException { Code: SignalingErrorCodes.RateLimited })
                        Interlocked.Increment(ref connectsRefused);
                    else
                        MoveToNextNode();
                    error = ex;
                }
            }
            if (!lifetime.IsCancellationRequested)
                Disconnected?.Invoke(error);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref reconnecting, 0);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var detail = text;
            try
            {
                using var problem = JsonDocument.Parse(text);
                if (problem.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } s)
                    detail = s;
            }
            catch (JsonException)
            {
            }
            throw new SignalingErrorException((int)response.StatusCode, detail);
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Text(JsonElement body, string name) => body.GetProperty(name).GetString() ?? "";

    // The join response names the gRPC endpoint; a missing or unusable one falls back to the options.
    private static Uri? AnnouncedGrpcAddress(JsonElement body) =>
        body.TryGetProperty("signaling", out var signaling) && signaling.ValueKind == JsonValueKind.Object &&
        signaling.TryGetProperty("grpc", out var grpc) && grpc.ValueKind == JsonValueKind.String &&
        Uri.TryCreate(grpc.GetString(), UriKind.Absolute, out var address)
            ? address
            : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await LeaveAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SignalingErrorException or IOException or InvalidOperationException or OperationCanceledException or HttpRequestException)
        {
            // Disposing must not throw: the connection may be gone or refused by now.
        }
        if (heartbeat is not null)
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Publisher is not null)
            await Publisher.DisposeAsync().ConfigureAwait(false);
        if (Subscriber is not null)
            await Subscriber.DisposeAsync().ConfigureAwait(false);
        lifetime.Dispose();
        if (ownsHttp)
            http.Dispose();
        publisherNegotiation.Dispose();
    }

    // Keeps the roster and forwards to the public events.
    private sealed class Events(MeetClient client) : ISignalingEvents
    {
        public void OnSubscriberOffer(string sdp, long version)
        {
            // Offers are answered in arrival order, each naming the version it answers.
            if (client.options.AnswerSubscriberOffers)
            {
                lock (client.events)
                    client.subscriberAnswers = client.subscriberAnswers.ContinueWith(_ => client.AnswerSubscriberOfferAsync(sdp, version), TaskScheduler.Default).Unwrap();
            }
            client.SubscriberOfferReceived?.Invoke(sdp);
        }

        public void OnParticipantUpdate(ParticipantUpdateMessage update) => client.RaiseUpdates(client.roster.Apply(update));

        public void OnError(ErrorMessage error) => client.ErrorReceived?.Invoke(error);

        public void OnMediaReconnect(string reason, bool newNode)
        {
            if (newNode && client.options.AnswerSubscriberOffers)
            {
                // Ordered with the offers: the new node's first subscriber offer follows this message and
                // must find no old subscriber PeerConnection (it has new ICE credentials and DTLS keys).
                lock (client.events)
                    client.subscriberAnswers = client.subscriberAnswers.ContinueWith(_ => client.DropSubscriberAsync(), TaskScheduler.Default).Unwrap();
                _ = client.RepublishAsync();
            }
            client.MediaReconnectRequested?.Invoke(reason);
        }

        public void OnActiveSpeaker(ActiveSpeakerMessage speaker)
        {
            client.ActiveSpeaker = speaker;
            client.ActiveSpeakerChanged?.Invoke(speaker);
        }

        public void OnSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots)
        {
            var byMid = new Dictionary<string, SlotAssignmentMessage>(StringComparer.Ordinal);
            foreach (var slot in slots)
                byMid[slot.Mid] = slot;
            client.slotsByMid = byMid;
            client.SlotAssignments = slots;
            client.SlotAssignmentsChanged?.Invoke(slots);
        }

        public void OnClosed(ISignalingConnection connection, Exception? error) => _ = client.ReconnectAsync(connection, error);

        public void OnChat(ChatMessage message) => client.ChatReceived?.Invoke(message);

        public void OnMeetingState(MeetingStateMessage state)
        {
            client.MeetingLocked = state.Locked;
            client.MeetingStateChanged?.Invoke(state);
        }

        public void OnNotice(NoticeMessage notice) => client.NoticeReceived?.Invoke(notice);
    }
}
