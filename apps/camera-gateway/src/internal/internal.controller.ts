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
import { z } from 'zod';
import {
  OnvifAddressSchema,
  onvifDeviceChanged,
  PtzCommandSchema,
  StreamKindSchema,
  type PtzCommand,
  type PtzPresetView,
  type StreamKind,
} from '@xueliang/contracts';
import { valid } from '@xueliang/platform';
import { Inject } from '@nestjs/common';
import { CameraControl } from '../cameras/camera-control.service';
import { CameraDirectory } from '../cameras/camera-directory.service';
import { DiscoveryService } from '../discovery/discovery.service';
import { PullPoints } from '../events/pull-point.service';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { CameraHealth } from '../health/camera-health.service';
import { CameraLeases } from '../leases/camera-leases.service';
import { OnvifProbe, ProbeResult } from '../onvif/onvif-probe.adapter';
import { PLAYLIST } from '../streams/ffmpeg-args';
import { StreamInfo, StreamManager } from '../streams/stream-manager.service';

const ProbeSchema = z.object({
  onvifAddress: OnvifAddressSchema,
  username: z.string().max(64).default(''),
  password: z.string().max(128).optional(),
  /** An edit of a registered camera: a password left out is that camera's stored one. */
  cameraId: z.uuid().optional(),
});

class StreamPipe {
  transform(v: unknown): StreamKind {
    const p = StreamKindSchema.safeParse(v);
    if (!p.success) throw new NotFoundException('unknown stream');
    return p.data;
  }
}

/** The api's view of a gateway: called with the internal token only. */
@Controller('internal')
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

  @Post('probe')
  async probeCamera(@Body(valid(ProbeSchema)) body: z.infer<typeof ProbeSchema>): Promise<ProbeResult> {
    // The stored password is decrypted here, never in the api, and goes only to the device it
    // was entered for: another host or port must come with its own password (the api asks too).
    let password = body.password ?? '';
    if (body.password === undefined && body.cameraId) {
      const stored = await this.cameras.get(body.cameraId);
      if (onvifDeviceChanged(stored.xaddr, body.onvifAddress))
        throw new BadRequestException({
          message: 'password: enter the camera password again to change its address (host or port)',
          issues: [{ path: 'password', message: 'required when the address moves to another host or port' }],
        });
      password = stored.password;
    }
    return this.probe.probe(
      { onvifAddress: body.onvifAddress, username: body.username, password },
      this.settings.ONVIF_TIMEOUT_MS,
    );
  }

  @Post('discovery')
  startDiscovery(): Promise<{ startedAt: string; windowMs: number }> {
    return this.discovery.start();
  }

  @Post('cameras/:id/ptz')
  async ptz(
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(PtzCommandSchema)) cmd: PtzCommand,
  ): Promise<{ presetToken?: string }> {
    return this.control.ptz(id, cmd);
  }

  @Get('cameras/:id/presets')
  presets(@Param('id', ParseUUIDPipe) id: string): Promise<PtzPresetView[]> {
    return this.control.presets(id);
  }

  @Get('cameras/:id/snapshot')
  async snapshot(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const jpeg = await this.control.snapshot(id);
    res.setHeader('content-type', 'image/jpeg');
    res.setHeader('cache-control', 'no-store');
    res.end(jpeg);
  }

  /** Ensures the stream runs here and its playlist is playable. */
  @Post('cameras/:id/streams/:stream')
  async ensureStream(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stream', StreamPipe) stream: StreamKind,
  ): Promise<StreamInfo> {
    // One ffmpeg per camera fleet-wide: only the lease holder runs it.
    if (!(await this.leases.claim(id))) throw new ConflictException('camera is leased to another gateway');
    return this.streams.ensure(id, stream);
  }

  @Delete('cameras/:id/streams')
  async stopStreams(@Param('id', ParseUUIDPipe) id: string): Promise<{ stopped: true }> {
    await this.streams.stopCamera(id);
    return { stopped: true };
  }

  /**
   * The camera's address or credentials were edited (and probed) in the api: its running streams
   * stop, so the next viewer uses the new ones, and the health poller and the event subscription
   * take the new values now. A gateway that does not hold the camera has nothing to do.
   */
  @Post('cameras/:id/reconnect')
  @HttpCode(200)
  async reconnect(@Param('id', ParseUUIDPipe) id: string): Promise<{ reconnected: true }> {
    await this.streams.stopCamera(id);
    await this.health.refresh([id]);
    await this.pullPoints.refresh(id);
    return { reconnected: true };
  }

  @Get('streams')
  list(): StreamInfo[] {
    return this.streams.list();
  }

  @Get('hls/:id/:stream/:file')
  async hls(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stream', StreamPipe) stream: StreamKind,
    @Param('file') file: string,
    @Res() res: Response,
  ): Promise<void> {
    const data = await this.streams.readFile(id, stream, file);
    if (!data) throw new NotFoundException('no such playlist or segment');
    res.setHeader('content-type', file === PLAYLIST ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
    res.setHeader('cache-control', file === PLAYLIST ? 'no-cache' : 'max-age=60');
    res.end(data);
  }
}
