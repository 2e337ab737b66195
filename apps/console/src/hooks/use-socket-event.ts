import { useEffect, useRef } from 'react';
import { useSocket, type ConsoleEvents } from '../api/socket-provider';

/** Calls `handler` for every `event`; the latest handler is used without re-subscribing. */
export function useSocketEvent<E extends keyof ConsoleEvents>(
  event: E,
  handler: (payload: ConsoleEvents[E]) => void,
): void {
  const { subscribe } = useSocket();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe(event, (p) => ref.current(p)), [subscribe, event]);
}
