import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A user's saved camera wall: layout, the cameras in its tiles, and patrol (轮巡) settings. */
@Entity('camera_walls')
export class CameraWall {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'integer', default: 4 })
  tiles!: number;

  @Column({ type: 'uuid', array: true, default: '{}' })
  cameraIds!: string[];

  /** 0: no patrol; else seconds between pages of the camera list. */
  @Column({ type: 'integer', default: 0 })
  patrolSeconds!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
