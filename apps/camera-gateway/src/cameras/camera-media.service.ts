import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { reachableAddress } from '../onvif/device-addresses';
import { OnvifProbe } from '../onvif/onvif-probe.adapter';
import { CameraDirectory, CameraTarget } from './camera-directory.service';

/** Profiles, URIs and capabilities of cameras registered without a probe (the seeded sim fleet). */
@Injectable()
export class CameraMedia {
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly probe: OnvifProbe,
    private readonly cameras: CameraDirectory,
  ) {}

  /** Probes once and stores the result; throws OnvifError when the camera can't be reached. */
  async enrich(t: CameraTarget): Promise<CameraTarget> {
    const p = await this.probe.probe(
      {
        onvifAddress: t.xaddr,
        username: t.username,
        password: t.password,
        trustDeviceAddresses: t.trustDeviceAddresses,
      },
      this.settings.ONVIF_TIMEOUT_MS,
    );
    const media = {
      mainProfileToken: p.main.profileToken,
      subProfileToken: p.sub?.profileToken ?? null,
      rtspUri: p.main.rtspUri,
      subRtspUri: p.sub?.rtspUri ?? null,
      snapshotUri: p.snapshotUri,
      videoCodec: p.main.codec ?? p.videoCodec,
      subVideoCodec: p.sub?.codec ?? null,
      ptz: p.ptz,
      events: p.events,
    };
    await this.cameras.saveMedia(t.id, media);
    const reachable = (uri: string): string => reachableAddress(uri, t.xaddr, t.trustDeviceAddresses);
    return {
      ...t,
      mainProfileToken: media.mainProfileToken,
      rtspMain: reachable(media.rtspUri),
      rtspSub: media.subRtspUri === null ? null : reachable(media.subRtspUri),
      snapshotUri: media.snapshotUri === null ? null : reachable(media.snapshotUri),
      videoCodec: media.videoCodec,
      subVideoCodec: media.subVideoCodec,
      ptz: media.ptz,
      events: media.events,
    };
  }

  /** The camera with its profile token known (probing now if it never was). */
  async withProfiles(id: string): Promise<CameraTarget> {
    const t = await this.cameras.get(id);
    return t.mainProfileToken ? t : this.enrich(t);
  }
}
