import { h, storage } from './dom';
import { iconButton } from './ui/icons';

export interface DeviceSwitcherHost {
  // Our camera/microphone stream as published (null when we joined without media).
  localStream(): MediaStream | null;
  publisher(): RTCPeerConnection | null;
  // The stream's track of this kind changed: refresh the self-view and the toolbar.
  trackReplaced(kind: 'audio' | 'video'): void;
}

// Issue 13: choose another camera or microphone during a call. The new track goes onto the sender of
// the old one with RTCRtpSender.replaceTrack, which needs no renegotiation (same m-section, codec and
// SSRC; the SFU sees the stream continue, E2EE's sender transform stays attached), and it keeps the
// old track's mute state. The choice is remembered for the next join.
export class DeviceSwitcher {
  readonly element: HTMLElement;
  private readonly button = iconButton('toggle-devices', 'settings', 'Camera and microphone', 'devices-button');
  private readonly camera = h('select', { id: 'switch-camera', 'aria-label': 'Camera' });
  private readonly microphone = h('select', { id: 'switch-microphone', 'aria-label': 'Microphone' });
  private readonly panel = h('div', { class: 'menu device-menu', role: 'dialog', 'aria-label': 'Camera and microphone', hidden: '' },
    h('label', { for: 'switch-camera' }, 'Camera'), this.camera,
    h('label', { for: 'switch-microphone' }, 'Microphone'), this.microphone);

  constructor(private readonly host: DeviceSwitcherHost) {
    this.button.setAttribute('aria-haspopup', 'dialog');
    this.button.setAttribute('aria-expanded', 'false');
    this.button.onclick = () => void this.setOpen(this.panel.hidden);
    this.panel.onkeydown = e => {
      if (e.key !== 'Escape') return;
      void this.setOpen(false);
      this.button.focus();
    };
    this.camera.onchange = () => void this.switchTo('video', this.camera.value).catch(e => console.error(e));
    this.microphone.onchange = () => void this.switchTo('audio', this.microphone.value).catch(e => console.error(e));
    this.element = h('span', { class: 'menu-anchor' }, this.button, this.panel);
  }

  private async setOpen(open: boolean): Promise<void> {
    this.panel.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    await this.fill();
    this.camera.focus();
  }

  // Device labels are only readable once the page holds a camera/microphone permission, as it does here.
  private async fill(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const stream = this.host.localStream();
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, current: MediaStreamTrack | undefined) => {
      const list = devices.filter(d => d.kind === kind);
      select.replaceChildren(...list.map((d, i) => h('option', { value: d.deviceId }, d.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${i + 1}`)));
      const inUse = current?.getSettings().deviceId;
      if (inUse && list.some(d => d.deviceId === inUse)) select.value = inUse;
      select.disabled = list.length === 0 || !current;
    };
    fill(this.camera, 'videoinput', stream?.getVideoTracks()[0]);
    fill(this.microphone, 'audioinput', stream?.getAudioTracks()[0]);
  }

  // Returns the new track's id (for tests); throws when the device cannot be opened, leaving the old
  // track in place.
  async switchTo(kind: 'audio' | 'video', deviceId: string): Promise<string> {
    const stream = this.host.localStream();
    const old = kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
    if (!stream || !old) throw new Error(`no ${kind} track to replace`);
    const constraints: MediaStreamConstraints = kind === 'audio'
      ? { audio: { deviceId: { exact: deviceId } } }
      : { video: { deviceId: { exact: deviceId }, width: { ideal: 1280 }, height: { ideal: 720 } } };
    const track = (await navigator.mediaDevices.getUserMedia(constraints)).getTracks()[0];
    track.enabled = old.enabled;
    const sender = this.host.publisher()?.getSenders().find(s => s.track === old);
    try {
      await sender?.replaceTrack(track);
    } catch (e) {
      track.stop();
      throw e;
    }
    stream.removeTrack(old);
    stream.addTrack(track);
    old.stop();
    if (kind === 'audio') storage.microphoneId = deviceId;
    else storage.cameraId = deviceId;
    this.host.trackReplaced(kind);
    return track.id;
  }
}
