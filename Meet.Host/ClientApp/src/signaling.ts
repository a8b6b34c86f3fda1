import * as signalR from '@microsoft/signalr';
import type { SlotAssignmentMessage } from './slots';

// Contract 2 (ISSUE5.md): the SignalR hub's messages as the server sends them (camelCase JSON).

export interface ParticipantInfo {
  participantId: string;
  displayName: string;
  audioMuted: boolean;
  videoMuted: boolean;
  handRaised: boolean;
}

export interface WelcomeMessage {
  participantId: string;
  meetingId: string;
  role: string;
  displayName: string;
  participants: ParticipantInfo[];
  // The roster version of the snapshot; the next update carries rosterVersion + 1.
  rosterVersion: number;
}

export interface RosterSnapshotMessage {
  version: number;
  participants: ParticipantInfo[];
}

export interface ParticipantUpdateMessage {
  participantId: string;
  displayName: string;
  action: 'JOINED' | 'LEFT' | 'MUTED' | 'UNMUTED';
  kind?: 'audio' | 'video' | null;
  version?: number;
}

// The meeting's dominant speaker (null before anyone spoke) and recent speakers, most recent first.
export interface ActiveSpeakerMessage {
  participantId: string | null;
  recentSpeakers: string[];
}

export interface SignalingHandlers {
  activeSpeaker(message: ActiveSpeakerMessage): void;
  slotAssignments?(slots: SlotAssignmentMessage[]): void;
  subscriberOffer(sdp: string, version: number): void;
  participantUpdate(update: ParticipantUpdateMessage): void;
  error(code: number, message: string): void;
  mediaReconnect(reason: string): void;
  reconnecting(): void;
  reconnected(): void;
  closed(error?: Error): void;
}

// Backoff for SignalR's automatic reconnect: quick first tries, then every 10 s up to ~1 minute,
// after which the page says the connection is lost for good.
const reconnectDelays = [0, 500, 1000, 2000, 5000, 10000, 10000, 10000, 10000];

const heartbeatMs = 5000;

export class SignalingClient {
  private readonly connection: signalR.HubConnection;
  private heartbeat: number | undefined;

  constructor(hubUrl: string, accessToken: string, handlers: SignalingHandlers) {
    this.connection = new signalR.HubConnectionBuilder()
      // WebSockets only, without the negotiate round trip: one request less on the join path, and
      // a failed socket is reported as a lost connection instead of falling back to polling.
      .withUrl(hubUrl, { accessTokenFactory: () => accessToken, transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
      .withAutomaticReconnect(reconnectDelays)
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    this.connection.on('SubscriberOffer', (sdp: string, version: number) => handlers.subscriberOffer(sdp, version ?? 0));
    this.connection.on('ParticipantUpdate', (m: ParticipantUpdateMessage) => handlers.participantUpdate(m));
    this.connection.on('Error', (m: { code: number; message: string }) => handlers.error(m.code, m.message));
    this.connection.on('MediaReconnect', (m: { reason: string }) => handlers.mediaReconnect(m.reason));
    this.connection.on('ActiveSpeaker', (m: ActiveSpeakerMessage) => handlers.activeSpeaker(m));
    this.connection.on('SlotAssignments', (m: SlotAssignmentMessage[]) => handlers.slotAssignments?.(m));
    this.connection.onreconnecting(() => handlers.reconnecting());
    this.connection.onreconnected(() => handlers.reconnected());
    this.connection.onclose(error => {
      this.stopHeartbeat();
      handlers.closed(error);
    });
  }

  async start(displayName: string): Promise<WelcomeMessage> {
    await this.connection.start();
    const welcome = await this.connection.invoke<WelcomeMessage>('Join', displayName);
    this.startHeartbeat();
    return welcome;
  }

  rejoin(displayName: string): Promise<WelcomeMessage> {
    return this.connection.invoke<WelcomeMessage>('Join', displayName);
  }

  publisherOffer(sdp: string): Promise<string> {
    return this.connection.invoke<string>('PublisherOffer', sdp);
  }

  // version: the one its offer came with, so the server checks the answer against that offer.
  subscriberAnswer(sdp: string, version: number): Promise<void> {
    return this.connection.invoke('SubscriberAnswer', sdp, version);
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

// Hub failures are HubExceptions whose message carries "<code>: <text>" (Contract 2).
export function hubErrorCode(error: unknown): number | null {
  const match = /(\d{3}): /.exec(error instanceof Error ? error.message : String(error));
  return match ? Number(match[1]) : null;
}
