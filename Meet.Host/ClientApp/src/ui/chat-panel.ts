import { h } from '../dom';
import type { ChatMessage, ParticipantInfo } from '../signaling';
import { icon } from './icons';

export interface ChatPanelActions {
  // Resolves when the server accepted the message; rejects with the server's reason.
  send(text: string, toParticipantId: string | null): Promise<void>;
  // The unread count changed (the toolbar's badge shows it).
  unreadChanged(count: number): void;
}

// Meeting chat: messages in server order with the sender and time, meeting-wide or direct ("to"), an
// input with a length limit the server also enforces, and an unread count while the panel is closed.
export class ChatPanel {
  readonly element: HTMLElement;
  private readonly messages = h('ol', { id: 'chat-messages', class: 'chat-messages', 'aria-live': 'polite', 'aria-label': 'Chat messages' });
  private readonly input = h('input', { id: 'chat-input', maxlength: '2000', placeholder: 'Send a message', 'aria-label': 'Message', autocomplete: 'off' });
  private readonly to = h('select', { id: 'chat-to', 'aria-label': 'Send to' });
  private readonly error = h('p', { id: 'chat-error', class: 'error', role: 'alert' });
  private readonly seen = new Set<string>();
  private unread = 0;
  private open = false;

  constructor(private readonly selfId: () => string | null, private readonly actions: ChatPanelActions) {
    const send = h('button', { id: 'chat-send', type: 'submit', class: 'icon-button', 'aria-label': 'Send message', title: 'Send' });
    send.append(icon('send'));
    const form = h('form', { class: 'chat-form' }, this.to, this.input, send);
    form.onsubmit = e => {
      e.preventDefault();
      void this.submit();
    };
    this.element = h('section', { id: 'chat-panel', class: 'panel', 'aria-labelledby': 'chat-heading', hidden: '' },
      h('div', { class: 'panel-header' }, h('h2', { id: 'chat-heading' }, 'Chat')),
      this.messages, this.error, form);
    this.setRecipients([]);
  }

  get isOpen(): boolean {
    return this.open;
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.element.hidden = !open;
    if (open) {
      this.unread = 0;
      this.actions.unreadChanged(0);
      this.input.focus();
      this.messages.scrollTop = this.messages.scrollHeight;
    }
  }

  // Who a direct message can go to: "Everyone" first, then the others by name.
  setRecipients(others: Iterable<ParticipantInfo>): void {
    const current = this.to.value;
    const options = [h('option', { value: '' }, 'Everyone'),
      ...[...others].sort((a, b) => a.displayName.localeCompare(b.displayName)).map(p => h('option', { value: p.participantId }, p.displayName))];
    this.to.replaceChildren(...options);
    this.to.value = options.some(o => o.value === current) ? current : '';
  }

  // Messages are shown once each (history and live delivery may overlap after a reconnect).
  add(message: ChatMessage, names: (id: string) => string): void {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    const mine = message.fromParticipantId === this.selfId();
    const time = new Date(message.sentAtMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const direct = message.toParticipantId
      ? (mine ? ` to ${names(message.toParticipantId)}` : ' (privately)')
      : '';
    this.messages.append(h('li', { class: `chat-message${mine ? ' mine' : ''}${message.toParticipantId ? ' direct' : ''}`, 'data-chat-id': message.id },
      h('div', { class: 'chat-meta' }, h('strong', {}, mine ? 'You' : message.fromDisplayName), `${direct} · ${time}`),
      h('div', { class: 'chat-text' }, message.text)));
    this.messages.scrollTop = this.messages.scrollHeight;
    if (!this.open && !mine) {
      this.unread += 1;
      this.actions.unreadChanged(this.unread);
    }
  }

  private async submit(): Promise<void> {
    const text = this.input.value.trim();
    if (!text) return;
    this.error.textContent = '';
    try {
      await this.actions.send(text, this.to.value || null);
      this.input.value = '';
    } catch (e) {
      this.error.textContent = e instanceof Error ? e.message : String(e);
    }
  }
}
