import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@xueliang/platform';
import { CameraHealth } from './health/camera-health.service';
import { CameraLeases } from './leases/camera-leases.service';
import { Recorder } from './recording/recorder/recorder.service';
import { StreamManager } from './streams/stream-manager.service';

/** Live gateways in this process (tests run several); gauges are process-wide, so they sum over them. */
const sources = new Set<GatewayMetrics>();
const sum = (f: (m: GatewayMetrics) => number): number => [...sources].reduce((n, m) => n + f(m), 0);

new Gauge({
  name: 'xl_gateway_streams',
  help: 'Live HLS streams (one ffmpeg each) on this gateway',
  registers: [metricsRegistry],
  collect() {
    this.set(sum((m) => m.streams.list().filter((s) => s.pid).length));
  },
});
new Gauge({
  name: 'xl_gateway_transcodes',
  help: 'Live HLS streams transcoded to H.264 (H.265 cameras, ~25x the CPU of a copied one; cap MAX_TRANSCODES)',
  registers: [metricsRegistry],
  collect() {
    this.set(sum((m) => m.streams.list().filter((s) => s.pid && s.transcoding).length));
  },
});
new Gauge({
  name: 'xl_gateway_stream_restarts',
  help: 'ffmpeg restarts of the streams currently running',
  registers: [metricsRegistry],
  collect() {
    this.set(sum((m) => m.streams.list().reduce((n, s) => n + s.restarts, 0)));
  },
});
new Gauge({
  name: 'xl_gateway_cameras_leased',
  help: 'Cameras this gateway holds the lease of',
  registers: [metricsRegistry],
  collect() {
    this.set(sum((m) => m.leases.ownedIds().length));
  },
});
new Gauge({
  name: 'xl_gateway_cameras_offline',
  help: 'Leased cameras whose health polls say offline',
  registers: [metricsRegistry],
  collect() {
    this.set(
      sum((m) => m.leases.ownedIds().filter((id) => m.health.status(id)?.status === 'offline').length),
    );
  },
});

new Gauge({
  name: 'xl_gateway_cameras_recording',
  help: 'Cameras this gateway is writing recording segments of right now',
  registers: [metricsRegistry],
  collect() {
    this.set(sum((m) => m.recorder.recordingCount()));
  },
});
/** Counters read from the recorders' running totals at scrape time (monotonic per process). */
function recorderCounter(name: string, help: string, f: (m: GatewayMetrics) => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers: [metricsRegistry],
    collect() {
      const total = sum(f);
      if (total > reported) this.inc(total - reported);
      reported = Math.max(reported, total);
    },
  });
}
recorderCounter(
  'xl_gateway_recording_segments_total',
  'Recording segments closed, hashed and indexed',
  (m) => m.recorder.counters.segments,
);
recorderCounter(
  'xl_gateway_recording_bytes_total',
  'Bytes of recording segments indexed',
  (m) => m.recorder.counters.bytes,
);
recorderCounter(
  'xl_gateway_recording_restarts_total',
  'Restarts of recording ffmpeg processes after they died',
  (m) => m.recorder.counters.restarts,
);

@Injectable()
export class GatewayMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(
    readonly streams: StreamManager,
    readonly leases: CameraLeases,
    readonly health: CameraHealth,
    readonly recorder: Recorder,
  ) {}

  onModuleInit(): void {
    sources.add(this);
  }

  onModuleDestroy(): void {
    sources.delete(this);
  }
}
