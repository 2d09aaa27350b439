import type { ChiefCloser } from '../machines/chief.js';
import type { ChiefAttachment } from './chief-options.js';
import { createEvent, type ChiefEvent } from './events.js';

/** What opening and closing a run needs from its Chief. */
export interface CloserHost {
  readonly attachments: readonly ChiefAttachment[];
  /** The shutdown callback as it is when closing begins (a setter may run while the Chief runs). */
  shutdown(): (() => void | Promise<void>) | undefined;
  publish(event: ChiefEvent): void;
}

/**
 * Starts the attachments in order. When one fails, those already started are stopped again
 * (in reverse order) and the failure is rethrown: the Chief does not start.
 */
export async function openAttachments(host: CloserHost): Promise<void> {
  const started: ChiefAttachment[] = [];
  for (const attachment of host.attachments) {
    try {
      await attachment.start();
      started.push(attachment);
    } catch (error) {
      // The attachment reported its own failure with the cause; this says what it means.
      host.publish(
        createEvent({
          type: 'chief.error',
          level: 'error',
          message: `chief not started: the ${attachment.name} failed to start`,
          fields: { attachment: attachment.name, error: error instanceof Error ? error.message : String(error) },
        }),
      );
      for (const done of started.reverse()) {
        try {
          await done.stop();
        } catch (stopError) {
          host.publish(closeFailedEvent('attachment', done.name, stopError));
        }
      }
      throw error;
    }
  }
}

/** The steps of closing, in order: the shutdown callback, then the attachments in reverse. */
export function closersOf(host: CloserHost): ChiefCloser[] {
  const closers: ChiefCloser[] = [{ kind: 'shutdown', name: 'shutdown', close: () => host.shutdown()?.() }];
  for (const attachment of [...host.attachments].reverse()) {
    closers.push({ kind: 'attachment', name: attachment.name, close: () => attachment.stop() });
  }
  return closers;
}

/**
 * After a forced stop, the attachments closing never reached are still told to stop (a server
 * closed, a socket file removed), but not waited for: the force-stop timeout has passed.
 */
export function closeUnreached(closers: readonly ChiefCloser[], publish: (event: ChiefEvent) => void): void {
  for (const closer of closers) {
    if (closer.kind !== 'attachment') continue;
    new Promise((resolve) => resolve(closer.close())).catch((error: unknown) => publish(closeFailedEvent(closer.kind, closer.name, error)));
  }
}

/** A closer threw or rejected. */
export function closeFailedEvent(kind: ChiefCloser['kind'], name: string, error: unknown): ChiefEvent {
  return kind === 'shutdown'
    ? createEvent({ type: 'callback.failed', level: 'error', message: 'shutdown callback threw', fields: { callback: 'shutdown' }, error })
    : createEvent({
        type: 'callback.failed',
        level: 'error',
        message: `cannot stop ${name}`,
        fields: { callback: 'attachment', attachment: name },
        error,
      });
}
