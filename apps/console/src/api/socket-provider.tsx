import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SyncResult } from '@xueliang/contracts';
import { useSession } from './session-provider';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

type ServerEventName = keyof ServerToClientEvents;
/** Payload of each server event, read off the contracts' map so the two cannot drift apart. */
type ServerPayloads = { [E in ServerEventName]: Parameters<ServerToClientEvents[E]>[0] };

/** What consumers hear: the server's events, plus 'resync' when a sync was truncated (reload lists). */
export type ConsoleEvents = ServerPayloads & { resync: { reason: 'truncated' } };
type EventName = keyof ConsoleEvents;

/**
 * Every server event the provider relays. A Record, so an event added to the contracts' map is a
 * compile error here until the console listens to it.
 */
const SERVER_EVENTS: Record<ServerEventName, true> = {
  'alert.created': true,
  'alert.updated': true,
  'alert.overdue': true,
  'camera.status': true,
  // Progress of the user's own evidence exports (to their sockets only).
  'export.progress': true,
};
type Listener<E extends EventName> = (payload: ConsoleEvents[E]) => void;

interface SocketContextValue {
  state: ConnectionState;
  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void;
}

const SocketContext = createContext<SocketContextValue | null>(null);
/** After this many failed attempts in a row we say 离线 instead of 重连中 (we keep trying). */
const OFFLINE_AFTER_FAILURES = 4;

function newerSeq(a: string | undefined, b: string): string {
  if (!a) return b;
  try {
    return BigInt(b) > BigInt(a) ? b : a;
  } catch {
    return b;
  }
}

/** The one socket of the console; everything that wants live changes subscribes here. */
export function SocketProvider({ children }: { children: ReactNode }) {
  const { token, expire } = useSession();
  const [state, setState] = useState<ConnectionState>('connecting');
  const listeners = useRef(new Map<EventName, Set<(payload: unknown) => void>>());
  const lastSeq = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!token) return;
    // Listeners are stored untyped; subscribe() is where each is bound to its event's payload.
    const emit = (event: EventName, payload: unknown) => {
      listeners.current.get(event)?.forEach((fn) => fn(payload));
    };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      auth: { token },
      transports: ['websocket', 'polling'],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10_000,
      // An unanswered handshake becomes 重连中 within seconds instead of 连接中 for socket.io's default 20 s.
      timeout: 8_000,
    });
    let failures = 0;
    let everConnected = false;
    setState('connecting');

    const relay = <E extends ServerEventName>(event: E, payload: ServerPayloads[E]) => {
      // Alert messages carry the change-log sequence a reconnect resumes from.
      if ('seq' in payload) lastSeq.current = newerSeq(lastSeq.current, payload.seq);
      emit(event, payload);
    };
    for (const event of Object.keys(SERVER_EVENTS) as ServerEventName[]) {
      socket.on(event, (payload: ServerPayloads[typeof event]) => relay(event, payload));
    }
    socket.on('connect', () => {
      failures = 0;
      setState('connected');
      // Catch up on what happened while we were away; a truncated answer means reload instead.
      const since = lastSeq.current;
      const wasReconnect = everConnected;
      everConnected = true;
      socket
        .timeout(10_000)
        .emit('sync', since ? { since } : {}, (err: Error | null, result?: SyncResult) => {
          if (err || !result) return;
          if (result.truncated && wasReconnect) emit('resync', { reason: 'truncated' });
          for (const change of result.changes) relay(change.event, change.message);
          lastSeq.current = newerSeq(lastSeq.current, result.lastSeq);
        });
    });
    socket.on('disconnect', (reason) => {
      // The server ends a socket only when its session ended (token expiry, account disabled,
      // new password, roles or region): reconnecting with the same token cannot work, sign in again.
      if (reason === 'io server disconnect') return expire();
      setState(navigator.onLine ? 'reconnecting' : 'offline');
    });
    socket.on('connect_error', () => {
      // Refused by the server's token check (not the network): socket.io will not retry either.
      if (!socket.active) return expire();
      failures += 1;
      setState(!navigator.onLine || failures >= OFFLINE_AFTER_FAILURES ? 'offline' : 'reconnecting');
    });
    const offline = () => setState('offline');
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('offline', offline);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [token, expire]);

  const value = useMemo<SocketContextValue>(
    () => ({
      state,
      subscribe(event, listener) {
        let set = listeners.current.get(event);
        if (!set) listeners.current.set(event, (set = new Set()));
        const fn = listener as (payload: unknown) => void;
        set.add(fn);
        return () => set.delete(fn);
      },
    }),
    [state],
  );
  return <SocketContext.Provider value={value}>{children}</SocketContext.Provider>;
}

export function useSocket(): SocketContextValue {
  const ctx = useContext(SocketContext);
  if (!ctx) throw new Error('useSocket outside SocketProvider');
  return ctx;
}
