import { describeJoinError, joinMeeting, type JoinMeetingResponse } from './api';
import { h, mount, storage } from './dom';
import { icon } from './ui/icons';
import { getLocalMedia, MediaSession, type RemoteStats } from './media';
import { NetworkHandover } from './handover';
import { MediaFailover } from './failover';
import { MixedAudioPlayer } from './mixedAudio';
import { Roster } from './roster';
import { DeviceSwitcher } from './devices';
import { E2eeSession, keyFromLink } from './e2ee/session';
import { e2eeBadge, e2eeJoinProblem, e2eeTestHook, missingKeyNotice, showDecryptState, type E2eeTestHook } from './e2ee/ui';
import { PinControls } from './pins';
import { ScreenShare, ScreenStage } from './screenshare';
import { SpeakerStage } from './speakerstage';
import { inboundStreams, type InboundStream } from './streamstats';
import { hubErrorCode, SignalingClient, type ChatMessage, type NoticeMessage, type ParticipantInfo, type ParticipantUpdateMessage, type WelcomeMessage } from './signaling';
import { InCallControls } from './ui/in-call';
import { TileSizeReporter, type TileSizeReport } from './tiles';
import { Dynacast } from './dynacast';
import { QualityIndicator, type QualityLevel } from './quality';
import { showPrejoin } from './ui/prejoin';

// A gap in roster versions this long (not closed by reordering) makes the page fetch a snapshot.
const rosterGapToleranceMs = 500;

// The hook the browser tests read (Meet.Tests/Browser): identity, timing and per-participant stats.
export interface MeetTestHook {
  meetingId: string;
  participantId: string | null;
  state: 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';
  joinStartedAt: number;
  firstRemoteFrameAt: number | null;
  remoteParticipants(): string[];
  // The roster as this page holds it (sorted ids of everyone else) and its version.
  roster(): { version: number; participants: string[] };
  // The dominant speaker the server last announced (null before anyone spoke).
  activeSpeaker: string | null;
  stats(): Promise<Record<string, RemoteStats>>;
  // Issue 13: our role, the roster with hands and mute states, the chat as shown, notices received.
  role: string;
  rosterDetails(): ParticipantInfo[];
  chatMessages(): ChatMessage[];
  notices: NoticeMessage[];
  // Bounded subscriber slots: mid -> the participant the slot shows (null = idle).
  slots(): Record<string, string | null>;
  // Issue 10: the participants this page pinned, in order.
  pinned(): string[];
  // The subscriber PeerConnection's current remote description (the SFU's offer).
  subscriberSdp(): string;
  // Encodings the camera is sent with after negotiation: 3 with simulcast, 1 without.
  videoEncodings(): number;
  // Turns the camera's simulcast encodings (q/h/f) on and off, to make the SFU switch layers.
  setVideoLayers(active: boolean[]): Promise<void>;
  // Issue 13: switches our camera/microphone in the call (devices.ts); resolves to the new track's id.
  switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<string>;
  // The publisher's local description (unchanged by a device switch) and the ids of the tracks it sends.
  publisherSdp(): string;
  publisherTracks(): string[];
  leave(): Promise<void>;
  // Network handover (handover.ts): ICE restarts this page started.
  iceRestarts(): number;
  // Media-node failover (failover.ts): moves to another media node, whether one is in progress, and
  // when the last one started and completed (performance.now()).
  mediaMoves(): ReturnType<MediaFailover['state']>;
  // Fallback signaling nodes (signalingnodes.ts): the hub this page uses now and how often it moved.
  signalingNode(): { url: string; switches: number } | null;
  // Everyone this page was told left (LEFT updates), in order: a media-node move must add no one.
  departures: string[];
  // Whether the current publisher sends its microphone track enabled (null: no microphone sender).
  publisherAudioEnabled(): boolean | null;
  // End-to-end encryption: whether this meeting uses it, this page's key state and frame counters.
  e2ee: E2eeTestHook;
  // Issue 11: the tile sizes this page reports now, the encodings dynacast switched (mid -> rid -> active)
  // and each remote tile's quality level.
  tileSizes(): TileSizeReport[];
  dynacast(): Record<string, Record<string, boolean>>;
  quality(): (QualityLevel | null)[];
  // Issue 10: whom the speaker stage shows (and whether through the SFU's speaker slot), and the
  // subscriber's inbound streams per m-section from getStats.
  speakerStage(): { participantId: string; fromSlot: boolean; mid: string | null } | null;
  inboundStreams(): Promise<InboundStream[]>;
}

declare global {
  interface Window { meet?: MeetTestHook }
}

interface Tile {
  element: HTMLElement;
  video: HTMLVideoElement;
  audio: HTMLAudioElement;
  name: HTMLElement;
  badges: HTMLElement;
  audioMuted: boolean;
  videoMuted: boolean;
}

// A visitor without a stored name gets the pre-join screen (does the meeting exist, name, devices,
// preview); someone who has joined before goes straight in.
export function showMeeting(meetingId: string): void {
  if (!storage.name) {
    void showPrejoin(meetingId, () => showMeeting(meetingId));
    return;
  }
  void new MeetingPage(meetingId, storage.name).start();
}

class MeetingPage {
  private readonly tiles = new Map<string, Tile>();
  private readonly grid = h('section', { id: 'grid', class: 'grid', 'aria-label': 'Participants' });
  private readonly status = h('div', { id: 'status', class: 'banner', role: 'status', hidden: '' });
  private readonly mediaError = h('div', { id: 'media-error', class: 'banner warn', role: 'alert', hidden: '' });
  private readonly localVideo = h('video', { id: 'local-video', autoplay: '', playsinline: '', 'aria-label': 'Your camera' });
  // Roster panel, chat, hand, host controls and the toolbar (issue 13) live in ui/; this page wires them.
  private readonly controls: InCallControls;
  // Issue 10's screen share; its button joins the issue 13 toolbar.
  private readonly devices = new DeviceSwitcher({
    localStream: () => this.local,
    publisher: () => this.media?.publisher ?? null,
    trackReplaced: () => {
      if (this.local) this.localVideo.srcObject = this.local;
      this.updateButtons();
    },
  });
  // An icon with its label, like the rest of the toolbar (issue 13: icons rather than text-only buttons).
  private readonly shareButton = h('button', { id: 'share-screen', type: 'button', class: 'tool secondary', 'aria-pressed': 'false', 'aria-label': 'Share screen', title: 'Share screen' },
    icon('screen'), h('span', { class: 'label-text' }, 'Share screen'));
  private readonly screenStage = new ScreenStage();
  private readonly speakerStage = new SpeakerStage();
  private readonly screenShare = new ScreenShare(() => this.media, (sharing, error) => {
    const label = sharing ? 'Stop sharing' : 'Share screen';
    this.shareButton.querySelector('.label-text')!.textContent = label;
    this.shareButton.setAttribute('aria-label', label);
    this.shareButton.title = label;
    this.shareButton.setAttribute('aria-pressed', String(sharing));
    if (error) this.showStatus(error, true);
  });
  private readonly mixedAudio = new MixedAudioPlayer();
  // Grid, or speaker view: the active speaker large, everyone else in a strip.
  // Issue 10: a pin button per tile (pins.ts).
  private readonly pins = new PinControls(ids => this.signaling?.pin(ids), (text, warn) => this.showStatus(text, warn));
  private readonly layoutButton: HTMLButtonElement;
  private readonly hook: MeetTestHook;
  private handover: NetworkHandover | null = null;
  // Issue 15: MEDIA_RECONNECT with a new node rebuilds the PeerConnections against it (failover.ts).
  private readonly failover = new MediaFailover({
    replaceMedia: () => this.newMediaSession(),
    isCurrent: media => this.media === media,
    localMedia: () => this.localReady.then(() => this.local),
    addExtraTracks: media => this.screenShare.moveTo(media),
    publish: (media, local) => media.publish(local, simulcastWanted()),
    moving: (active, problem) => {
      this.grid.classList.toggle('media-moving', active);
      if (active) this.showStatus('Reconnecting media…', true);
      else if (problem) this.showStatus(problem, true);
      else this.hideStatus();
    },
  });
  // Settles when the join's camera/microphone request has (this.local set, or null).
  private localReady: Promise<void> = Promise.resolve();
  private readonly roster = new Roster();
  private resyncTimer: number | undefined;
  private signaling: SignalingClient | null = null;
  private media: MediaSession | null = null;
  // Issue 11: tile sizes and the quality dots follow the current MediaSession; dynacast our publisher.
  private tileSizes: TileSizeReporter | null = null;
  private quality: QualityIndicator | null = null;
  private readonly dynacast = new Dynacast(() => this.media?.publisher ?? null);
  private local: MediaStream | null = null;
  private iceServers: RTCIceServer[] = [];
  private left = false;
  // Set when the join response says the meeting is end-to-end encrypted (e2ee/session.ts).
  private e2ee: E2eeSession | null = null;

  constructor(private readonly meetingId: string, private readonly displayName: string) {
    this.localVideo.muted = true;
    this.controls = new InCallControls(meetingId, displayName, {
      signaling: () => this.signaling,
      roster: () => this.roster,
      activeSpeaker: () => this.hook.activeSpeaker,
      toggleMic: () => this.toggle('audio'),
      toggleCamera: () => this.toggle('video'),
      setMuted: (kind, muted) => this.setMuted(kind, muted),
      leave: () => void this.leave(),
      showStatus: (text, warn) => this.showStatus(text, warn),
      endPage: (title, message) => this.fail(message, title),
    });
    this.layoutButton = this.controls.layoutButton;
    const controls = this.controls;
    this.hook = {
      meetingId,
      participantId: null,
      state: 'joining',
      joinStartedAt: performance.now(),
      firstRemoteFrameAt: null,
      remoteParticipants: () => [...this.tiles.keys()],
      activeSpeaker: null,
      roster: () => ({ version: this.roster.version, participants: [...this.roster.participants.keys()].sort() }),
      stats: () => this.media?.remoteStats() ?? Promise.resolve({}),
      slots: () => this.media?.slots.assignments() ?? {},
      pinned: () => this.pins.list(),
      subscriberSdp: () => this.media?.subscriber.remoteDescription?.sdp ?? '',
      videoEncodings: () => this.media?.publisher.getSenders().find(x => x.track?.kind === 'video')?.getParameters().encodings.length ?? 0,
      setVideoLayers: async active => {
        const sender = this.media?.publisher.getSenders().find(x => x.track?.kind === 'video');
        if (!sender) return;
        await this.dynacast.limit(sender, active);
      },
      switchDevice: (kind, deviceId) => this.devices.switchTo(kind, deviceId),
      publisherSdp: () => this.media?.publisher.localDescription?.sdp ?? '',
      publisherTracks: () => this.media?.publisher.getSenders().flatMap(x => x.track ? [x.track.id] : []) ?? [],
      leave: () => this.leave(),
      iceRestarts: () => this.handover?.count ?? 0,
      mediaMoves: () => this.failover.state(),
      signalingNode: () => this.signaling?.node() ?? null,
      departures: [],
      publisherAudioEnabled: () => this.media?.publisher.getSenders().find(x => x.track?.kind === 'audio')?.track?.enabled ?? null,
      e2ee: e2eeTestHook(meetingId, () => this.e2ee),
      tileSizes: () => this.tileSizes?.current() ?? [],
      dynacast: () => Object.fromEntries(this.dynacast.states),
      quality: () => this.quality?.levels() ?? [],
      speakerStage: () => {
        const source = this.speakerStage.source;
        return source ? { participantId: source.participantId, fromSlot: source.fromSlot, mid: this.media?.transceiverOf(source.track)?.mid ?? null } : null;
      },
      inboundStreams: () => this.media ? inboundStreams(this.media.subscriber) : Promise.resolve([]),
      get role() { return controls.role; },
      set role(_: string) { /* read-only for tests */ },
      rosterDetails: () => [...this.roster.participants.values()].map(p => ({ ...p })),
      chatMessages: () => controls.chatMessages(),
      notices: controls.notices,
    };
    window.meet = this.hook;
  }

  async start(): Promise<void> {
    // The self-view is a cell of the grid (never an overlay), so it can never cover someone else's tile.
    this.grid.append(h('div', { class: 'self-view', 'aria-label': 'You' }, this.localVideo, h('span', { class: 'name' }, `${this.displayName} (you)`)));
    mount(h('div', { class: 'meeting-shell' },
      h('main', { class: 'meeting' },
        this.controls.header,
        this.status, this.mediaError,
        this.screenStage.element,
        this.speakerStage.element,
        this.grid,
        this.controls.toolbar),
      this.controls.sidePanels));
    this.controls.toolbar.insertBefore(this.shareButton, this.layoutButton);
    this.controls.toolbar.insertBefore(this.devices.element, this.layoutButton);
    this.shareButton.onclick = () => void this.screenShare.toggle();
    this.layoutButton.onclick = () => {
      const speakerView = !this.grid.classList.contains('speaker-view');
      this.grid.classList.toggle('speaker-view', speakerView);
      this.layoutButton.setAttribute('aria-pressed', String(speakerView));
      this.controls.setLabel(this.layoutButton, speakerView ? 'Grid view' : 'Speaker view');
      this.refreshStage();
    };
    this.showStatus('Joining…');

    // The REST join and the camera prompt run in parallel: both are on the join-time path.
    this.hook.joinStartedAt = performance.now();
    const mediaPromise = navigator.mediaDevices
      ? getLocalMedia(storage.cameraId, storage.microphoneId)
      : Promise.resolve({ stream: null, error: 'This page is not a secure context (use HTTPS or localhost): no camera or microphone.' });
    let joined: JoinMeetingResponse;
    try {
      // Our identity: the host token of a meeting this tab created, else our token from an earlier join
      // (a reload keeps us the same participant), else the invitation in the link, else a guest.
      const invitation = new URLSearchParams(location.search).get('invite') ?? undefined;
      joined = await joinMeeting(this.meetingId, storage.userId, this.displayName,
        storage.hostToken(this.meetingId) ?? storage.participantToken(this.meetingId), invitation);
      storage.setParticipantToken(this.meetingId, joined.accessToken);
    } catch (error) {
      (await mediaPromise).stream?.getTracks().forEach(t => t.stop());
      this.fail(describeJoinError(error));
      return;
    }
    this.hook.participantId = joined.participantId;
    this.iceServers = joined.iceServers ?? [];
    if (joined.e2ee && !this.startEncryption(mediaPromise)) return;
    this.controls.onJoined(joined);

    const hubUrl = new URL(joined.signaling.signalR, location.origin);
    // The page is served by the node it joins; an absolute URL built from PublicBaseUrl may name a
    // proxy this browser cannot reach, so only its path is used.
    this.signaling = new SignalingClient(hubUrl.pathname + hubUrl.search, joined.accessToken, {
      subscriberOffer: (sdp, version) => void this.media?.onSubscriberOffer(sdp, version),
      participantUpdate: update => this.onRosterUpdate(update),
      activeSpeaker: message => this.onActiveSpeaker(message.participantId),
      slotAssignments: slots => { this.media?.applySlotAssignments(slots); this.refreshStage(); },
      publisherLayers: message => void this.dynacast.apply(message),
      // 410: the host ended the meeting while we were in it; 403 after joining: the host removed us.
      // The server closes our session next in both cases.
      error: (code, message) => code === 410 ? this.fail('This meeting has ended.', 'Meeting ended')
        : code === 403 && this.hook.state !== 'joining' ? this.fail('The host removed you from this meeting.', 'Removed from the meeting')
          : this.showStatus(`Server error ${code}: ${message}`, true),
      chat: message => this.controls.onChat(message),
      meetingState: state => this.controls.onMeetingState(state.locked),
      notice: notice => this.controls.onNotice(notice),
      // A new node: new PeerConnections (failover.ts); the same node: an ICE restart of our publisher.
      mediaReconnect: (reason, newNode) => newNode ? this.failover.move(reason)
        : void this.media?.negotiatePublisher(true).catch(e => console.error(e)),
      reconnecting: () => { this.hook.state = 'reconnecting'; this.showStatus('Connection lost. Reconnecting…', true); },
      reconnected: () => void this.onReconnected(),
      closed: () => this.onClosed(),
    }, joined.signaling.signalRFallbacks ?? []);
    // Signaling connects while the camera starts; publishing waits for the camera.
    const localReady = this.localReady = mediaPromise.then(({ stream, error }) => {
      // Encrypted meeting, no key in the link: nothing of ours may go out, so no camera at all.
      if (this.e2ee && !this.e2ee.hasKey) {
        stream?.getTracks().forEach(t => t.stop());
        stream = null;
        error = null;
      }
      this.local = stream;
      if (error) this.showMediaError(error);
      if (stream) this.localVideo.srcObject = stream;
      this.updateButtons();
    });
    try {
      await this.joinCall(() => this.signaling!.start(this.displayName), localReady);
      if (this.local && joined.muted) this.setMuted('audio', true); // defaultMuted: others see it too
    } catch (e) {
      const code = hubErrorCode(e);
      this.fail(code === 404 ? 'This meeting does not exist.'
        : code === 410 ? 'This meeting has ended.'
          : `Could not connect to the meeting: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // Joins the signaling session and (re)builds both PeerConnections. The server ends a session
  // when its connection drops, so after a SignalR reconnect this runs again with fresh media.
  private async joinCall(join: () => Promise<WelcomeMessage>, localReady: Promise<void> = Promise.resolve()): Promise<void> {
    for (const id of [...this.tiles.keys()]) this.removeTile(id);
    const media = this.newMediaSession();
    // Updates that arrive before the welcome is applied wait in the roster, not lost.
    this.roster.beginSnapshot();
    const welcome = await join();
    this.hook.participantId = welcome.participantId;
    this.roster.applySnapshot(welcome.rosterVersion ?? 0, welcome.participants, welcome.participantId);
    await this.controls.onWelcome(welcome);
    this.syncTiles();
    this.e2ee?.configure(welcome.participantId);
    await localReady;
    // A media-node move during the join has built newer PeerConnections and publishes on them itself.
    if (this.media === media) await media.publish(this.local, simulcastWanted());
    this.hook.state = 'joined';
    this.hideStatus();
  }

  // Closes the current PeerConnections and makes new ones current (a join, a rejoin, a media-node move).
  private newMediaSession(): MediaSession {
    this.media?.close();
    this.mixedAudio.stop();
    const media = new MediaSession(this.signaling!, {
      // A mix meeting's one audio stream has no participant tile (mixedAudio.ts).
      track: (participantId, track) => {
        if (!this.mixedAudio.accepts(participantId, track, resume => this.showStatus('Click anywhere to turn on sound.', true, resume)))
          this.onRemoteTrack(participantId, track);
      },
      trackEnded: (participantId, track) => this.onRemoteTrackEnded(participantId, track),
      screenTrack: (participantId, track) => this.screenStage.show(this.roster.participants.get(participantId)?.displayName ?? 'Someone', track),
      screenTrackEnded: (_, track) => this.screenStage.hide(track),
      connectionState: (pc, state) => { if (this.media === media) this.onConnectionState(pc, state); },
    }, this.iceServers, this.e2ee);
    this.media = media;
    media.slots.onSpeakerChange = () => this.refreshStage();
    this.handover?.stop();
    this.handover = new NetworkHandover(media, this.signaling!);
    this.watchTiles(media);
    return media;
  }

  private onRosterUpdate(update: ParticipantUpdateMessage): void {
    const applied = this.roster.apply(update);
    for (const change of applied) this.onParticipantUpdate(change);
    if (applied.length) this.controls.onRosterChanged(applied);
    if (this.roster.hasGap) this.scheduleRosterResync();
  }

  // A gap may be reordering: wait briefly, then take a snapshot from the server if it is still open.
  private scheduleRosterResync(): void {
    if (this.resyncTimer !== undefined) return;
    this.resyncTimer = window.setTimeout(() => {
      this.resyncTimer = undefined;
      if (!this.roster.hasGap || !this.signaling?.connected) return;
      this.signaling.getRoster().then(snapshot => {
        this.roster.applySnapshot(snapshot.version, snapshot.participants, this.hook.participantId ?? '');
        this.syncTiles();
        this.controls.onRosterChanged([]);
      }).catch(e => console.error('roster resync failed', e));
    }, this.roster.bufferedCount > 1000 ? 0 : rosterGapToleranceMs);
  }

  // The SFU's dominant speaker (server-side detection from audio levels, not the loudest packet).
  private onActiveSpeaker(participantId: string | null): void {
    this.hook.activeSpeaker = participantId;
    for (const [id, tile] of this.tiles) tile.element.classList.toggle('speaking', id === participantId);
    this.controls.onRosterChanged([]);
    this.refreshStage();
  }

  // The speaker stage (speakerstage.ts): the SFU's speaker slot when it carries someone; in speaker
  // view, otherwise the active speaker's grid video.
  private refreshStage(): void {
    const slot = this.media?.slots.speakerSlot();
    const speakerView = this.grid.classList.contains('speaker-view');
    let source: { participantId: string; track: MediaStreamTrack; fromSlot: boolean } | null = null;
    if (slot?.participantId && slot.track) {
      source = { participantId: slot.participantId, track: slot.track, fromSlot: true };
    } else if (speakerView && this.hook.activeSpeaker) {
      const track = (this.tiles.get(this.hook.activeSpeaker)?.video.srcObject as MediaStream | null)?.getVideoTracks()[0];
      if (track) source = { participantId: this.hook.activeSpeaker, track, fromSlot: false };
    }
    this.speakerStage.show(source && { ...source, name: this.tiles.get(source.participantId)?.name.textContent ?? 'Speaker' }, this.tileSizes);
  }

  // Tiles follow the roster: one per participant in it, none for anyone who left.
  private syncTiles(): void {
    for (const id of [...this.tiles.keys()]) if (!this.roster.participants.has(id)) this.removeTile(id);
    for (const p of this.roster.participants.values()) this.ensureTile(p.participantId, p.displayName, p);
  }

  private onParticipantUpdate(update: ParticipantUpdateMessage): void {
    if (update.participantId === this.hook.participantId) {
      this.controls.onSelfUpdate(update);
      return;
    }
    if (update.action === 'JOINED' || update.action === 'LEFT') this.e2ee?.membershipChanged();
    switch (update.action) {
      case 'JOINED':
        this.ensureTile(update.participantId, update.displayName);
        break;
      case 'LEFT':
        this.hook.departures.push(update.participantId);
        this.removeTile(update.participantId);
        break;
      case 'MUTED':
      case 'UNMUTED': {
        const tile = this.ensureTile(update.participantId, update.displayName);
        const muted = update.action === 'MUTED';
        if (update.kind === 'audio') tile.audioMuted = muted;
        if (update.kind === 'video') tile.videoMuted = muted;
        this.renderBadges(tile);
        break;
      }
      case 'HAND_RAISED':
      case 'HAND_LOWERED':
        this.tiles.get(update.participantId)?.element.classList.toggle('hand-raised', update.action === 'HAND_RAISED');
        break;
    }
  }

  private ensureTile(participantId: string, displayName?: string, info?: ParticipantInfo): Tile {
    let tile = this.tiles.get(participantId);
    if (!tile) {
      const video = h('video', { autoplay: '', playsinline: '' });
      video.muted = true; // sound plays through the audio element, so autoplay rules never stall video
      const audio = h('audio', { autoplay: '' });
      const name = h('span', { class: 'name' });
      const badges = h('span', { class: 'badges' });
      const placeholder = h('div', { class: 'placeholder', 'aria-hidden': 'true' });
      const element = h('div', { class: 'tile', 'data-participant-id': participantId }, video, placeholder, audio, h('div', { class: 'label' }, name, badges));
      tile = { element, video, audio, name, badges, audioMuted: false, videoMuted: false };
      this.tiles.set(participantId, tile);
      this.grid.append(element);
      this.layout();
      video.addEventListener('loadeddata', () => this.onFirstFrame());
      const withCallback = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
      withCallback.requestVideoFrameCallback?.(() => this.onFirstFrame());
      this.pins.attach(participantId, element, () => tile?.name.textContent ?? 'Guest');
    }
    if (displayName) tile.name.textContent = displayName;
    else if (!tile.name.textContent) tile.name.textContent = 'Guest';
    const placeholder = tile.element.querySelector('.placeholder');
    if (placeholder) placeholder.textContent = (tile.name.textContent ?? '?').trim().slice(0, 1).toUpperCase();
    tile.element.classList.toggle('speaking', participantId === this.hook.activeSpeaker);
    if (info) {
      tile.audioMuted = info.audioMuted;
      tile.videoMuted = info.videoMuted;
      tile.element.classList.toggle('hand-raised', !!info.handRaised);
    }
    this.renderBadges(tile);
    return tile;
  }

  private removeTile(participantId: string): void {
    const tile = this.tiles.get(participantId);
    if (!tile) return;
    this.tileSizes?.unobserve(tile.video);
    this.quality?.detach(tile.video);
    tile.video.srcObject = null;
    tile.audio.srcObject = null;
    tile.element.remove();
    this.tiles.delete(participantId);
    this.pins.forget(participantId);
    this.layout();
  }

  private onRemoteTrack(participantId: string, track: MediaStreamTrack): void {
    const tile = this.ensureTile(participantId);
    const target = track.kind === 'video' ? tile.video : tile.audio;
    const stream = (target.srcObject as MediaStream | null) ?? new MediaStream();
    // By object, not id: after a media-node move the new node's track may carry the old one's msid id.
    stream.getTracks().filter(t => t.kind === track.kind && t !== track).forEach(t => stream.removeTrack(t));
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
    target.srcObject = stream;
    if (track.kind === 'video') {
      this.tileSizes?.observe(tile.video);
      this.quality?.attach(tile.element, tile.video);
      // Last-N: a camera the SFU does not forward to us sends no packets and the track mutes; the tile
      // then shows the name instead of a frozen frame.
      track.onmute = () => tile.element.classList.add('paused');
      track.onunmute = () => tile.element.classList.remove('paused');
      tile.element.classList.toggle('paused', track.muted);
      if (participantId === this.hook.activeSpeaker) this.refreshStage();
    }
    target.play().catch(() => {
      if (track.kind === 'audio') this.showStatus('Click anywhere to turn on sound.', true, () => tile.audio.play());
    });
  }

  private onRemoteTrackEnded(participantId: string, track: MediaStreamTrack): void {
    const tile = this.tiles.get(participantId);
    if (!tile) return;
    for (const element of [tile.video, tile.audio]) {
      const stream = element.srcObject as MediaStream | null;
      if (stream?.getTracks().includes(track)) stream.removeTrack(track);
    }
  }

  // Issue 11: report tile sizes (tiles.ts) and show quality dots (quality.ts) for this MediaSession.
  private watchTiles(media: MediaSession): void {
    this.tileSizes?.close();
    this.quality?.close();
    this.tileSizes = new TileSizeReporter(tiles => this.signaling?.setTileSizes(tiles) ?? Promise.resolve(),
      track => media.transceiverOf(track)?.mid ?? null);
    this.quality = new QualityIndicator(track => media.transceiverOf(track)?.receiver ?? null);
  }

  private onFirstFrame(): void {
    if (this.hook.firstRemoteFrameAt === null) this.hook.firstRemoteFrameAt = performance.now();
  }

  private onConnectionState(pc: 'publisher' | 'subscriber', state: RTCPeerConnectionState): void {
    if (this.left) return;
    if (state === 'failed') this.showStatus(`Media connection (${pc}) failed. Trying again…`, true);
    else if (state === 'disconnected') this.showStatus('Media connection interrupted…', true);
    else if (state === 'connected' && this.hook.state === 'joined' && !this.failover.state().moving) this.hideStatus();
    if (state === 'failed' && pc === 'publisher') void this.media?.negotiatePublisher(true).catch(e => console.error(e));
  }

  private async onReconnected(): Promise<void> {
    this.showStatus('Reconnected. Rejoining…');
    try {
      await this.joinCall(() => this.signaling!.rejoin(this.displayName));
      // Mute state belongs to the old session: tell the new one.
      for (const kind of ['audio', 'video'] as const) {
        const track = kind === 'audio' ? this.local?.getAudioTracks()[0] : this.local?.getVideoTracks()[0];
        if (track && !track.enabled) this.signaling?.setMuted(kind, true).catch(() => undefined);
      }
    } catch (e) {
      if (hubErrorCode(e) === 410) this.fail('This meeting has ended.', 'Meeting ended');
      else this.showStatus(`Could not rejoin the meeting: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  private onClosed(): void {
    if (this.left || this.hook.state === 'failed') return;
    this.hook.state = 'failed';
    const rejoin = h('button', { type: 'button', id: 'rejoin' }, 'Rejoin');
    rejoin.onclick = () => location.reload();
    this.status.replaceChildren('Connection to the meeting was lost. ', rejoin);
    this.status.classList.add('warn');
    this.status.hidden = false;
    this.media?.close();
  }

  private toggle(kind: 'audio' | 'video'): void {
    const tracks = kind === 'audio' ? this.local?.getAudioTracks() : this.local?.getVideoTracks();
    if (!tracks?.length) return;
    this.setMuted(kind, tracks[0].enabled);
  }

  private setMuted(kind: 'audio' | 'video', muted: boolean): void {
    const tracks = kind === 'audio' ? this.local?.getAudioTracks() : this.local?.getVideoTracks();
    tracks?.forEach(t => { t.enabled = !muted; });
    this.updateButtons();
    this.signaling?.setMuted(kind, muted).catch(() => undefined);
  }

  private updateButtons(): void {
    const audio = this.local?.getAudioTracks()[0];
    const video = this.local?.getVideoTracks()[0];
    const micOff = !audio || !audio.enabled;
    const camOff = !video || !video.enabled;
    this.controls.renderMediaButtons(!!audio, micOff, !!video, camOff);
    this.localVideo.classList.toggle('off', camOff);
  }

  // An encrypted meeting: refuse where this browser cannot encrypt or the link's key is damaged;
  // without a key, join to see who is there but publish nothing (never clear media).
  private startEncryption(mediaPromise: Promise<{ stream: MediaStream | null }>): boolean {
    const key = keyFromLink();
    const problem = e2eeJoinProblem(key);
    if (problem) {
      void mediaPromise.then(m => m.stream?.getTracks().forEach(t => t.stop()));
      this.fail(problem);
      return false;
    }
    this.e2ee = new E2eeSession(key.state === 'present' ? key.secret : null, (mid, decryptable) => {
      const owner = this.media?.ownerOf(mid);
      const tile = owner ? this.tiles.get(owner) : undefined;
      if (tile) showDecryptState(tile.element, decryptable);
    });
    document.querySelector('header')?.append(e2eeBadge());
    if (!this.e2ee.hasKey) this.showMediaError(missingKeyNotice);
    return true;
  }

  private async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.handover?.stop();
    this.controls.dispose();
    this.hook.state = 'left';
    try {
      await this.signaling?.leave();
    } catch {
      // Leaving must always work locally; the server also frees us when the socket closes.
    }
    this.media?.close();
    this.tileSizes?.close();
    this.quality?.close();
    this.e2ee?.close();
    this.mixedAudio.stop();
    this.local?.getTracks().forEach(t => t.stop());
    const rejoin = h('button', { type: 'button', id: 'rejoin' }, 'Rejoin');
    rejoin.onclick = () => location.reload();
    mount(h('main', { class: 'landing' }, h('h1', {}, 'You left the meeting'), rejoin, h('p', {}, h('a', { href: '/' }, 'Back to start'))));
  }

  private fail(message: string, title = 'Cannot join'): void {
    if (this.hook.state === 'failed' && document.getElementById('meeting-error')) return;
    this.hook.state = 'failed';
    this.controls.dispose();
    this.signaling?.leave().catch(() => undefined);
    this.media?.close();
    this.e2ee?.close();
    this.local?.getTracks().forEach(t => t.stop());
    mount(h('main', { class: 'landing' },
      h('h1', {}, title),
      h('p', { id: 'meeting-error', class: 'error', role: 'alert' }, message),
      h('p', {}, h('a', { href: '/' }, 'Back to start'))));
  }

  private renderBadges(tile: Tile): void {
    tile.badges.textContent = [tile.audioMuted ? 'muted' : '', tile.videoMuted ? 'video off' : ''].filter(Boolean).join(' · ');
    tile.element.classList.toggle('video-off', tile.videoMuted);
  }

  // Columns grow with the square root of the count so tiles stay close to 16:9 on any screen.
  private layout(): void {
    // The self-view takes a cell too.
    const count = this.tiles.size + 1;
    this.grid.style.setProperty('--columns', String(Math.ceil(Math.sqrt(count))));
    this.grid.classList.toggle('empty', this.tiles.size === 0);
  }

  private showStatus(text: string, warn = false, onClick?: () => unknown): void {
    this.status.textContent = text;
    this.status.classList.toggle('warn', warn);
    this.status.hidden = false;
    this.status.onclick = onClick ? () => { void onClick(); this.hideStatus(); } : null;
  }

  private hideStatus(): void {
    this.status.hidden = true;
  }

  private showMediaError(text: string): void {
    this.mediaError.textContent = text;
    this.mediaError.hidden = false;
  }
}

// Simulcast (q/h/f) is on unless the page says ?simulcast=0: the SFU receives the layers and
// forwards the best one each subscriber gets (docs/sfu.md); a server that answers without
// a=simulcast makes Chromium fall back to one encoding.
function simulcastWanted(): boolean {
  return new URLSearchParams(location.search).get('simulcast') !== '0';
}
