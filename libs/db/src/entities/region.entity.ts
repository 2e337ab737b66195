import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RegionLevel } from '@xueliang/contracts';

/**
 * A node of the county → township → village → grid tree. `path` is the materialised chain of
 * codes ("620725.620725101.") so a subtree is one indexed prefix match.
 */
@Entity('regions')
export class Region {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: RegionLevel;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  parentId!: string | null;

  @Index('idx_regions_path_prefix', { synchronize: false })
  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'double precision' })
  lon!: number;

  @Column({ type: 'double precision' })
  lat!: number;

  @Column({ type: 'jsonb', nullable: true })
  boundary!: { type: 'Polygon'; coordinates: [number, number][][] } | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
