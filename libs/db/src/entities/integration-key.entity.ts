import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An API key an outside system (12345 hotline, grid app, department) uses for POST /api/events. */
@Entity('integration_keys')
export class IntegrationKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** First characters of the key, shown so an admin can tell keys apart. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** sha256 of the whole key; the key itself is shown once at creation. */
  @Column({ type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: string;

  @Column({ type: 'uuid' })
  regionId!: string;

  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
