import type { IRetryPolicy, RetryContext } from '@microsoft/signalr';
import { JitteredBackoff } from './backoff';

// Fallback signaling nodes (issue 15): when the node this page's SignalR connection is on dies, the
// page reconnects to another node of the cluster instead of retrying the dead one for a minute. The
// join response lists the other nodes' hubs (`signaling.signalRFallbacks`, from Node:SignalingFallbacks);
// any node serves any client (state is shared through Redis), so the reconnected page rejoins the same
// meeting there and nobody sees it leave. Like the .NET client's FallbackNodes: the first attempt after
// a drop goes to the node we were on (a blip, a restart), and every failed attempt moves to the next
// node in the list, round and round, with the usual jittered backoff between attempts (backoff.ts).
export class SignalingNodeRotation implements IRetryPolicy {
  private index = 0;
  private moves = 0;

  // urls[0] is the node the page connects to first; setUrl points the connection at another node (it
  // is called while the connection is Reconnecting, when SignalR allows changing its URL).
  constructor(private readonly urls: string[], private readonly setUrl: (url: string) => void,
    private readonly backoff: IRetryPolicy = new JitteredBackoff()) {}

  get current(): string {
    return this.urls[this.index];
  }

  // How many times an attempt went to another node than the previous one (window.meet.signalingNode()).
  get switches(): number {
    return this.moves;
  }

  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    const delay = this.backoff.nextRetryDelayInMilliseconds(context);
    if (delay !== null && context.previousRetryCount > 0 && this.urls.length > 1) {
      this.index = (this.index + 1) % this.urls.length;
      this.moves++;
      this.setUrl(this.current);
    }
    return delay;
  }
}
