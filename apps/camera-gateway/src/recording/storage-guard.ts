import { Injectable } from '@nestjs/common';

type Listener = (full: boolean, reason: string | null) => void;

/**
 * Whether recording may write: retention sets it full when the disk holds nothing but locked
 * evidence (deleting more would destroy evidence); the recorder stops writing while it is full
 * and starts again when it clears. One flag shared by the two, so neither reaches into the other.
 */
@Injectable()
export class StorageGuard {
  private full = false;
  private reason: string | null = null;
  private readonly listeners = new Set<Listener>();

  isFull(): boolean {
    return this.full;
  }

  fullReason(): string | null {
    return this.reason;
  }

  set(full: boolean, reason: string | null = null): void {
    if (full === this.full && reason === this.reason) return;
    this.full = full;
    this.reason = full ? reason : null;
    for (const listener of this.listeners) listener(this.full, this.reason);
  }

  /** Returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
