/**
 * V8 flags the server runs with (package.json `start`/`start:prod`, docker/Dockerfile, and the benchmark's app
 * and baseline processes; node-flags.spec.ts keeps them in step).
 *
 * `--max-semi-space-size=64` (MB; V8's default is 16): a request allocates many short-lived objects (rows,
 * Buffers, rendered bodies), and with the default young generation a page of 50 cases paid a fifth of its CPU
 * in scavenges that copied objects still alive mid-request. With 64 MB the app's CPU per page fell by ≈ 25 %
 * and per read by ≈ 15 % (bench/README.md, session 8). It costs up to 3 × 64 MB of address space, committed
 * only as the young generation grows.
 *
 * `--no-allocation-site-pretenuring`: V8 watches each allocation site and, when most of its objects survive a
 * scavenge (as request objects do while 50 requests are in flight, or at boot), allocates that site's objects
 * straight in the old generation from then on. Request objects are short-lived, so the old generation filled
 * with garbage and a full mark-compact ran every ≈ 3.5 s at 600 reads/s (8 per 30 s, each 5–17 ms plus its
 * finalisation) — and the paced read's slowest requests lined up with them. Without pretenuring: 0–1 in 30 s,
 * the heap ≈ 50 MB against 41–45, scavenge time within this VM's noise (bench/README.md, session 10).
 *
 * `--min-semi-space-size=64` and `--no-memory-reducer`: while the server is quiet, V8 shrinks the young generation
 * (and the memory reducer compacts the heap down), so the first burst after a quiet minute ran with a scavenge every
 * 30–40 ms until it had grown back. Two servers side by side on the same data, 60 s idle then 5 s at 680 reads/s,
 * alternating, 4 bursts each: first-second p99 77–148 ms with these flags against 199–2,248 without (bench/README.md,
 * session 13). The cost is memory kept while idle: 2 × 64 MB of young generation, and the heap's peak.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64', '--min-semi-space-size=64', '--no-allocation-site-pretenuring', '--no-memory-reducer'] as const;
