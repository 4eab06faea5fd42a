import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../access/roles';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Always stored lower-case (usernames are case-insensitive). */
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'must_change_password', type: 'boolean' })
  mustChangePassword: boolean;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Bumped to invalidate every access token of the user at once (carried in the token as `tv`). */
  @Column({ name: 'token_version', type: 'integer', default: 1 })
  tokenVersion: number;

  @Column({ name: 'password_changed_at', type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt: Date;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
