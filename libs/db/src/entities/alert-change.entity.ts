import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The ordered log of alert changes pushed to consoles. `seq` is what a reconnecting console
 * sends back to receive everything it missed.
 */
@Entity('alert_changes')
export class AlertChange {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq!: string;

  @Index()
  @Column({ type: 'uuid' })
  alertId!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: string;

  /** Region paths (owner and every one it was visible to) used to filter replay by scope. */
  @Column({ type: 'text' })
  regionPath!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
