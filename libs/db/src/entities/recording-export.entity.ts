import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ExportFileView, ExportItem, ExportStatus, SignedManifest } from '@xueliang/contracts';

/** An evidence export: requested in the api, produced by a gateway's export worker. */
@Entity('recording_exports')
export class RecordingExport {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status!: ExportStatus;

  @Column({ type: 'real', default: 0 })
  progress!: number;

  @Column({ type: 'jsonb' })
  items!: ExportItem[];

  /** Region paths of the exported cameras at request time, for scoping the list. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  regionPaths!: string[];

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'uuid', nullable: true })
  alertId!: string | null;

  @Index()
  @Column({ type: 'uuid' })
  requestedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** Directory of the files relative to EXPORTS_DIR. */
  @Column({ type: 'text', nullable: true })
  dir!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  files!: ExportFileView[];

  @Column({ type: 'jsonb', nullable: true })
  manifest!: SignedManifest | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  gatewayId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  deletedBy!: string | null;
}
