export * from './audit.types';
export { AuditService } from './audit.service';
export type { EmbeddedAppend } from './audit.service';
export type { AppendResult } from './append-protocol';
export { AuditModule } from './audit.module';
export { verifyAuditCli } from './verify-cli';
export type { VerifyResult } from './verifier';
