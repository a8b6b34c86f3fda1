import type { IRetryPolicy, RetryContext } from '@microsoft/signalr';

// Reconnection storms (issue 15, the seed's failure scenario 4): when a signaling node restarts, every
// page it served reconnects. Each waits min(maxDelay, baseDelay × 2^attempt) ± jitter, the jitter a
// random share of that delay, so thousands of pages dropped together come back spread out instead of
// as one wave (the server also refuses connects over its token bucket with 429; a refused attempt
// simply counts as one more attempt). The same formula and defaults as the .NET client's
// ReconnectBackoff (Meet.Modules/Client); docs/ha.md "Handover and storms".
export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
  // 0.3 = ±30 % of the delay.
  jitterFraction: number;
  // After this many failed attempts the page says the connection is lost for good.
  maxAttempts: number;
}

export const defaultBackoff: BackoffSettings = { baseDelayMs: 250, maxDelayMs: 10_000, jitterFraction: 0.3, maxAttempts: 12 };

export function reconnectDelayMs(attempt: number, settings: BackoffSettings = defaultBackoff, random: () => number = Math.random): number {
  const capped = Math.min(settings.maxDelayMs, settings.baseDelayMs * Math.pow(2, Math.min(attempt, 30)));
  const jitter = capped * settings.jitterFraction * (random() * 2 - 1);
  return Math.max(0, Math.round(capped + jitter));
}

// SignalR's automatic reconnect asks this before each attempt; null stops reconnecting.
export class JitteredBackoff implements IRetryPolicy {
  constructor(private readonly settings: BackoffSettings = defaultBackoff) {}

  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    if (context.previousRetryCount >= this.settings.maxAttempts) return null;
    return reconnectDelayMs(context.previousRetryCount, this.settings);
  }
}
