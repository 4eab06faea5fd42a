import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './bootstrap/configure-app';
import { prepareRuntime } from './bootstrap/prepare-runtime';
import { seedDemoIfEmpty } from './bootstrap/seed-demo';
import { loadConfig } from './config/app-config';

// Operator messages before the logger exists go to stderr; they never contain secrets or personal data.
const say = (m: string) => process.stderr.write(`${m}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = await prepareRuntime(config, say);
  if (!config.isProduction && config.SEED_DEMO) await seedDemoIfEmpty(runtime, say);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime), createHttpAdapter(config), { bufferLogs: true, bodyParser: false });
  await configureApp(app);
  const stopDb = async () => runtime.stop();
  app.enableShutdownHooks();
  process.once('beforeExit', stopDb);
  await app.listen(config.PORT, config.HOST);
  say(`API on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}/api/v1 — OpenAPI UI at /docs`);
}

main().catch((e: Error) => {
  // Our own errors carry operator guidance and no secrets; print only the message, not a trace.
  process.stderr.write(`\nStartup failed: ${e?.message ?? e}\n`);
  process.exit(1);
});
