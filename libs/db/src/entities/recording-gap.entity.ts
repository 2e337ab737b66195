import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StreamKind } from '@xueliang/contracts';

/** A recorded hole: the camera should have been recording then and was not, and why. */
@Entity('recording_gaps')
@Index('idx_recording_gaps_camera_time', ['cameraId', 'stream', 'startAt'])
export class RecordingGap {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  cameraId!: string;

  @Column({ type: 'varchar', length: 8 })
  stream!: StreamKind;

  @Column({ type: 'timestamptz', precision: 3 })
  startAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  endAt!: Date;

  /** ffmpeg_exit, gateway_restart, camera_offline, truncated_segment, storage_full, retention... */
  @Column({ type: 'varchar', length: 64 })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
