import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import type { z } from 'zod';
import {
  onvifDeviceChanged,
  PtzCommandSchema,
  StreamKindSchema,
  type PtzCommand,
  type PtzPresetView,
  type StreamKind,
} from '@xueliang/contracts';
import {
  type DiscoveryScan,
  type DiscoveryStarted,
  gatewayRoutes as routes,
  hlsContentType,
  PLAYLIST,
  type ProbeResult,
  ProbeTargetSchema,
  type StreamInfo,
} from '@xueliang/gateway-protocol';
import { valid } from '@xueliang/platform';
import { Inject } from '@nestjs/common';
import { CameraControl } from '../cameras/camera-control.service';
import { CameraDirectory } from '../cameras/camera-directory.service';
import { DiscoveryService } from '../discovery/discovery.service';
import { PullPoints } from '../events/pull-point.service';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { CameraHealth } from '../health/camera-health.service';
import { CameraLeases } from '../leases/camera-leases.service';
import { OnvifProbe } from '../onvif/onvif-probe.adapter';
import { StreamManager } from '../streams/stream-manager.service';

class StreamPipe {
  transform(v: unknown): StreamKind {
    const p = StreamKindSchema.safeParse(v);
    if (!p.success) throw new NotFoundException('unknown stream');
    return p.data;
  }
}

/**
 * The api's view of a gateway: called with the internal token only. Routes, request and answer
 * shapes are @xueliang/gateway-protocol's, which the api builds its calls from.
 */
@Controller()
export class InternalController {
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly probe: OnvifProbe,
    private readonly discovery: DiscoveryService,
    private readonly control: CameraControl,
    private readonly streams: StreamManager,
    private readonly leases: CameraLeases,
    private readonly cameras: CameraDirectory,
    private readonly health: CameraHealth,
    private readonly pullPoints: PullPoints,
  ) {}

  @Post(routes.probe.pattern)
  async probeCamera(
    @Body(valid(ProbeTargetSchema)) body: z.infer<typeof ProbeTargetSchema>,
  ): Promise<ProbeResult> {
    // The stored password is decrypted here, never in the api, and goes only to the device it
    // was entered for: another host or port must come with its own password (the api asks too).
    let password = body.password ?? '';
    let trust = body.trustDeviceAddresses;
    const stored =
      body.cameraId && (body.password === undefined || trust === undefined)
        ? await this.cameras.get(body.cameraId)
        : undefined;
    // An edit that leaves the setting out keeps the camera's own.
    trust ??= stored?.trustDeviceAddresses;
    if (body.password === undefined && stored) {
      if (onvifDeviceChanged(stored.xaddr, body.onvifAddress))
        throw new BadRequestException({
          message: 'password: enter the camera password again to change its address (host or port)',
          issues: [{ path: 'password', message: 'required when the address moves to another host or port' }],
        });
      password = stored.password;
    }
    return this.probe.probe(
      { onvifAddress: body.onvifAddress, username: body.username, password, trustDeviceAddresses: trust },
      this.settings.ONVIF_TIMEOUT_MS,
    );
  }

  @Post(routes.startDiscovery.pattern)
  startDiscovery(): Promise<DiscoveryStarted> {
    return this.discovery.start();
  }

  /** The latest scan, for the api to join with the register (it never reads the gateways' Redis keys). */
  @Get(routes.discovery.pattern)
  latestDiscovery(): Promise<DiscoveryScan> {
    return this.discovery.latest();
  }

  @Post(routes.ptz.pattern)
  async ptz(
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(PtzCommandSchema)) cmd: PtzCommand,
  ): Promise<{ presetToken?: string }> {
    return this.control.ptz(id, cmd);
  }

  @Get(routes.presets.pattern)
  presets(@Param('id', ParseUUIDPipe) id: string): Promise<PtzPresetView[]> {
    return this.control.presets(id);
  }

  @Get(routes.snapshot.pattern)
  async snapshot(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const jpeg = await this.control.snapshot(id);
    res.setHeader('content-type', 'image/jpeg');
    res.setHeader('cache-control', 'no-store');
    res.end(jpeg);
  }

  /** Ensures the stream runs here and its playlist is playable. */
  @Post(routes.ensureStream.pattern)
  async ensureStream(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stream', StreamPipe) stream: StreamKind,
  ): Promise<StreamInfo> {
    // One ffmpeg per camera fleet-wide: only the lease holder runs it.
    if (!(await this.leases.claim(id))) throw new ConflictException('camera is leased to another gateway');
    return this.streams.ensure(id, stream);
  }

  @Delete(routes.stopStreams.pattern)
  async stopStreams(@Param('id', ParseUUIDPipe) id: string): Promise<{ stopped: true }> {
    await this.streams.stopCamera(id);
    return { stopped: true };
  }

  /**
   * The camera's address or credentials were edited (and probed) in the api: its running streams
   * stop, so the next viewer uses the new ones, and the health poller and the event subscription
   * take the new values now. A gateway that does not hold the camera has nothing to do.
   */
  @Post(routes.reconnect.pattern)
  @HttpCode(200)
  async reconnect(@Param('id', ParseUUIDPipe) id: string): Promise<{ reconnected: true }> {
    await this.streams.stopCamera(id);
    await this.health.refresh([id]);
    await this.pullPoints.refresh(id);
    return { reconnected: true };
  }

  @Get(routes.streams.pattern)
  list(): StreamInfo[] {
    return this.streams.list();
  }

  @Get(routes.hlsFile.pattern)
  async hls(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stream', StreamPipe) stream: StreamKind,
    @Param('file') file: string,
    @Res() res: Response,
  ): Promise<void> {
    const data = await this.streams.readFile(id, stream, file);
    if (!data) throw new NotFoundException('no such playlist or segment');
    res.setHeader('content-type', hlsContentType(file));
    res.setHeader('cache-control', file === PLAYLIST ? 'no-cache' : 'max-age=60');
    res.end(data);
  }
}
