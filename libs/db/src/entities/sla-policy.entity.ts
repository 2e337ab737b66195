import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AlertType, Priority } from '@xueliang/contracts';

/**
 * Deadlines for one alert type at one priority, in seconds from the alert's creation
 * (null: no deadline for that stage). `escalate` lifts a missed alert to the parent region.
 */
@Entity('sla_policies')
@Index(['alertType', 'priority'], { unique: true })
export class SlaPolicy {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  alertType!: AlertType;

  @Column({ type: 'varchar', length: 8 })
  priority!: Priority;

  @Column({ type: 'integer', nullable: true })
  acknowledgeSeconds!: number | null;

  @Column({ type: 'integer', nullable: true })
  dispatchSeconds!: number | null;

  @Column({ type: 'integer', nullable: true })
  acceptSeconds!: number | null;

  @Column({ type: 'integer', nullable: true })
  arriveSeconds!: number | null;

  @Column({ type: 'integer', nullable: true })
  resolveSeconds!: number | null;

  @Column({ type: 'boolean', default: true })
  escalate!: boolean;

  /** Events of this type on the same subject within this window join one open alert. */
  @Column({ type: 'integer', default: 600 })
  correlationWindowSeconds!: number;

  /** The procedure the duty officer follows (处置流程), shown with the alert. */
  @Column({ type: 'text', default: '' })
  instructions!: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
