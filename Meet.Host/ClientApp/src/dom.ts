// A tiny element builder: the pages are small enough not to need a framework.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined) element.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) element.append(child);
  }
  return element;
}

export function mount(...children: Node[]): void {
  const app = document.getElementById('app')!;
  app.replaceChildren(...children);
}

// Names survive reloads; the per-tab user id keeps a rejoin on the same identity (foundation:
// "rejoin keeps identity") without letting two tabs collide.
export const storage = {
  get name(): string { return localStorage.getItem('meet.name') ?? ''; },
  set name(value: string) { localStorage.setItem('meet.name', value); },
  get userId(): string {
    let id = sessionStorage.getItem('meet.userId');
    if (!id) {
      id = 'u-' + crypto.randomUUID();
      sessionStorage.setItem('meet.userId', id);
    }
    return id;
  },
  hostToken(meetingId: string): string | undefined {
    return sessionStorage.getItem(`meet.host.${meetingId}`) ?? undefined;
  },
  setHostToken(meetingId: string, token: string): void {
    sessionStorage.setItem(`meet.host.${meetingId}`, token);
  },
  // Our own token from the last join of this meeting in this tab: a reload rejoins as the same participant
  // (and a removed participant's reload is refused, as it should be).
  participantToken(meetingId: string): string | undefined {
    return sessionStorage.getItem(`meet.token.${meetingId}`) ?? undefined;
  },
  setParticipantToken(meetingId: string, token: string): void {
    sessionStorage.setItem(`meet.token.${meetingId}`, token);
  },
  // The camera and microphone chosen before joining (device ids; empty = the browser's default).
  get cameraId(): string { return localStorage.getItem('meet.camera') ?? ''; },
  set cameraId(value: string) { localStorage.setItem('meet.camera', value); },
  get microphoneId(): string { return localStorage.getItem('meet.microphone') ?? ''; },
  set microphoneId(value: string) { localStorage.setItem('meet.microphone', value); },
};
