import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CameraStatus } from '@xueliang/contracts';

/**
 * A registered IP camera. Credentials are kept encrypted (AES-256-GCM, see CredentialCipher);
 * only the camera gateway decrypts them.
 */
@Entity('cameras')
@Index('idx_cameras_region_status', ['regionId', 'status'])
export class Camera {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'uuid' })
  regionId!: string;

  @Index('idx_cameras_region_path_prefix', { synchronize: false })
  @Column({ type: 'text' })
  regionPath!: string;

  @Column({ type: 'double precision' })
  lon!: number;

  @Column({ type: 'double precision' })
  lat!: number;

  /** ONVIF device service address (XAddr). */
  @Index({ unique: true })
  @Column({ type: 'text' })
  onvifAddress!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  username!: string;

  @Column({ type: 'text', default: '' })
  passwordEncrypted!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  manufacturer!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  model!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  serialNumber!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  firmware!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  mainProfileToken!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  subProfileToken!: string | null;

  @Column({ type: 'text', nullable: true })
  rtspUri!: string | null;

  @Column({ type: 'text', nullable: true })
  subRtspUri!: string | null;

  @Column({ type: 'text', nullable: true })
  snapshotUri!: string | null;

  /** Codec of the main stream, read from the stream itself (h264, h265, …). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  videoCodec!: string | null;

  /** Codec of the sub stream, read from the stream itself; cameras mix them (H.265 main, H.264 sub). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  subVideoCodec!: string | null;

  /**
   * Use the service, snapshot and RTSP addresses the camera reports as they are. Off (the
   * default) they are moved to the registered host and port, for cameras behind NAT.
   */
  @Column({ type: 'boolean', default: false })
  trustDeviceAddresses!: boolean;

  @Column({ type: 'boolean', default: false })
  ptz!: boolean;

  @Column({ type: 'boolean', default: false })
  events!: boolean;

  @Index()
  @Column({ type: 'varchar', length: 16, default: 'unknown' })
  status!: CameraStatus;

  @Column({ type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  statusChangedAt!: Date | null;

  /** GB/T 28181 national device code (20 digits), unique when present; see the migration. */
  @Index('idx_cameras_national_code', { synchronize: false })
  @Column({ type: 'varchar', length: 20, nullable: true })
  nationalCode!: string | null;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  checkpointId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
