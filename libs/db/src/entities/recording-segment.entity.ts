import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StreamKind } from '@xueliang/contracts';

/**
 * One closed, hashed recording segment on disk. Rows appear only after the file is complete and
 * hashed, so the index never points at a file still being written. `prevSha256` chains each
 * segment to the one before it for the same camera, stream and chain day (UTC), so a removed,
 * altered or re-ordered segment breaks the chain.
 */
@Entity('recording_segments')
@Index('idx_recording_segments_camera_time', ['cameraId', 'stream', 'startAt'])
@Index('idx_recording_segments_start', ['startAt'])
export class RecordingSegment {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  cameraId!: string;

  @Column({ type: 'varchar', length: 8 })
  stream!: StreamKind;

  /** Wall clock of the first frame, from the stream (not the file name). */
  @Column({ type: 'timestamptz', precision: 3 })
  startAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  endAt!: Date;

  @Column({ type: 'bigint' })
  bytes!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  /** The previous segment's sha256 in this camera × stream × day chain; null for the first. */
  @Column({ type: 'char', length: 64, nullable: true })
  prevSha256!: string | null;

  /** UTC date of startAt: one hash chain per camera, stream and day. */
  @Column({ type: 'date' })
  chainDay!: string;

  /** Path relative to RECORDINGS_DIR (never absolute, never with '..'). */
  @Index({ unique: true })
  @Column({ type: 'text' })
  path!: string;

  /** The gateway that wrote it (the api fetches bytes through it, else through any gateway). */
  @Column({ type: 'varchar', length: 64 })
  gatewayId!: string;

  /** Video codec as recorded (h264, hevc...). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  codec!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
