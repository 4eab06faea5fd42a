/**
 * V8 flags the server runs with (package.json `start`/`start:prod`, docker/Dockerfile, and the benchmark's app
 * and baseline processes; node-flags.spec.ts keeps them in step).
 *
 * `--max-semi-space-size=64` (MB; V8's default is 16): a request allocates many short-lived objects (rows,
 * Buffers, rendered bodies), and with the default young generation a page of 50 cases paid a fifth of its CPU
 * in scavenges that copied objects still alive mid-request. With 64 MB the app's CPU per page fell by ≈ 25 %
 * and per read by ≈ 15 % (bench/README.md, session 8). It costs up to 3 × 64 MB of address space, committed
 * only as the young generation grows.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'] as const;
