import { h } from './dom';
import { hubErrorCode } from './signaling';

// Pinning (issue 10): a pin button on every participant tile. The SFU always forwards a pinned
// participant's camera to this client (it takes one of the grid's video slots, so no more can be pinned
// than there are slots: the server refuses with 409 "pin_limit" and the pin is undone). The list goes to
// the server whole, in pin order, on every change; [] unpins everyone.
export class PinControls {
  private readonly pinned: string[] = [];
  private readonly buttons = new Map<string, HTMLButtonElement>();

  constructor(
    private readonly send: (participantIds: string[]) => Promise<void> | undefined,
    private readonly showStatus: (text: string, warn: boolean) => void) {}

  // Adds the tile's pin button (once per tile).
  attach(participantId: string, tile: HTMLElement, name: () => string): void {
    if (this.buttons.has(participantId)) return;
    const button = h('button', { type: 'button', class: 'pin', 'aria-pressed': 'false', 'data-pin': participantId }, 'Pin');
    button.onclick = () => void this.toggle(participantId, name());
    this.buttons.set(participantId, button);
    tile.append(button);
    this.render(participantId);
  }

  // The participant left: its pin goes too (the server drops it with the participant).
  forget(participantId: string): void {
    this.buttons.delete(participantId);
    const index = this.pinned.indexOf(participantId);
    if (index >= 0) {
      this.pinned.splice(index, 1);
      void this.send([...this.pinned])?.catch(() => undefined);
    }
  }

  list(): string[] {
    return [...this.pinned];
  }

  private async toggle(participantId: string, name: string): Promise<void> {
    const before = [...this.pinned];
    const index = this.pinned.indexOf(participantId);
    if (index >= 0) this.pinned.splice(index, 1);
    else this.pinned.push(participantId);
    this.render(participantId);
    try {
      await this.send([...this.pinned]);
    } catch (error) {
      this.pinned.splice(0, this.pinned.length, ...before);
      this.render(participantId);
      const code = hubErrorCode(error);
      this.showStatus(code === 409 ? `Cannot pin ${name}: every video slot is already pinned.` : `Pinning failed: ${String(error)}`, true);
    }
  }

  private render(participantId: string): void {
    const button = this.buttons.get(participantId);
    if (!button) return;
    const on = this.pinned.includes(participantId);
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Unpin' : 'Pin';
    button.closest('.tile')?.classList.toggle('pinned', on);
  }
}
