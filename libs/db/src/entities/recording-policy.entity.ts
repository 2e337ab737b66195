import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { RecordingMode, StreamKind } from '@xueliang/contracts';

/** A camera's own recording policy; a camera without a row records by the platform default. */
@Entity('recording_policies')
export class RecordingPolicyRecord {
  @PrimaryColumn({ type: 'uuid' })
  cameraId!: string;

  @Column({ type: 'varchar', length: 16 })
  mode!: RecordingMode;

  @Column({ type: 'varchar', length: 8 })
  stream!: StreamKind;

  @Column({ type: 'int' })
  preEventSeconds!: number;

  @Column({ type: 'int' })
  postEventSeconds!: number;

  @Column({ type: 'int' })
  retentionDays!: number;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
