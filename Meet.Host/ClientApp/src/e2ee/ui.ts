import { h } from '../dom';
import { e2eeSupported, E2eeSession, inviteLink, type LinkKey } from './session';
import { deriveSenderKey, deriveSenderKeyBytes, fromBase64Url, toHex } from './keySchedule';
import { encryptFrame, senderIdToBytes } from './frameFormat';
import type { E2eeCounters } from './messages';

// The page elements of end-to-end encryption: the landing page's option, the meeting's badge and
// notices, and the "cannot decrypt" state of a tile.

export function e2eeOption(): { element: HTMLElement; checked(): boolean } {
  const box = h('input', { id: 'e2ee', type: 'checkbox' });
  const supported = e2eeSupported();
  if (!supported) box.disabled = true;
  const element = h('label', { class: 'option', for: 'e2ee' }, box,
    supported ? ' End-to-end encryption (the key travels only in the link)' : ' End-to-end encryption is not available in this browser');
  return { element, checked: () => supported && box.checked };
}

export function e2eeBadge(): HTMLElement {
  return h('span', { id: 'e2ee-badge', class: 'e2ee-badge', title: 'Media is encrypted in the browsers; the server cannot see or hear it.' }, '🔒 End-to-end encrypted');
}

// Why this page cannot take part, or null when it can (a missing key still lets it watch the roster).
export function e2eeJoinProblem(key: LinkKey): string | null {
  if (!e2eeSupported()) return 'This meeting is end-to-end encrypted, and this browser cannot encrypt calls (no WebRTC encoded transforms). Join from a current Chrome, Edge or Firefox.';
  if (key.state === 'malformed') return 'This meeting is end-to-end encrypted, and the key in your link is damaged. Ask for the invite link again.';
  return null;
}

export const missingKeyNotice = 'This meeting is end-to-end encrypted and your link has no key: you cannot see, hear or be seen by anyone. Ask for the full invite link (it ends with #key=…).';

// A tile whose frames do not authenticate shows a notice instead of video (frames are dropped, so
// there is never garbage to show).
export function showDecryptState(tile: HTMLElement, decryptable: boolean): void {
  tile.classList.toggle('undecryptable', !decryptable);
  let notice = tile.querySelector<HTMLElement>('.e2ee-notice');
  if (decryptable) {
    notice?.remove();
    return;
  }
  if (!notice) {
    notice = h('div', { class: 'e2ee-notice', role: 'status' }, 'Cannot decrypt: this participant uses a different key, or you have none.');
    tile.append(notice);
  }
}

export function inviteButton(meetingId: string, report: (text: string) => void): HTMLButtonElement {
  const button = h('button', { id: 'copy-invite', type: 'button', class: 'secondary' }, 'Copy invite link');
  button.onclick = async () => {
    const link = inviteLink(meetingId);
    try {
      await navigator.clipboard.writeText(link);
      report('Invite link copied.');
    } catch {
      report(`Invite link: ${link}`);
    }
  };
  return button;
}

// window.meet.e2ee (Meet.Tests/Browser): state, counters and the key schedule for the shared vectors.
export interface E2eeTestHook {
  enabled: boolean;
  hasKey: boolean;
  inviteLink(): string;
  counters(): Promise<E2eeCounters | null>;
  deriveKey(secret: string, senderId: string, epoch: number): Promise<{ key: string; salt: string } | null>;
  sealFrame(secret: string, senderId: string, epoch: number, counter: number, clearBytes: number, plainHex: string): Promise<string | null>;
}

export function e2eeTestHook(meetingId: string, session: () => E2eeSession | null): E2eeTestHook {
  return {
    get enabled() { return session() !== null; },
    get hasKey() { return session()?.hasKey ?? false; },
    inviteLink: () => inviteLink(meetingId),
    counters: () => session()?.counters() ?? Promise.resolve(null),
    deriveKey: async (secret, senderId, epoch) => {
      const bytes = fromBase64Url(secret);
      if (!bytes) return null;
      const derived = await deriveSenderKeyBytes(bytes, senderId, epoch);
      return { key: toHex(derived.key), salt: toHex(derived.salt) };
    },
    sealFrame: async (secret, senderId, epoch, counter, clearBytes, plainHex) => {
      const bytes = fromBase64Url(secret);
      const sender = senderIdToBytes(senderId);
      if (!bytes || !sender) return null;
      const plain = Uint8Array.from(plainHex.match(/../g) ?? [], b => parseInt(b, 16));
      return toHex(await encryptFrame(plain, clearBytes, await deriveSenderKey(bytes, senderId, epoch), sender, epoch, counter));
    },
  };
}
