// Keyboard shortcuts of the meeting page, the ones people know from Google Meet and Jitsi: Ctrl/Cmd+D
// microphone, Ctrl/Cmd+E camera, and single keys M (mic), V (camera), H (hand), C (chat), P (people)
// when no text field has the focus.
export interface ShortcutActions {
  toggleMic(): void;
  toggleCamera(): void;
  toggleHand(): void;
  toggleChat(): void;
  togglePeople(): void;
}

export const shortcutHelp = 'Shortcuts: M or Ctrl+D microphone, V or Ctrl+E camera, H hand, C chat, P people';

export function installShortcuts(actions: ShortcutActions): () => void {
  const onKey = (e: KeyboardEvent) => {
    const modifier = e.ctrlKey || e.metaKey;
    if (modifier && !e.altKey && !e.shiftKey && (e.key === 'd' || e.key === 'e')) {
      e.preventDefault();
      if (e.key === 'd') actions.toggleMic();
      else actions.toggleCamera();
      return;
    }
    const target = e.target as HTMLElement | null;
    if (modifier || e.altKey || target?.closest('input, textarea, select, [contenteditable="true"]')) return;
    const action = ({ m: actions.toggleMic, v: actions.toggleCamera, h: actions.toggleHand, c: actions.toggleChat, p: actions.togglePeople } as Record<string, () => void>)[e.key.toLowerCase()];
    if (action) {
      e.preventDefault();
      action();
    }
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
