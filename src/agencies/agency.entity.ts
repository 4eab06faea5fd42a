import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AgencyType } from './agency-types';

@Entity({ name: 'agencies' })
export class AgencyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: AgencyType;

  @Column({ name: 'province_code', type: 'varchar', length: 2 })
  provinceCode: string;

  @Column({ name: 'commune_code', type: 'varchar', length: 5, nullable: true })
  communeCode: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
