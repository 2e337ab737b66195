import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A road checkpoint (卡口) that reports vehicle passes and raises checkpoint alarms. */
@Entity('checkpoints')
export class Checkpoint {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'uuid' })
  regionId!: string;

  @Index('idx_checkpoints_region_path_prefix', { synchronize: false })
  @Column({ type: 'text' })
  regionPath!: string;

  @Column({ type: 'double precision' })
  lon!: number;

  @Column({ type: 'double precision' })
  lat!: number;

  @Column({ type: 'varchar', length: 100 })
  road!: string;

  @Column({ type: 'varchar', length: 32 })
  direction!: string;

  @Column({ type: 'integer', default: 2 })
  lanes!: number;

  @Column({ type: 'varchar', length: 16, default: 'unknown' })
  status!: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
