// REST calls to the Meetings API (docs/foundation.md). Errors are problem+json; ApiError keeps the
// status so pages can tell an unknown meeting (404) from an ended one (410).

export interface CreateMeetingResponse {
  meetingId: string;
  hostId: string;
  joinUrl: string;
  accessToken: string;
  createdAt: string;
}

export interface JoinMeetingResponse {
  meetingId: string;
  participantId: string;
  userId: string;
  role: string;
  accessToken: string;
  expiresAt: string;
  muted: boolean;
  // signalRFallbacks: the cluster's other signaling nodes' hubs (absolute URLs; signalingnodes.ts).
  signaling: { signalR: string; grpc: string; signalRFallbacks?: string[] };
  mediaNode: { serverId: string; address: string; region: string };
  // STUN/TURN servers from the server's Turn configuration, TURN with time-limited credentials
  // (docs/interop.md); empty when none is configured.
  iceServers?: RTCIceServer[];
  // End-to-end encrypted meeting (e2ee/session.ts): encrypt with the key from the link's fragment.
  e2ee?: boolean;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function send<T>(path: string, body: unknown, token?: string, method = 'POST'): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The server cannot be reached.');
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch {
      // Not problem+json (a proxy's page): the status text is all we have.
    }
    throw new ApiError(response.status, detail);
  }
  return (await response.json()) as T;
}

export function createMeeting(hostId: string, meetingTitle: string, e2ee = false): Promise<CreateMeetingResponse> {
  return send('/v1/meetings', { hostId, meetingTitle, allowGuestJoin: true, defaultMuted: false, e2ee });
}

// The server decides who we are: a token (the host's, or ours from an earlier join), else an invitation,
// else a guest. userId is only a label.
export function joinMeeting(meetingId: string, userId: string, displayName: string, token?: string, invitation?: string): Promise<JoinMeetingResponse> {
  return send(`/v1/meetings/${encodeURIComponent(meetingId)}/join`, { userId, displayName, invitation }, token);
}

export interface MeetingDetails {
  meetingId: string;
  status: string;
  meetingTitle?: string;
  hostId?: string;
  joinUrl?: string;
}

// Without a token: only whether the meeting exists (404) or ended (410); with one, its title and settings.
export function getMeeting(meetingId: string, token?: string): Promise<MeetingDetails> {
  return send(`/v1/meetings/${encodeURIComponent(meetingId)}`, undefined, token, 'GET');
}

// Host only: a signed invitation link that joins as participant.
export function createInvitation(meetingId: string, hostToken: string): Promise<{ invitation: string; joinUrl: string; expiresAt: string }> {
  return send(`/v1/meetings/${encodeURIComponent(meetingId)}/invitations`, { singleUse: false }, hostToken);
}

// What the user sees for a failed join: the status decides, the server's detail is secondary.
export function describeJoinError(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 404: return 'This meeting does not exist. Check the link or the meeting id.';
      case 410: return 'This meeting has ended.';
      case 401: return 'You cannot rejoin this meeting: you were removed by the host, or your access expired.';
      case 403: return /locked/i.test(error.message) ? 'This meeting is locked: the host is not letting anyone new in.'
        : /guest|invit/i.test(error.message) ? 'This meeting is only for invited people. Ask the host for an invitation link.'
          : 'You are not allowed to join this meeting.';
      case 429: return 'Too many join attempts. Wait a moment and try again.';
      case 503: return 'No media server is available right now. Try again shortly.';
      case 0: return error.message;
      default: return `Could not join the meeting (${error.status}): ${error.message}`;
    }
  }
  return `Could not join the meeting: ${String(error)}`;
}

// A meeting id from what the user pasted: a bare id, "/j/<id>" or a full join link.
export function parseMeetingInput(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const match = /\/j\/([^/?#\s]+)/.exec(text);
  const id = match ? decodeURIComponent(match[1]) : text;
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}
