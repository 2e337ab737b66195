import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CameraStatus } from '@xueliang/contracts';
import { Camera, CredentialCipher } from '@xueliang/db';
import { type AppConfig, InjectConfig } from '@xueliang/platform';
import { reachableAddress } from '../onvif/device-addresses';

/** What the gateway needs to talk to one camera; the password is decrypted only here. */
export interface CameraTarget {
  id: string;
  name: string;
  regionId: string;
  regionPath: string;
  lon: number;
  lat: number;
  xaddr: string;
  username: string;
  password: string;
  rtspMain: string | null;
  rtspSub: string | null;
  snapshotUri: string | null;
  /** Codecs of the streams as read from them (null: not known yet). */
  videoCodec: string | null;
  subVideoCodec: string | null;
  mainProfileToken: string | null;
  /** Device-reported addresses used as they are; otherwise moved to xaddr's host and port. */
  trustDeviceAddresses: boolean;
  ptz: boolean;
  events: boolean;
  status: CameraStatus;
}

/** Whether two reads of a camera reach it the same way (an edit changes the address or credentials). */
export function sameConnection(a: CameraTarget, b: CameraTarget): boolean {
  return (
    a.xaddr === b.xaddr &&
    a.username === b.username &&
    a.password === b.password &&
    a.trustDeviceAddresses === b.trustDeviceAddresses
  );
}

/** Reads and updates camera rows for the gateway (the api owns registration). */
@Injectable()
export class CameraDirectory {
  private readonly cipher: CredentialCipher;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() config: AppConfig,
  ) {
    this.cipher = new CredentialCipher(config.CREDENTIAL_KEY);
  }

  async allIds(): Promise<string[]> {
    const rows = await this.db
      .getRepository(Camera)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .orderBy('c.id')
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  async get(id: string): Promise<CameraTarget> {
    const c = await this.db.getRepository(Camera).findOneBy({ id });
    if (!c) throw new NotFoundException('camera not found');
    return this.toTarget(c);
  }

  async many(ids: string[]): Promise<CameraTarget[]> {
    if (!ids.length) return [];
    const rows = await this.db
      .getRepository(Camera)
      .createQueryBuilder('c')
      .where('c.id IN (:...ids)', { ids })
      .getMany();
    return rows.map((c) => this.toTarget(c));
  }

  async setStatus(id: string, status: CameraStatus, reason: string | null, at: Date): Promise<void> {
    await this.db.getRepository(Camera).update(
      { id },
      {
        status,
        statusReason: reason,
        statusChangedAt: at,
        ...(status === 'online' ? { lastSeenAt: at } : {}),
      },
    );
  }

  /** The status reason alone (an online camera whose events do not flow says why). */
  async setReason(id: string, reason: string | null): Promise<void> {
    await this.db.getRepository(Camera).update({ id }, { statusReason: reason });
  }

  async touchSeen(id: string, at: Date): Promise<void> {
    await this.db.getRepository(Camera).update({ id }, { lastSeenAt: at });
  }

  /** Fills in media details of cameras registered without a probe (e.g. seeded from the sim). */
  async saveMedia(
    id: string,
    media: Partial<
      Pick<
        Camera,
        | 'mainProfileToken'
        | 'subProfileToken'
        | 'rtspUri'
        | 'subRtspUri'
        | 'snapshotUri'
        | 'videoCodec'
        | 'subVideoCodec'
        | 'ptz'
        | 'events'
      >
    >,
  ): Promise<void> {
    await this.db.getRepository(Camera).update({ id }, media);
  }

  private toTarget(c: Camera): CameraTarget {
    const reachable = (uri: string | null): string | null =>
      uri === null ? null : reachableAddress(uri, c.onvifAddress, c.trustDeviceAddresses);
    let password: string;
    try {
      password = this.cipher.decrypt(c.passwordEncrypted);
    } catch {
      // A key change makes old credentials unreadable: the camera will show "auth failed".
      password = '';
    }
    return {
      id: c.id,
      name: c.name,
      regionId: c.regionId,
      regionPath: c.regionPath,
      lon: c.lon,
      lat: c.lat,
      xaddr: c.onvifAddress,
      username: c.username,
      password,
      // Addresses as the gateway reaches them: behind NAT the device names internal ones.
      rtspMain: reachable(c.rtspUri),
      rtspSub: reachable(c.subRtspUri),
      snapshotUri: reachable(c.snapshotUri),
      videoCodec: c.videoCodec,
      subVideoCodec: c.subVideoCodec,
      mainProfileToken: c.mainProfileToken,
      trustDeviceAddresses: c.trustDeviceAddresses,
      ptz: c.ptz,
      events: c.events,
      status: c.status,
    };
  }
}
