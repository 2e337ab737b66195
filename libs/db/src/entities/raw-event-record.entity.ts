import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every raw event that reached the alert-service, keyed by its idempotency key: the primary
 * key is what makes a retried job unable to count twice.
 */
@Entity('raw_events')
export class RawEventRecord {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  alertId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  source!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'boolean', default: false })
  muted!: boolean;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;
}
