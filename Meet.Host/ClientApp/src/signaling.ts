import * as signalR from '@microsoft/signalr';
import { SignalingNodeRotation } from './signalingnodes';
import type { PublisherLayersMessage } from './dynacast';
import type { TileSizeReport } from './tiles';
import type { SlotAssignmentMessage } from './slots';

// Contract 2 (ISSUE5.md): the SignalR hub's messages as the server sends them (camelCase JSON).

export interface ParticipantInfo {
  participantId: string;
  displayName: string;
  audioMuted: boolean;
  videoMuted: boolean;
  handRaised: boolean;
  // Issue 13: 'host' | 'participant' | 'guest', and the hand's place in the raise order (0 = down).
  role?: string;
  handRaisedOrder?: number;
  // Issue 13: 'connected' | 'reconnecting' | 'media_failed' (absent from older servers = connected), and
  // whether the participant shares its screen.
  connection?: string;
  screenSharing?: boolean;
}

export interface WelcomeMessage {
  participantId: string;
  meetingId: string;
  role: string;
  displayName: string;
  participants: ParticipantInfo[];
  // The roster version of the snapshot; the next update carries rosterVersion + 1.
  rosterVersion: number;
  // Issue 13: participants is the first page when rosterTotal is larger; recent chat; lock state.
  rosterTotal?: number;
  chatHistory?: ChatMessage[];
  locked?: boolean;
}

export interface ChatMessage {
  id: string;
  fromParticipantId: string;
  fromDisplayName: string;
  toParticipantId: string | null;
  text: string;
  sentAtMs: number;
}

// kind: 'ask_unmute' | 'removed' | 'ended'
export interface NoticeMessage {
  kind: string;
  fromParticipantId: string | null;
  text: string;
}

export interface RosterPageMessage {
  version: number;
  participants: ParticipantInfo[];
  total: number;
}

export type HostAction = 'mute' | 'mute_all' | 'lower_hand' | 'remove' | 'end' | 'lock' | 'unlock' | 'make_host' | 'transfer_host' | 'ask_unmute';

export interface RosterSnapshotMessage {
  version: number;
  participants: ParticipantInfo[];
}

export interface ParticipantUpdateMessage {
  participantId: string;
  displayName: string;
  action: 'JOINED' | 'LEFT' | 'MUTED' | 'UNMUTED' | 'HAND_RAISED' | 'HAND_LOWERED' | 'ROLE_CHANGED';
  kind?: 'audio' | 'video' | null;
  version?: number;
  // The participant's whole state after the change (absent for LEFT), and whether the host made it.
  participant?: ParticipantInfo | null;
  byHost?: boolean;
}

// The meeting's dominant speaker (null before anyone spoke) and recent speakers, most recent first.
export interface ActiveSpeakerMessage {
  participantId: string | null;
  recentSpeakers: string[];
}

export interface SignalingHandlers {
  activeSpeaker(message: ActiveSpeakerMessage): void;
  slotAssignments?(slots: SlotAssignmentMessage[]): void;
  // Issue 11, dynacast: which encodings of one of our tracks the SFU wants (dynacast.ts).
  publisherLayers?(message: PublisherLayersMessage): void;
  subscriberOffer(sdp: string, version: number): void;
  participantUpdate(update: ParticipantUpdateMessage): void;
  error(code: number, message: string): void;
  // newNode (issue 15): the media moved to another node, so new PeerConnections are needed.
  mediaReconnect(reason: string, newNode: boolean): void;
  reconnecting(): void;
  reconnected(): void;
  closed(error?: Error): void;
  chat?(message: ChatMessage): void;
  meetingState?(state: { locked: boolean }): void;
  notice?(notice: NoticeMessage): void;
}


const heartbeatMs = 5000;

export class SignalingClient {
  private readonly connection: signalR.HubConnection;
  private heartbeat: number | undefined;
  private readonly nodes: SignalingNodeRotation;

  // fallbackUrls: the cluster's other signaling nodes (signalingnodes.ts), tried when ours stops answering.
  constructor(hubUrl: string, accessToken: string, handlers: SignalingHandlers, fallbackUrls: string[] = []) {
    let nodes: SignalingNodeRotation | null = null;
    this.connection = new signalR.HubConnectionBuilder()
      // WebSockets only, without the negotiate round trip: one request less on the join path, and
      // a failed socket is reported as a lost connection instead of falling back to polling.
      .withUrl(hubUrl, { accessTokenFactory: () => accessToken, transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
      // Exponential backoff with jitter (backoff.ts): ~1 minute of attempts, spread so a node's restart
      // is no herd; each failed attempt moves on to the next signaling node (signalingnodes.ts).
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => nodes!.nextRetryDelayInMilliseconds(context) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    nodes = this.nodes = new SignalingNodeRotation([this.connection.baseUrl, ...fallbackUrls], url => { this.connection.baseUrl = url; });
    this.connection.on('SubscriberOffer', (sdp: string, version: number) => handlers.subscriberOffer(sdp, version ?? 0));
    this.connection.on('ParticipantUpdate', (m: ParticipantUpdateMessage) => handlers.participantUpdate(m));
    this.connection.on('Error', (m: { code: number; message: string }) => handlers.error(m.code, m.message));
    this.connection.on('MediaReconnect', (m: { reason: string; newNode?: boolean }) => handlers.mediaReconnect(m.reason, !!m.newNode));
    this.connection.on('ActiveSpeaker', (m: ActiveSpeakerMessage) => handlers.activeSpeaker(m));
    // JoinBatched: each roster flush arrives as one array (issue 13).
    this.connection.on('ParticipantUpdates', (updates: ParticipantUpdateMessage[]) => updates.forEach(u => handlers.participantUpdate(u)));
    this.connection.on('Chat', (m: ChatMessage) => handlers.chat?.(m));
    this.connection.on('MeetingState', (m: { locked: boolean }) => handlers.meetingState?.(m));
    this.connection.on('Notice', (m: NoticeMessage) => handlers.notice?.(m));
    this.connection.on('SlotAssignments', (m: SlotAssignmentMessage[]) => handlers.slotAssignments?.(m));
    this.connection.on('PublisherLayers', (m: PublisherLayersMessage) => handlers.publisherLayers?.(m));
    this.connection.onreconnecting(() => handlers.reconnecting());
    this.connection.onreconnected(() => handlers.reconnected());
    this.connection.onclose(error => {
      this.stopHeartbeat();
      handlers.closed(error);
    });
  }

  // The hub this page is connected to (or trying) and how often it moved to another node.
  node(): { url: string; switches: number } {
    return { url: this.nodes.current, switches: this.nodes.switches };
  }

  async start(displayName: string): Promise<WelcomeMessage> {
    await this.connection.start();
    const welcome = await this.connection.invoke<WelcomeMessage>('JoinBatched', displayName);
    this.startHeartbeat();
    return welcome;
  }

  rejoin(displayName: string): Promise<WelcomeMessage> {
    return this.connection.invoke<WelcomeMessage>('JoinBatched', displayName);
  }

  getRosterPage(afterParticipantId: string | null, limit: number): Promise<RosterPageMessage> {
    return this.connection.invoke<RosterPageMessage>('GetRosterPage', afterParticipantId, limit);
  }

  sendChat(text: string, toParticipantId: string | null): Promise<ChatMessage> {
    return this.connection.invoke<ChatMessage>('SendChat', text, toParticipantId);
  }

  raiseHand(raised: boolean): Promise<void> {
    return this.connection.invoke('RaiseHand', raised);
  }

  // Issue 10: the participants whose video the SFU always forwards to us, in order ([] unpins).
  pin(participantIds: string[]): Promise<void> {
    return this.connection.invoke('Pin', participantIds);
  }

  hostAction(action: HostAction, participantId: string | null = null, kind: string | null = null): Promise<void> {
    return this.connection.invoke('HostAction', action, participantId, kind);
  }

  publisherOffer(sdp: string): Promise<string> {
    return this.connection.invoke<string>('PublisherOffer', sdp);
  }

  // version: the one its offer came with, so the server checks the answer against that offer.
  subscriberAnswer(sdp: string, version: number): Promise<void> {
    return this.connection.invoke('SubscriberAnswer', sdp, version);
  }

  // Network handover (handover.ts): the SFU's next subscriber offer carries new ICE credentials.
  restartSubscriberIce(): Promise<void> {
    return this.connection.invoke('RestartSubscriberIce');
  }

  // Issue 11: the size and visibility of our remote video tiles (tiles.ts), only what changed.
  setTileSizes(tiles: TileSizeReport[]): Promise<void> {
    return this.connection.invoke('SetTileSizes', tiles);
  }

  getRoster(): Promise<RosterSnapshotMessage> {
    return this.connection.invoke<RosterSnapshotMessage>('GetRoster');
  }

  iceCandidate(target: 'publisher' | 'subscriber', candidate: RTCIceCandidate): Promise<void> {
    return this.connection.invoke('IceCandidate', target, candidate.candidate, candidate.sdpMid ?? null, candidate.sdpMLineIndex ?? null);
  }

  setMuted(kind: 'audio' | 'video', muted: boolean): Promise<void> {
    return this.connection.invoke('SetMuted', kind, muted);
  }

  async leave(): Promise<void> {
    this.stopHeartbeat();
    try {
      if (this.connection.state === signalR.HubConnectionState.Connected) await this.connection.invoke('Leave');
    } finally {
      await this.connection.stop();
    }
  }

  get connected(): boolean {
    return this.connection.state === signalR.HubConnectionState.Connected;
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = window.setInterval(() => {
      if (this.connected) this.connection.invoke('Ping', Date.now()).catch(() => undefined);
    }, heartbeatMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) window.clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

// The server's text of a HubException ("<code>: <text>"), for showing to the user.
export function hubErrorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const match = /\d{3}: (.*)$/.exec(text);
  return match ? match[1] : text;
}

// Hub failures are HubExceptions whose message carries "<code>: <text>" (Contract 2).
export function hubErrorCode(error: unknown): number | null {
  const match = /(\d{3}): /.exec(error instanceof Error ? error.message : String(error));
  return match ? Number(match[1]) : null;
}
