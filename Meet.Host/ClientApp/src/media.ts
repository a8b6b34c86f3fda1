import type { SignalingClient } from './signaling';
import { SlotRouter, type SlotAssignmentMessage } from './slots';
import { markScreenSections, screenMids } from './screenshare';

// The two PeerConnections of SPEC "Media": the publisher (we offer, the SFU answers) carries our
// camera and microphone; the subscriber (the SFU offers, we answer) carries everyone else, one
// MediaStream per remote participant because the SFU sets the msid stream id to the publisher's
// participantId.

export interface RemoteTrackHandlers {
  track(participantId: string, track: MediaStreamTrack, stream: MediaStream): void;
  trackEnded(participantId: string, track: MediaStreamTrack): void;
  // A screen share (the SFU marks its section a=content:slides): shown large, apart from the camera.
  screenTrack?(participantId: string, track: MediaStreamTrack): void;
  screenTrackEnded?(participantId: string, track: MediaStreamTrack): void;
  connectionState(pc: 'publisher' | 'subscriber', state: RTCPeerConnectionState): void;
}

// End-to-end encryption's hooks (e2ee/session.ts): transforms on our senders and every receiver.
export interface FrameEncryption {
  preferVp8(transceiver: RTCRtpTransceiver): void;
  preferPlainOpus(transceiver: RTCRtpTransceiver): void;
  attachSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void;
  attachReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video', mid: string | null): void;
}

export interface RemoteStats {
  framesDecoded: number;
  videoPacketsReceived: number;
  audioPacketsReceived: number;
  frameWidth: number;
  frameHeight: number;
}

// Simulcast layers (TESTING.md): quarter, half and full resolution, listed low to high as rids
// q/h/f. Chromium starts on the lowest and adds layers as bandwidth feedback allows.
const simulcastEncodings: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', maxBitrate: 1_500_000 },
];

export class MediaSession {
  readonly publisher: RTCPeerConnection;
  readonly subscriber: RTCPeerConnection;
  // Subscriber m-section (mid) -> participantId. Keyed by mid, not track id: the msid track id is only
  // unique within its stream (RFC 8830), so two publishers' "cam" tracks may share one.
  private readonly owners = new Map<string, string>();
  // Bounded slots: the slot's track goes to whichever participant the SFU says it shows.
  readonly slots: SlotRouter;
  // Our screen-share transceivers (screenshare.ts): their sections are marked in the offers we send.
  readonly screenTransceivers = new Set<RTCRtpTransceiver>();
  // Mids the SFU's last offer marked a=content:slides. Read from the offer text: Chromium
  // re-serializes remoteDescription and drops attributes it does not implement, a=content among them.
  private screenSections = new Set<string>();
  private subscriberQueue: Promise<void> = Promise.resolve();
  // Publisher negotiations (first offer, ICE restarts) run one at a time: JSEP allows one outstanding
  // offer, and an offer overtaken on the way would be refused by the server as stale.
  private publisherQueue: Promise<void> = Promise.resolve();
  private iceRestartQueued = false;
  private closed = false;

  constructor(private readonly signaling: SignalingClient, private readonly handlers: RemoteTrackHandlers, iceServers: RTCIceServer[] = [],
    private readonly encryption: FrameEncryption | null = null) {
    // The SFU is ICE-lite and announces its candidates (UDP and ICE-TCP) in every SDP it sends; the
    // ICE servers from the join response add a TURN relay for networks that block both.
    const config: RTCConfiguration = { iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
    this.publisher = new RTCPeerConnection(config);
    this.subscriber = new RTCPeerConnection(config);
    this.publisher.onicecandidate = e => { if (e.candidate) this.trickle('publisher', e.candidate); };
    this.subscriber.onicecandidate = e => { if (e.candidate) this.trickle('subscriber', e.candidate); };
    this.publisher.onconnectionstatechange = () => handlers.connectionState('publisher', this.publisher.connectionState);
    this.subscriber.onconnectionstatechange = () => handlers.connectionState('subscriber', this.subscriber.connectionState);
    this.subscriber.ontrack = e => this.onTrack(e);
    this.slots = new SlotRouter(
      (id, track, mid) => this.isScreen(mid) && handlers.screenTrack ? handlers.screenTrack(id, track) : handlers.track(id, track, new MediaStream([track])),
      (id, track, mid) => this.isScreen(mid) && handlers.screenTrackEnded ? handlers.screenTrackEnded(id, track) : handlers.trackEnded(id, track));
  }

  applySlotAssignments(slots: SlotAssignmentMessage[]): void {
    this.slots.apply(slots);
  }

  // Adds our tracks and runs the first publisher negotiation. With no local media (camera denied)
  // nothing is published and the publisher stays idle.
  async publish(stream: MediaStream | null, simulcast: boolean): Promise<void> {
    if (!stream || stream.getTracks().length === 0) return;
    for (const track of stream.getAudioTracks()) {
      const transceiver = this.publisher.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      this.encryption?.preferPlainOpus(transceiver);
      this.encryption?.attachSender(transceiver.sender, 'audio');
    }
    for (const track of stream.getVideoTracks()) {
      const transceiver = this.publisher.addTransceiver(track, {
        direction: 'sendonly',
        streams: [stream],
        sendEncodings: simulcast ? simulcastEncodings.map(e => ({ ...e })) : undefined,
      });
      this.encryption?.preferVp8(transceiver);
      this.encryption?.attachSender(transceiver.sender, 'video');
    }
    await this.negotiatePublisher();
  }

  negotiatePublisher(iceRestart = false): Promise<void> {
    // Several ICE-restart triggers while one is queued fold into that one.
    if (iceRestart && this.iceRestartQueued) return this.publisherQueue;
    if (iceRestart) this.iceRestartQueued = true;
    const run = this.publisherQueue.catch(() => undefined).then(async () => {
      if (iceRestart) this.iceRestartQueued = false;
      if (this.closed) return;
      const offer = await this.publisher.createOffer({ iceRestart });
      await this.publisher.setLocalDescription(offer);
      const mids = new Set([...this.screenTransceivers].map(t => t.mid).filter((m): m is string => !!m));
      let answer: string;
      try {
        answer = await this.signaling.publisherOffer(markScreenSections(offer.sdp!, mids));
      } catch (error) {
        // Refused (e.g. 409 screen_share_limit): back to the last agreed state, the caller decides.
        await this.publisher.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
        throw error;
      }
      await this.publisher.setRemoteDescription({ type: 'answer', sdp: answer });
    });
    this.publisherQueue = run;
    return run;
  }

  // Offers are applied one at a time in arrival order, each answer naming its offer's version. A
  // refused answer needs nothing from us: the server follows it with a fresh offer.
  onSubscriberOffer(sdp: string, version: number): Promise<void> {
    this.subscriberQueue = this.subscriberQueue.then(async () => {
      if (this.closed) return;
      this.screenSections = screenMids(sdp);
      await this.subscriber.setRemoteDescription({ type: 'offer', sdp });
      const answer = await this.subscriber.createAnswer();
      await this.subscriber.setLocalDescription(answer);
      await this.signaling.subscriberAnswer(answer.sdp!, version);
    }).catch(error => console.error('subscriber negotiation failed', error));
    return this.subscriberQueue;
  }

  async remoteStats(): Promise<Record<string, RemoteStats>> {
    const result: Record<string, RemoteStats> = {};
    for (const transceiver of this.subscriber.getTransceivers()) {
      const receiver = transceiver.receiver;
      const participant = transceiver.mid ? this.slots.owner(transceiver.mid) ?? this.owners.get(transceiver.mid) : undefined;
      if (!participant || transceiver.currentDirection === 'inactive') continue;
      // A screen share counts apart from the camera: "<participantId>#screen".
      const owner = this.isScreen(transceiver.mid) ? `${participant}#screen` : participant;
      const entry = result[owner] ??= { framesDecoded: 0, videoPacketsReceived: 0, audioPacketsReceived: 0, frameWidth: 0, frameHeight: 0 };
      const report = await receiver.getStats();
      report.forEach(s => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          entry.framesDecoded += s.framesDecoded ?? 0;
          entry.videoPacketsReceived += s.packetsReceived ?? 0;
          entry.frameWidth = Math.max(entry.frameWidth, s.frameWidth ?? 0);
          entry.frameHeight = Math.max(entry.frameHeight, s.frameHeight ?? 0);
        } else if (s.kind === 'audio') {
          entry.audioPacketsReceived += s.packetsReceived ?? 0;
        }
      });
    }
    return result;
  }

  close(): void {
    this.closed = true;
    this.publisher.close();
    this.subscriber.close();
  }

  // A video sender added outside publish() (the screen share) is encrypted like the camera in an
  // end-to-end encrypted meeting; call before negotiating it.
  protectVideoSender(transceiver: RTCRtpTransceiver): void {
    this.encryption?.preferVp8(transceiver);
    this.encryption?.attachSender(transceiver.sender, 'video');
  }

  // Issue 11: the subscriber transceiver playing a remote track (tile sizes and quality per mid).
  transceiverOf(track: MediaStreamTrack): RTCRtpTransceiver | null {
    return this.subscriber.getTransceivers().find(t => t.receiver.track === track) ?? null;
  }

  // The participant whose media a subscriber m-section carries now (a bounded slot's current owner).
  ownerOf(mid: string): string | undefined {
    return this.slots.owner(mid) ?? this.owners.get(mid);
  }

  private isScreen(mid: string | null): boolean {
    return !!mid && this.screenSections.has(mid);
  }

  private onTrack(e: RTCTrackEvent): void {
    this.encryption?.attachReceiver(e.receiver, e.track.kind === 'video' ? 'video' : 'audio', e.transceiver.mid);
    const stream = e.streams[0];
    if (!stream) return;
    if (SlotRouter.isSlotStream(stream)) {
      if (e.transceiver.mid) this.slots.onTrack(e.transceiver.mid, e.track);
      return;
    }
    const participantId = stream.id;
    if (e.transceiver.mid) this.owners.set(e.transceiver.mid, participantId);
    // A renegotiation that removes the track (publisher left or unpublished) fires removetrack on
    // the stream and mutes/ends the track.
    if (this.isScreen(e.transceiver.mid) && this.handlers.screenTrack) {
      // A section reused later for a camera keeps this track object: the listeners check the mid again.
      const mid = e.transceiver.mid;
      const ended = () => this.handlers.screenTrackEnded?.(participantId, e.track);
      e.track.addEventListener('ended', ended);
      e.track.addEventListener('mute', ended);
      e.track.addEventListener('unmute', () => { if (this.isScreen(mid)) this.handlers.screenTrack?.(participantId, e.track); });
      this.handlers.screenTrack(participantId, e.track);
      return;
    }
    stream.onremovetrack = ev => this.handlers.trackEnded(participantId, ev.track);
    e.track.addEventListener('ended', () => this.handlers.trackEnded(participantId, e.track));
    this.handlers.track(participantId, e.track, stream);
  }

  private trickle(target: 'publisher' | 'subscriber', candidate: RTCIceCandidate): void {
    // The SFU is ICE-lite: our candidates only speed up its consent; a refusal is harmless.
    if (this.closed || !candidate.candidate) return;
    this.signaling.iceCandidate(target, candidate).catch(() => undefined);
  }
}

// cameraId / microphoneId: the devices chosen before joining (empty = the default one).
export async function getLocalMedia(cameraId = '', microphoneId = ''): Promise<{ stream: MediaStream | null; error: string | null }> {
  const constraints: MediaStreamConstraints = {
    audio: microphoneId ? { deviceId: { ideal: microphoneId } } : true,
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, ...(cameraId ? { deviceId: { ideal: cameraId } } : {}) },
  };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(constraints), error: null };
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    // Try each kind alone: a denied or missing camera should still let the microphone through.
    const partial = await navigator.mediaDevices.getUserMedia({ audio: true }).catch(() => null);
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return { stream: partial, error: 'Camera access was denied. Others cannot see you; allow the camera in your browser settings and rejoin.' };
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      return { stream: partial, error: 'No camera was found. You joined without video.' };
    }
    if (name === 'NotReadableError') {
      return { stream: partial, error: 'The camera is in use by another application.' };
    }
    return { stream: partial, error: `The camera could not be started (${name || String(error)}).` };
  }
}
