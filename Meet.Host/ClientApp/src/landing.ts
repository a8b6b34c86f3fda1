import { createMeeting, parseMeetingInput } from './api';
import { h, mount, storage } from './dom';
import { newMeetingSecret } from './e2ee/session';
import { e2eeOption } from './e2ee/ui';

// "/": your name, then either create a meeting (you become its host) or join one by id or link.
export function showLanding(): void {
  const name = h('input', { id: 'name', name: 'name', required: '', maxlength: '64', autocomplete: 'name', placeholder: 'Your name' });
  name.value = storage.name;
  const meeting = h('input', { id: 'meeting', name: 'meeting', placeholder: 'Meeting id or link' });
  const error = h('p', { id: 'landing-error', class: 'error', role: 'alert' });
  const create = h('button', { id: 'create', type: 'button' }, 'New meeting');
  const join = h('button', { id: 'join', type: 'button', class: 'secondary' }, 'Join');
  const e2ee = e2eeOption();

  const takeName = (): string | null => {
    const value = name.value.trim();
    if (!value) {
      error.textContent = 'Enter your name first.';
      name.focus();
      return null;
    }
    storage.name = value;
    return value;
  };

  create.onclick = async () => {
    const displayName = takeName();
    if (!displayName) return;
    create.disabled = true;
    error.textContent = '';
    try {
      const encrypted = e2ee.checked();
      const created = await createMeeting(storage.userId, `${displayName}'s meeting`, encrypted);
      storage.setHostToken(created.meetingId, created.accessToken);
      // An encrypted meeting's key is made here and lives only in the link's fragment.
      location.assign(`/j/${encodeURIComponent(created.meetingId)}` + (encrypted ? `#key=${newMeetingSecret()}` : ''));
    } catch (e) {
      error.textContent = `Could not create a meeting: ${e instanceof Error ? e.message : String(e)}`;
      create.disabled = false;
    }
  };

  const joinExisting = () => {
    if (!takeName()) return;
    const id = parseMeetingInput(meeting.value);
    if (!id) {
      error.textContent = 'Paste a meeting id (mtg-…) or a join link.';
      meeting.focus();
      return;
    }
    // A pasted invite link of an encrypted meeting keeps its key fragment.
    location.assign(`/j/${encodeURIComponent(id)}` + (/#key=[A-Za-z0-9_-]+/.exec(meeting.value)?.[0] ?? ''));
  };
  join.onclick = joinExisting;
  meeting.onkeydown = e => { if (e.key === 'Enter') joinExisting(); };

  mount(h('main', { class: 'landing' },
    h('h1', {}, 'Meet'),
    h('p', { class: 'muted' }, 'Video meetings on your own server.'),
    h('label', { for: 'name' }, 'Your name'), name,
    e2ee.element,
    create,
    h('div', { class: 'divider' }, 'or'),
    h('div', { class: 'row' }, meeting, join),
    error));
  name.focus();
}
