import { h } from '../dom';
import type { HostAction, ParticipantInfo } from '../signaling';
import { icon, iconButton } from './icons';

export interface RosterPanelActions {
  // A host command about one participant (or the meeting when participantId is null).
  hostAction(action: HostAction, participantId: string | null): void;
}

// The people panel: everyone in the meeting with icons for host, microphone, camera, raised hand (and
// its place in the raise order), speaking, screen sharing and a connection that is not well. Raised hands come first, in raise order, so the host sees
// who asked first. A host gets a menu per participant and "mute all".
export class RosterPanel {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'roster-list', 'aria-label': 'Participants' });
  private readonly heading = h('h2', { id: 'roster-heading' }, 'People');
  private readonly muteAll = h('button', { id: 'mute-all', type: 'button', class: 'secondary' }, 'Mute all');
  private openMenu: HTMLElement | null = null;
  // Whose menu is open, so a re-render (a roster delta, a new speaker) reopens it instead of snatching it
  // from under the host's pointer.
  private openMenuFor: string | null = null;
  // How to open each listed participant's menu, rebuilt by every render.
  private readonly menuOpeners = new Map<string, (focus: boolean) => void>();

  constructor(private readonly actions: RosterPanelActions) {
    this.muteAll.onclick = () => this.actions.hostAction('mute_all', null);
    this.element = h('section', { id: 'roster-panel', class: 'panel', 'aria-labelledby': 'roster-heading', hidden: '' },
      h('div', { class: 'panel-header' }, this.heading, this.muteAll),
      this.list);
    document.addEventListener('click', e => {
      if (this.openMenu && !this.openMenu.parentElement?.contains(e.target as Node)) this.closeMenu();
    });
  }

  // self: our own entry (shown first, without a menu); isHost: whether to offer host controls.
  render(self: ParticipantInfo, others: Iterable<ParticipantInfo>, speaking: string | null, isHost: boolean): void {
    const reopen = isHost ? this.openMenuFor : null;
    const focusWasInMenu = !!this.openMenu?.contains(document.activeElement);
    this.closeMenu();
    const sorted = [...others].sort((a, b) => {
      const ha = a.handRaisedOrder || Number.MAX_SAFE_INTEGER;
      const hb = b.handRaisedOrder || Number.MAX_SAFE_INTEGER;
      return ha !== hb ? ha - hb : a.displayName.localeCompare(b.displayName);
    });
    this.heading.textContent = `People (${sorted.length + 1})`;
    this.muteAll.hidden = !isHost;
    this.menuOpeners.clear();
    this.list.replaceChildren(this.row(self, true, speaking, false), ...sorted.map(p => this.row(p, false, speaking, isHost)));
    if (reopen) this.menuOpeners.get(reopen)?.(focusWasInMenu);
  }

  private row(p: ParticipantInfo, isSelf: boolean, speaking: string | null, withMenu: boolean): HTMLElement {
    const status = h('span', { class: 'roster-icons' });
    if (p.role === 'host') status.append(icon('star', 'host'));
    if (p.handRaised) {
      const hand = h('span', { class: 'hand', title: `Hand raised (#${p.handRaisedOrder})` });
      hand.append(icon('hand', `hand raised, number ${p.handRaisedOrder}`), String(p.handRaisedOrder ?? ''));
      status.append(hand);
    }
    if (p.participantId === speaking) status.append(icon('speaking', 'speaking'));
    if (p.screenSharing) status.append(icon('screen', 'sharing screen'));
    if (p.connection === 'reconnecting') status.append(icon('reconnecting', 'reconnecting'));
    if (p.connection === 'media_failed') status.append(icon('mediaFailed', 'media connection failed'));
    status.append(icon(p.audioMuted ? 'micOff' : 'mic', p.audioMuted ? 'microphone off' : 'microphone on'));
    status.append(icon(p.videoMuted ? 'camOff' : 'cam', p.videoMuted ? 'camera off' : 'camera on'));
    const row = h('li', { class: 'roster-row', 'data-participant-id': p.participantId, 'data-hand-order': String(p.handRaisedOrder ?? 0),
      'data-connection': p.connection ?? 'connected', 'data-screen-sharing': String(!!p.screenSharing) },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, (p.displayName.trim()[0] ?? '?').toUpperCase()),
      h('span', { class: 'roster-name' }, isSelf ? `${p.displayName} (you)` : p.displayName),
      status);
    if (withMenu) row.append(this.menuFor(p));
    return row;
  }

  private menuFor(p: ParticipantInfo): HTMLElement {
    const button = iconButton(`menu-${p.participantId}`, 'more', `Actions for ${p.displayName}`, 'participant-menu-button');
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-expanded', 'false');
    const item = (action: HostAction, label: string) => {
      const b = h('button', { type: 'button', role: 'menuitem', 'data-action': action }, label);
      b.onclick = () => {
        this.closeMenu();
        this.actions.hostAction(action, p.participantId);
      };
      return b;
    };
    const menu = h('div', { class: 'menu', role: 'menu', hidden: '' },
      p.audioMuted ? item('ask_unmute', 'Ask to unmute') : item('mute', 'Mute'),
      ...(p.handRaised ? [item('lower_hand', 'Lower hand')] : []),
      ...(p.role === 'host' ? [] : [item('make_host', 'Make co-host'), item('transfer_host', 'Make host (you stop being host)')]),
      item('remove', 'Remove from meeting'));
    const open = (focus: boolean) => {
      menu.hidden = false;
      button.setAttribute('aria-expanded', 'true');
      this.openMenu = menu;
      this.openMenuFor = p.participantId;
      if (focus) (menu.querySelector('button') as HTMLButtonElement | null)?.focus();
    };
    button.onclick = () => {
      const opening = menu.hidden;
      this.closeMenu();
      if (opening) open(true);
    };
    this.menuOpeners.set(p.participantId, open);
    menu.onkeydown = e => {
      if (e.key === 'Escape') {
        this.closeMenu();
        button.focus();
      }
    };
    return h('span', { class: 'menu-anchor' }, button, menu);
  }

  private closeMenu(): void {
    if (!this.openMenu) return;
    this.openMenu.hidden = true;
    this.openMenu.parentElement?.querySelector('button')?.setAttribute('aria-expanded', 'false');
    this.openMenu = null;
    this.openMenuFor = null;
  }
}
