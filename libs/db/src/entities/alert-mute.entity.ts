import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A maintenance window during which a camera's or checkpoint's events raise no alert. */
@Entity('alert_mutes')
@Index(['cameraId', 'endsAt'])
@Index(['checkpointId', 'endsAt'])
export class AlertMute {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  cameraId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  checkpointId!: string | null;

  /** null mutes every type. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  alertType!: string | null;

  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  @Column({ type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text', default: '' })
  reason!: string;

  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
