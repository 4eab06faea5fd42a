import { KeyFingerprints1764000000000 } from './1764000000000-KeyFingerprints';
import { Identity1764000001000 } from './1764000001000-Identity';
import { CasesCore1764000010000 } from './1764000010000-CasesCore';
import { AuditChain1764000020000 } from './1764000020000-AuditChain';
import { CaseLifecycle1764000030000 } from './1764000030000-CaseLifecycle';
import { SupportServices1764000040000 } from './1764000040000-SupportServices';
import { Handovers1764000050000 } from './1764000050000-Handovers';
import { VerificationTasks1764000060000 } from './1764000060000-VerificationTasks';
import { ProtectionShelterNotes1764000070000 } from './1764000070000-ProtectionShelterNotes';
import { Relatives1764000080000 } from './1764000080000-Relatives';
import { Referrals1764000100000 } from './1764000100000-Referrals';
import { AuditPartitionMaintenance1764000091000 } from './1764000091000-AuditPartitionMaintenance';
import { AuditAppendFunction1764000110000 } from './1764000110000-AuditAppendFunction';
import { AuthChangeNotifications1764000120000 } from './1764000120000-AuthChangeNotifications';
import { BlindIndexCoveringLookup1764000130000 } from './1764000130000-BlindIndexCoveringLookup';
import { AuditStagedEvents1764000140000 } from './1764000140000-AuditStagedEvents';

/**
 * Every migration, in order. Each is a reviewed file in this folder; add new ones at the end.
 * Listed explicitly (not globbed) so the app, the CLI and ts-jest load exactly the same set.
 */
export const migrations: Function[] = [KeyFingerprints1764000000000, Identity1764000001000, CasesCore1764000010000, AuditChain1764000020000, CaseLifecycle1764000030000, SupportServices1764000040000, Handovers1764000050000, VerificationTasks1764000060000, ProtectionShelterNotes1764000070000, Relatives1764000080000, AuditPartitionMaintenance1764000091000, Referrals1764000100000, AuditAppendFunction1764000110000, AuthChangeNotifications1764000120000, BlindIndexCoveringLookup1764000130000, AuditStagedEvents1764000140000];
