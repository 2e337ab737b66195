import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Footage of some cameras over a range kept beyond retention and quota cleanup, with a reason.
 * Active while not released and not expired.
 */
@Entity('evidence_locks')
export class EvidenceLock {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('idx_evidence_locks_cameras', { synchronize: false })
  @Column({ type: 'uuid', array: true })
  cameraIds!: string[];

  /** Region paths of the locked cameras at lock time, for scoping the list. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  regionPaths!: string[];

  @Column({ type: 'timestamptz', precision: 3 })
  fromAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  toAt!: Date;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'uuid', nullable: true })
  alertId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  releasedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  releaseReason!: string | null;
}
