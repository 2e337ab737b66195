import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One step in an alert's life: who did what, when, from which state to which. Never deleted. */
@Entity('alert_timeline')
@Index(['alertId', 'at'])
export class AlertTimelineEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  alertId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** null for the system (SLA timer, correlation, camera recovery). */
  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  actorName!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  toStatus!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;
}
