import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SERVER_NODE_FLAGS } from './node-flags';

const root = path.resolve(__dirname, '../..');

describe('the server is started with SERVER_NODE_FLAGS everywhere', () => {
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;

  it.each(['start', 'start:prod'])('package.json %s', (name) => {
    expect(scripts[name]).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/src/main.js`);
  });

  it('docker/Dockerfile', () => {
    const cmd = readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8').split('\n').find((l) => l.startsWith('CMD '));
    expect(cmd && JSON.parse(cmd.slice(4))).toEqual(['node', ...SERVER_NODE_FLAGS, 'dist/src/main.js']);
  });
});
