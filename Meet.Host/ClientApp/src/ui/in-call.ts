import { createInvitation, getMeeting, type JoinMeetingResponse } from '../api';
import { h, storage } from '../dom';
import { withLinkKey } from '../e2ee/session';
import type { Roster } from '../roster';
import { hubErrorText, type ChatMessage, type HostAction, type NoticeMessage, type ParticipantInfo, type ParticipantUpdateMessage, type SignalingClient, type WelcomeMessage } from '../signaling';
import { ChatPanel } from './chat-panel';
import { icon, type IconName } from './icons';
import { RosterPanel } from './roster-panel';
import { installShortcuts, shortcutHelp } from './shortcuts';

// What the meeting page lends the in-call controls.
export interface InCallDeps {
  signaling(): SignalingClient | null;
  roster(): Roster;
  activeSpeaker(): string | null;
  toggleMic(): void;
  toggleCamera(): void;
  setMuted(kind: 'audio' | 'video', muted: boolean): void;
  leave(): void;
  showStatus(text: string, warn?: boolean): void;
  // Replaces the page with a final state (removed, ended).
  endPage(title: string, message: string): void;
}

// Issue 13's in-call experience, beside the media the meeting page runs: the header (title, participant
// count, lock), the toolbar (mic, camera, hand, chat with unread count, people, layout, invite, host
// lock/end, leave), the people and chat panels, the host's controls, notices and keyboard shortcuts.
export class InCallControls {
  readonly header: HTMLElement;
  readonly toolbar: HTMLElement;
  private readonly toolbarSize = new ResizeObserver(() =>
    document.documentElement.style.setProperty('--toolbar-height', `${this.toolbar.offsetHeight}px`));
  readonly sidePanels: HTMLElement;
  readonly micButton = this.button('toggle-mic', 'mic', 'Mute');
  readonly cameraButton = this.button('toggle-camera', 'cam', 'Stop video');
  readonly layoutButton = this.button('toggle-layout', 'grid', 'Speaker view', 'secondary');
  readonly leaveButton = this.button('leave', 'leave', 'Leave', 'danger');
  readonly notices: NoticeMessage[] = [];
  role = 'guest';
  private readonly handButton = this.button('raise-hand', 'hand', 'Raise hand', 'secondary');
  private readonly chatButton = this.button('toggle-chat', 'chat', 'Chat', 'secondary');
  private readonly peopleButton = this.button('toggle-people', 'people', 'People', 'secondary');
  private readonly inviteButton = this.button('copy-invite', 'link', 'Invite', 'secondary');
  private readonly lockButton = this.button('lock-meeting', 'lock', 'Lock', 'secondary host-only');
  private readonly endButton = h('button', { id: 'end-meeting', type: 'button', class: 'danger host-only' }, 'End for all');
  private readonly unreadBadge = h('span', { id: 'chat-unread', class: 'badge', hidden: '', 'aria-live': 'polite' });
  private readonly title = h('h1', { id: 'meeting-title', class: 'title' }, 'Meeting');
  private readonly count = h('span', { id: 'participant-count', class: 'count', 'aria-live': 'polite' });
  private readonly lockIndicator = h('span', { id: 'locked-indicator', class: 'locked', hidden: '' });
  private readonly hostBanner = h('div', { id: 'host-notice', class: 'banner warn', role: 'alert', hidden: '' });
  private readonly inviteBox = h('div', { id: 'invite-box', class: 'banner', hidden: '' });
  private readonly roster: RosterPanel;
  private readonly chat: ChatPanel;
  private readonly chatLog: ChatMessage[] = [];
  private readonly removeShortcuts: () => void;
  private self: ParticipantInfo | null = null;
  private locked = false;
  private participantId: string | null = null;

  constructor(private readonly meetingId: string, private readonly displayName: string, private readonly deps: InCallDeps) {
    this.roster = new RosterPanel({ hostAction: (action, id) => void this.hostAction(action, id) });
    this.chat = new ChatPanel(() => this.participantId, {
      send: async (text, to) => {
        const signaling = this.deps.signaling();
        if (!signaling) throw new Error('Not connected.');
        try {
          await signaling.sendChat(text, to);
        } catch (e) {
          throw new Error(hubErrorText(e));
        }
      },
      unreadChanged: n => {
        this.unreadBadge.textContent = String(n);
        this.unreadBadge.hidden = n === 0;
        this.chatButton.setAttribute('aria-label', n ? `Chat, ${n} unread` : 'Chat');
      },
    });
    this.lockIndicator.append(icon('lock'), 'Locked');
    this.header = h('header', { class: 'meeting-header' },
      h('a', { href: '/', class: 'brand' }, 'Meet'),
      this.title,
      h('span', { class: 'muted', id: 'meeting-id' }, meetingId),
      this.count, this.lockIndicator);
    this.chatButton.append(this.unreadBadge);
    this.toolbar = h('footer', { class: 'controls', 'aria-label': 'Meeting controls' },
      this.micButton, this.cameraButton, this.handButton, this.chatButton, this.peopleButton, this.layoutButton,
      this.inviteButton, this.lockButton, this.endButton, this.leaveButton,
      h('span', { class: 'visually-hidden', id: 'shortcut-help' }, shortcutHelp));
    this.sidePanels = h('aside', { class: 'side' }, this.hostBanner, this.inviteBox, this.roster.element, this.chat.element);
    // On a phone a panel covers the page down to the toolbar, which wraps to as many rows as it needs:
    // the panel's bottom follows the toolbar's real height (styles.css --toolbar-height).
    this.toolbarSize.observe(this.toolbar);
    this.micButton.onclick = () => this.deps.toggleMic();
    this.cameraButton.onclick = () => this.deps.toggleCamera();
    this.leaveButton.onclick = () => this.deps.leave();
    this.handButton.onclick = () => void this.toggleHand();
    this.chatButton.onclick = () => this.togglePanel('chat');
    this.peopleButton.onclick = () => this.togglePanel('people');
    this.inviteButton.onclick = () => void this.copyInvite();
    this.lockButton.onclick = () => void this.hostAction(this.locked ? 'unlock' : 'lock', null);
    this.endButton.onclick = () => void this.hostAction('end', null);
    this.removeShortcuts = installShortcuts({
      toggleMic: () => this.deps.toggleMic(),
      toggleCamera: () => this.deps.toggleCamera(),
      toggleHand: () => void this.toggleHand(),
      toggleChat: () => this.togglePanel('chat'),
      togglePeople: () => this.togglePanel('people'),
    });
    this.renderRole();
  }

  chatMessages(): ChatMessage[] {
    return [...this.chatLog];
  }

  setLabel(button: HTMLElement, text: string): void {
    const label = button.querySelector('.label-text');
    if (label) label.textContent = text;
    button.setAttribute('aria-label', text);
    button.title = text;
  }

  onJoined(joined: JoinMeetingResponse): void {
    this.participantId = joined.participantId;
    this.role = joined.role;
    this.renderRole();
    // The title needs a token of this meeting (details beyond existence are not public).
    getMeeting(this.meetingId, joined.accessToken).then(details => {
      if (details.meetingTitle) {
        this.title.textContent = details.meetingTitle;
        document.title = `${details.meetingTitle} · Meet`;
      }
    }).catch(() => undefined);
  }

  async onWelcome(welcome: WelcomeMessage): Promise<void> {
    this.participantId = welcome.participantId;
    this.role = welcome.role;
    this.self = { participantId: welcome.participantId, displayName: welcome.displayName || this.displayName, audioMuted: false, videoMuted: false, handRaised: false, role: welcome.role, handRaisedOrder: 0 };
    this.locked = !!welcome.locked;
    for (const message of welcome.chatHistory ?? []) this.onChat(message);
    // A large meeting's welcome holds the first page of the roster; fetch the rest.
    const roster = this.deps.roster();
    let last = welcome.participants.at(-1)?.participantId ?? null;
    for (let fetched = welcome.participants.length; last && fetched < (welcome.rosterTotal ?? 0);) {
      const page = await this.deps.signaling()!.getRosterPage(last, 500);
      if (!page.participants.length) break;
      roster.applyPage(page);
      fetched += page.participants.length;
      last = page.participants.at(-1)!.participantId;
    }
    this.renderRole();
    this.onRosterChanged([]);
  }

  onRosterChanged(_applied: ParticipantUpdateMessage[]): void {
    const others = [...this.deps.roster().participants.values()];
    this.count.textContent = `${others.length + 1} ${others.length === 0 ? 'person' : 'people'}`;
    this.chat.setRecipients(others);
    if (this.self) this.roster.render(this.self, others, this.deps.activeSpeaker(), this.isHost);
  }

  // A change the server made to us: a host mute, a hand lowered by the host, a role granted or taken.
  onSelfUpdate(update: ParticipantUpdateMessage): void {
    if (update.participant) this.self = { ...update.participant };
    if (update.action === 'MUTED' && update.kind === 'audio' && update.byHost) {
      this.deps.setMuted('audio', true);
      this.showHostNotice('The host muted you. Unmute yourself when you want to speak.');
    }
    if (update.action === 'UNMUTED' && update.kind === 'audio') this.hostBanner.hidden = true;
    if (update.action === 'HAND_LOWERED' && update.byHost) this.showHostNotice('The host lowered your hand.');
    if (update.action === 'ROLE_CHANGED' && update.participant?.role) {
      this.role = update.participant.role;
      this.showHostNotice(this.role === 'host' ? 'You are now a host of this meeting.' : 'You are no longer a host.');
    }
    this.renderRole();
    this.onRosterChanged([]);
  }

  onChat(message: ChatMessage): void {
    if (this.chatLog.some(m => m.id === message.id)) return;
    this.chatLog.push(message);
    this.chat.add(message, id => this.deps.roster().participants.get(id)?.displayName ?? 'someone');
  }

  onMeetingState(locked: boolean): void {
    this.locked = locked;
    this.renderRole();
  }

  onNotice(notice: NoticeMessage): void {
    this.notices.push(notice);
    switch (notice.kind) {
      case 'removed':
        this.deps.endPage('Removed from the meeting', 'The host removed you from this meeting.');
        break;
      case 'ended':
        this.deps.endPage('Meeting ended', 'This meeting has ended.');
        break;
      case 'ask_unmute': {
        const unmute = h('button', { id: 'accept-unmute', type: 'button' }, 'Unmute');
        unmute.onclick = () => {
          this.deps.setMuted('audio', false);
          this.hostBanner.hidden = true;
        };
        this.hostBanner.replaceChildren(`${notice.text}. `, unmute);
        this.hostBanner.hidden = false;
        break;
      }
    }
  }

  renderMediaButtons(hasAudio: boolean, micOff: boolean, hasVideo: boolean, camOff: boolean): void {
    this.micButton.disabled = !hasAudio;
    this.cameraButton.disabled = !hasVideo;
    this.setIcon(this.micButton, micOff ? 'micOff' : 'mic', micOff ? 'Unmute' : 'Mute');
    this.micButton.setAttribute('aria-pressed', String(micOff));
    this.micButton.classList.toggle('off', micOff);
    this.setIcon(this.cameraButton, camOff ? 'camOff' : 'cam', camOff ? 'Start video' : 'Stop video');
    this.cameraButton.setAttribute('aria-pressed', String(camOff));
    this.cameraButton.classList.toggle('off', camOff);
    if (this.self) {
      this.self = { ...this.self, audioMuted: micOff, videoMuted: camOff };
      this.onRosterChanged([]);
    }
  }

  dispose(): void {
    this.removeShortcuts();
    this.toolbarSize.disconnect();
  }

  private get isHost(): boolean {
    return this.role === 'host';
  }

  private renderRole(): void {
    for (const element of [this.lockButton, this.endButton]) element.hidden = !this.isHost;
    this.setLabel(this.lockButton, this.locked ? 'Unlock meeting' : 'Lock meeting');
    this.lockButton.setAttribute('aria-pressed', String(this.locked));
    this.lockIndicator.hidden = !this.locked;
    const raised = !!this.self?.handRaised;
    this.setLabel(this.handButton, raised ? 'Lower hand' : 'Raise hand');
    this.handButton.setAttribute('aria-pressed', String(raised));
  }

  private async toggleHand(): Promise<void> {
    const raised = !this.self?.handRaised;
    try {
      await this.deps.signaling()?.raiseHand(raised);
    } catch (e) {
      this.deps.showStatus(`Could not ${raised ? 'raise' : 'lower'} your hand: ${hubErrorText(e)}`, true);
    }
  }

  private async hostAction(action: HostAction, participantId: string | null): Promise<void> {
    try {
      await this.deps.signaling()?.hostAction(action, participantId, action === 'mute' ? 'audio' : null);
    } catch (e) {
      this.deps.showStatus(hubErrorText(e), true);
    }
  }

  private togglePanel(which: 'chat' | 'people'): void {
    const chatOpen = which === 'chat' ? !this.chat.isOpen : false;
    const peopleOpen = which === 'people' ? this.roster.element.hidden : false;
    this.chat.setOpen(chatOpen);
    this.roster.element.hidden = !peopleOpen;
    this.chatButton.setAttribute('aria-pressed', String(chatOpen));
    this.peopleButton.setAttribute('aria-pressed', String(peopleOpen));
    this.sidePanels.classList.toggle('open', chatOpen || peopleOpen);
  }

  // A host gets a signed invitation link (participant role); anyone else shares the plain link.
  private async copyInvite(): Promise<void> {
    const hostToken = storage.hostToken(this.meetingId);
    let link = `${location.origin}/j/${encodeURIComponent(this.meetingId)}`;
    if (hostToken) {
      try {
        link = (await createInvitation(this.meetingId, hostToken)).joinUrl;
      } catch {
        // The plain link still works for guests.
      }
    }
    // An end-to-end encrypted meeting's key travels only in the fragment the server never sees.
    link = withLinkKey(link);
    const field = h('input', { id: 'invite-link', readonly: '', 'aria-label': 'Invitation link' });
    field.value = link;
    const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
    close.onclick = () => { this.inviteBox.hidden = true; };
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // Clipboard needs a secure context and focus: the field below lets the user copy by hand.
    }
    this.inviteBox.replaceChildren(h('span', {}, copied ? 'Invitation link copied. ' : 'Copy this invitation link: '), field, close);
    this.inviteBox.hidden = false;
    field.select();
  }

  private showHostNotice(text: string): void {
    this.hostBanner.textContent = text;
    this.hostBanner.hidden = false;
  }

  private button(id: string, name: IconName, label: string, extraClass = ''): HTMLButtonElement {
    const button = h('button', { id, type: 'button', class: `tool ${extraClass}`.trim(), 'aria-label': label, title: label });
    button.append(icon(name), h('span', { class: 'label-text' }, label));
    return button;
  }

  private setIcon(button: HTMLButtonElement, name: IconName, label: string): void {
    button.querySelector('svg')?.replaceWith(icon(name));
    this.setLabel(button, label);
  }
}
