import { ApiError, describeJoinError, getMeeting } from '../api';
import { h, mount, storage } from '../dom';

// Before joining: first whether the meeting exists at all (said before anyone types a name), then the
// name, the camera and microphone to use, and a preview of the camera. onJoin runs once the visitor
// clicks Join; the chosen devices are remembered for the meeting page and the next visit.
export async function showPrejoin(meetingId: string, onJoin: () => void): Promise<void> {
  mount(h('main', { class: 'landing', 'aria-busy': 'true' }, h('h1', {}, 'Join meeting'), h('p', { class: 'muted' }, 'Checking the meeting…')));
  try {
    await getMeeting(meetingId);
  } catch (error) {
    const ended = error instanceof ApiError && error.status === 410;
    mount(h('main', { class: 'landing' },
      h('h1', {}, ended ? 'Meeting ended' : 'Cannot join'),
      h('p', { id: 'meeting-error', class: 'error', role: 'alert' }, describeJoinError(error)),
      h('p', {}, h('a', { href: '/' }, 'Back to start'))));
    return;
  }

  const name = h('input', { id: 'name', required: '', maxlength: '64', placeholder: 'Your name', autocomplete: 'name' });
  name.value = storage.name;
  const camera = h('select', { id: 'camera-select' });
  const microphone = h('select', { id: 'microphone-select' });
  const preview = h('video', { id: 'preview', autoplay: '', playsinline: '', 'aria-label': 'Camera preview' });
  preview.muted = true;
  const note = h('p', { class: 'muted', id: 'preview-note' });
  const go = h('button', { id: 'join', type: 'submit' }, 'Join meeting');
  const form = h('form', { class: 'landing prejoin' },
    h('h1', {}, 'Join meeting'),
    h('p', { class: 'muted' }, meetingId),
    h('div', { class: 'preview' }, preview),
    note,
    h('label', { for: 'name' }, 'Your name'), name,
    h('label', { for: 'camera-select' }, 'Camera'), camera,
    h('label', { for: 'microphone-select' }, 'Microphone'), microphone,
    go);
  mount(form);
  name.focus();

  let stream: MediaStream | null = null;
  let joining = false;
  const stop = () => stream?.getTracks().forEach(t => t.stop());
  const startPreview = async () => {
    stop();
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: camera.value ? { deviceId: { exact: camera.value } } : true,
        audio: microphone.value ? { deviceId: { exact: microphone.value } } : true,
      });
      // Join may have been clicked while the camera was starting: the meeting page opens its own.
      if (joining) stop();
      else preview.srcObject = stream;
      note.textContent = '';
    } catch (e) {
      note.textContent = `No preview: ${e instanceof DOMException ? e.name : String(e)}. You can still join.`;
    }
  };
  const fillDevices = async () => {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, chosen: string) => {
      const list = devices.filter(d => d.kind === kind);
      select.replaceChildren(...list.map((d, i) => h('option', { value: d.deviceId }, d.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${i + 1}`)));
      if (list.some(d => d.deviceId === chosen)) select.value = chosen;
      select.disabled = list.length === 0;
    };
    fill(camera, 'videoinput', storage.cameraId);
    fill(microphone, 'audioinput', storage.microphoneId);
  };
  // Wired before the preview starts: Join works at once, whether or not the camera has answered yet.
  form.onsubmit = e => {
    e.preventDefault();
    if (!name.value.trim()) {
      name.focus();
      return;
    }
    storage.name = name.value.trim();
    storage.cameraId = camera.value;
    storage.microphoneId = microphone.value;
    joining = true;
    stop();
    onJoin();
  };

  if (navigator.mediaDevices) {
    // Labels and ids are only listed once the page has a permission, so the preview comes first.
    await startPreview();
    await fillDevices().catch(() => undefined);
    camera.onchange = () => void startPreview();
    microphone.onchange = () => void startPreview();
  } else {
    note.textContent = 'This page is not a secure context (use HTTPS or localhost): no camera or microphone.';
  }
}
