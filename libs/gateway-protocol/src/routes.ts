import { z } from 'zod';
import {
  CameraReconnectedSchema,
  DiscoveryScanSchema,
  DiscoveryStartedSchema,
  PtzAnswerSchema,
  PtzPresetsSchema,
  ProbeResultSchema,
  SegmentHashesSchema,
  StreamInfoSchema,
  StreamsStoppedSchema,
} from './messages';

type Method = 'GET' | 'POST' | 'DELETE';

/** The `:name` parameters of a route pattern, as a union of their names. */
export type RouteParams<P extends string> = P extends `${string}:${infer K}/${infer Rest}`
  ? K | RouteParams<`/${Rest}`>
  : P extends `${string}:${infer K}`
    ? K
    : never;

/**
 * One internal route: the gateway's controller is declared with `pattern`, the api builds the URL
 * with `path()` from the same pattern, and reads the answer with `answer` (null: a binary body).
 * A renamed parameter is a compile error at every caller.
 */
export interface GatewayRoute<P extends string, A extends z.ZodType | null> {
  method: Method;
  pattern: P;
  answer: A;
  path(params: Record<RouteParams<P>, string>): string;
}

function route<const P extends string, A extends z.ZodType | null>(
  method: Method,
  pattern: P,
  answer: A,
): GatewayRoute<P, A> {
  return {
    method,
    pattern,
    answer,
    path: (params) =>
      pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
        encodeURIComponent((params as Record<string, string>)[name] ?? ''),
      ),
  };
}

/** Every route of the gateway's internal API (called with the internal token only). */
export const gatewayRoutes = {
  probe: route('POST', '/internal/probe', ProbeResultSchema),
  startDiscovery: route('POST', '/internal/discovery', DiscoveryStartedSchema),
  discovery: route('GET', '/internal/discovery', DiscoveryScanSchema),
  ptz: route('POST', '/internal/cameras/:id/ptz', PtzAnswerSchema),
  presets: route('GET', '/internal/cameras/:id/presets', PtzPresetsSchema),
  snapshot: route('GET', '/internal/cameras/:id/snapshot', null),
  ensureStream: route('POST', '/internal/cameras/:id/streams/:stream', StreamInfoSchema),
  stopStreams: route('DELETE', '/internal/cameras/:id/streams', StreamsStoppedSchema),
  reconnect: route('POST', '/internal/cameras/:id/reconnect', CameraReconnectedSchema),
  streams: route('GET', '/internal/streams', z.array(StreamInfoSchema)),
  hlsFile: route('GET', '/internal/hls/:id/:stream/:file', null),
  /** Bytes of one indexed recording segment; the gateway resolves the id through the index, never a path. */
  recordingSegment: route('GET', '/internal/recordings/segments/:id', null),
  /** One file (MP4 or manifest.json) of a finished export. */
  exportFile: route('GET', '/internal/exports/:id/files/:file', null),
  /** Re-hashes indexed segments against their index hash (the chain check); body SegmentHashRequest. */
  verifySegments: route('POST', '/internal/recordings/verify', SegmentHashesSchema),
  /** Removes a deleted export's files from the gateway that wrote them. */
  deleteExportFiles: route('DELETE', '/internal/exports/:id', z.object({ removed: z.boolean() })),
} as const;
