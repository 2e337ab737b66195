import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { AlertSource, AlertStatus, AlertType, Priority, SlaStage } from '@xueliang/contracts';

export type AlertDeadlines = Partial<Record<SlaStage, string>>;

@Entity('alerts')
@Index('idx_alerts_status_created', ['status', 'createdAt'])
@Index('idx_alerts_camera_created', ['cameraId', 'createdAt'])
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Human-facing number, e.g. 20261123-000042. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  number!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: AlertType;

  @Column({ type: 'varchar', length: 16 })
  source!: AlertSource;

  @Column({ type: 'varchar', length: 8 })
  priority!: Priority;

  @Column({ type: 'varchar', length: 16 })
  status!: AlertStatus;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** The region that currently owns the alert (changes on escalation). */
  @Column({ type: 'uuid' })
  regionId!: string;

  @Index('idx_alerts_region_path_prefix', { synchronize: false })
  @Column({ type: 'text' })
  regionPath!: string;

  /** Where the alert happened; stays put when it escalates. */
  @Column({ type: 'uuid' })
  originRegionId!: string;

  @Column({ type: 'uuid', nullable: true })
  cameraId!: string | null;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  checkpointId!: string | null;

  @Column({ type: 'double precision', nullable: true })
  lon!: number | null;

  @Column({ type: 'double precision', nullable: true })
  lat!: number | null;

  /** source + subject + type: what correlation groups on. */
  @Index()
  @Column({ type: 'varchar', length: 200 })
  correlationKey!: string;

  @Column({ type: 'integer', default: 1 })
  eventCount!: number;

  @Column({ type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ type: 'jsonb', default: {} })
  deadlines!: AlertDeadlines;

  @Column({ type: 'text', array: true, default: '{}' })
  overdueStages!: SlaStage[];

  @Column({ type: 'integer', default: 0 })
  escalationLevel!: number;

  @Column({ type: 'uuid', nullable: true })
  assignedUnitId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  assignedUserId!: string | null;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ type: 'integer', nullable: true })
  satisfaction!: number | null;

  @Column({ type: 'text', nullable: true })
  dismissReason!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  arrivedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
