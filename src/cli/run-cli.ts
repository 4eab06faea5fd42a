import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateAgencyDto } from '../agencies/dto/agency.dto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditService, operatorAuditActor, verifyAuditCli } from '../audit';
import { seedDemo } from '../bootstrap/seed-demo';
import { rotateDataKeys } from '../crypto';
import { dataSourceOptions } from '../database/data-source-options';
import { ProblemException } from '../common/problem';
import { flattenValidationErrors } from '../common/validation';
import { ConfigError, loadConfig } from '../config/app-config';
import { CreateUserDto } from '../users/dto/user.dto';
import { IdentityServices, openIdentityServices } from '../users/identity-services';
import { CliRuntime, openCliRuntime } from './cli-runtime';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The whole of standard input (create-user reads the password from it). */
  readStdin: () => Promise<string>;
  /** Environment to configure from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: npm run cli -- <command> [--flag value ...]

Commands:
  migrate                                   apply pending database migrations
  create-agency --name <name> --type <TYPE> --province <code> [--commune <code>]
                                            create an agency; prints its id
  create-user --username <name> --role <ROLE> --agency <agency id>
                                            create a user; reads the password from standard input
                                            (12-128 characters; permanent, not one-time); prints the id
  reset-password --username <name>          set a new one-time password and print it once;
                                            revokes the user's sessions
  seed-demo                                 create the demo agencies and users that are missing and print
                                            their one-time passwords once (not in production)
  verify-audit [--mode incremental|full]    verify the audit hash chain against the signed checkpoints
                                            (exit 1 and the first broken seq if it does not verify)
  rotate-keys                               re-wrap every data key under the current master key version
                                            (MASTER_KEY_CURRENT / currentKek); resumable, field data untouched
  help                                      this text

Connects like the app: DATABASE_URL, or the embedded PostgreSQL in DATA_DIR; keys from KEY_FILE or
MASTER_KEYS (development: DATA_DIR/keys.json). Exit codes: 0 ok, 1 failure, 2 usage error.
`;

class UsageError extends Error {}

const COMMAND_FLAGS: Record<string, { required: string[]; optional: string[] }> = {
  migrate: { required: [], optional: [] },
  'create-agency': { required: ['name', 'type', 'province'], optional: ['commune'] },
  'create-user': { required: ['username', 'role', 'agency'], optional: [] },
  'reset-password': { required: ['username'], optional: [] },
  'seed-demo': { required: [], optional: [] },
  'verify-audit': { required: [], optional: ['mode'] },
  'rotate-keys': { required: [], optional: [] },
};

// DTO field → the flag that sets it, so validation messages point at what the operator typed.
const FLAG_OF: Record<string, string> = {
  name: '--name', type: '--type', provinceCode: '--province', communeCode: '--commune',
  username: '--username', role: '--role', agencyId: '--agency', password: 'the password (stdin)',
};

function parseFlags(command: string, args: string[]): Record<string, string> {
  const spec = COMMAND_FLAGS[command];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(args[i]);
    if (!m) throw new UsageError(`Unexpected argument "${args[i]}".`);
    const [, name, inline] = m;
    if (![...spec.required, ...spec.optional].includes(name)) throw new UsageError(`Unknown flag --${name} for ${command}.`);
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    if (name in flags) throw new UsageError(`--${name} given twice.`);
    flags[name] = value;
  }
  const missing = spec.required.filter((f) => !(f in flags));
  if (missing.length) throw new UsageError(`Missing ${missing.map((f) => `--${f}`).join(', ')}.`);
  return flags;
}

/** Validates with the API's DTO rules; returns the transformed DTO or throws a UsageError naming the flags. */
async function validDto<T extends object>(cls: new () => T, input: Record<string, unknown>): Promise<T> {
  const dto = plainToInstance(cls, input);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length) {
    const lines = flattenValidationErrors(errors).map((e) => `  ${FLAG_OF[e.field] ?? e.field}: ${e.message}`);
    throw new UsageError(`Invalid input:\n${lines.join('\n')}`);
  }
  return dto;
}

/** Strips the one line ending a shell adds (`echo pw |`), nothing else: spaces may be part of a password. */
const stripNewline = (s: string) => s.replace(/\r?\n$/, '');

/**
 * The CLI, callable in-process (tests) or from `main.ts`. Returns the exit code; never calls process.exit.
 * Secrets (one-time passwords) go to stdout once; nothing goes through the logger.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (!command || ['help', '--help', '-h'].includes(command)) {
    (command ? io.stdout : io.stderr)(USAGE);
    return command ? EXIT_OK : EXIT_USAGE;
  }
  if (!(command in COMMAND_FLAGS)) {
    io.stderr(`Unknown command "${command}".\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const say = (m: string) => io.stderr(`${m}\n`);
  let runtime: CliRuntime | undefined;
  let services: IdentityServices | undefined;
  try {
    const flags = parseFlags(command, args);
    const config = loadConfig(io.env ?? process.env);
    // Validate everything the operator typed before touching the database.
    const prepared = await prepareInput(command, flags, io);
    if (command === 'seed-demo' && config.isProduction) throw new Error('seed-demo is refused in production.');

    runtime = await openCliRuntime(config, say, { migrate: command === 'migrate' });
    if (command === 'migrate') {
      io.stdout(runtime.applied.length ? `Applied ${runtime.applied.length} migration(s): ${runtime.applied.join(', ')}\n` : 'No pending migrations.\n');
      return EXIT_OK;
    }
    if (runtime.applied.length) say(`Applied ${runtime.applied.length} migration(s).`);
    if (command === 'verify-audit') return await verifyAudit(runtime, flags.mode, io);
    if (command === 'rotate-keys') return await rotateKeys(runtime, io);
    services = await openIdentityServices(runtime.databaseUrl, config, runtime.keyring);
    await execute(command, prepared, services, io);
    return EXIT_OK;
  } catch (e) {
    return report(e, io);
  } finally {
    await services?.close();
    await runtime?.stop();
  }
}

type Prepared = { agency?: CreateAgencyDto; user?: CreateUserDto; username?: string };

async function prepareInput(command: string, flags: Record<string, string>, io: CliIo): Promise<Prepared> {
  switch (command) {
    case 'create-agency':
      return {
        agency: await validDto(CreateAgencyDto, { name: flags.name, type: flags.type, provinceCode: flags.province, communeCode: flags.commune }),
      };
    case 'create-user': {
      const password = stripNewline(await io.readStdin());
      return { user: await validDto(CreateUserDto, { username: flags.username, role: flags.role, agencyId: flags.agency, password }) };
    }
    case 'reset-password':
      return { username: flags.username.toLowerCase() };
    default:
      return {};
  }
}

async function execute(command: string, input: Prepared, services: IdentityServices, io: CliIo): Promise<void> {
  switch (command) {
    case 'create-agency': {
      const agency = await services.agencies.create(null, input.agency!);
      io.stdout(`${agency.id}\n`);
      return;
    }
    case 'create-user': {
      const user = await services.users.create(null, input.user!, { permanent: true });
      io.stdout(`${user.id}\n`);
      return;
    }
    case 'reset-password': {
      const user = await services.users.findByUsername(input.username!);
      if (!user) throw new Error('No user with that username.');
      const reset = await services.users.resetPassword(null, user.id);
      io.stderr(`One-time password for ${reset.username} (shown once; it must be changed at the next login):\n`);
      io.stdout(`${reset.oneTimePassword}\n`);
      return;
    }
    case 'seed-demo': {
      const created = await seedDemo(services, (m) => io.stdout(`${m}\n`));
      if (!created) io.stderr('The demo users already exist; nothing to seed.\n');
      return;
    }
  }
}

async function verifyAudit(runtime: CliRuntime, mode: string | undefined, io: CliIo): Promise<number> {
  if (mode !== undefined && mode !== 'full' && mode !== 'incremental') throw new UsageError('--mode must be incremental or full.');
  const result = await verifyAuditCli(runtime.databaseUrl, runtime.keyring, { mode: mode ?? 'incremental', checkpointPath: runtime.config.AUDIT_CHECKPOINT_PATH });
  io.stdout(`${JSON.stringify(result)}\n`);
  return result.valid ? EXIT_OK : EXIT_FAILURE;
}

async function rotateKeys(runtime: CliRuntime, io: CliIo): Promise<number> {
  const client = new Client({ connectionString: runtime.databaseUrl });
  await client.connect();
  try {
    const count = await rotateDataKeys(client, runtime.keyring, { onProgress: (n) => io.stderr(`\rre-wrapped ${n} data keys`) });
    io.stdout(`Re-wrapped ${count} data key(s) under KEK version ${runtime.keyring.currentKekVersion}.\n`);
    const db = new DataSource(dataSourceOptions(runtime.databaseUrl, 2));
    await db.initialize();
    try {
      await new AuditService(db, runtime.keyring, runtime.config).append(operatorAuditActor(null), [{ action: 'keys.rotate', resourceType: 'keyring', purpose: 'KEY_ROTATION' }]);
    } finally {
      await db.destroy();
    }
    return EXIT_OK;
  } finally {
    await client.end();
  }
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    io.stderr(`${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (e instanceof ConfigError) {
    io.stderr(`${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof ProblemException) {
    const errors = (e.extensions.errors as Array<{ field: string; message: string }> | undefined) ?? [];
    io.stderr([`Error: ${e.detail ?? e.title}`, ...errors.map((x) => `  ${FLAG_OF[x.field] ?? x.field}: ${x.message}`)].join('\n') + '\n');
    return EXIT_FAILURE;
  }
  // Our own errors carry operator guidance; driver errors are summarised without their parameters.
  const err = e as { message?: string; code?: string };
  io.stderr(`Error: ${err?.code && /^[0-9A-Z]{5}$/.test(err.code) ? `database error ${err.code}` : (err?.message ?? String(e))}\n`);
  return EXIT_FAILURE;
}
