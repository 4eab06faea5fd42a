import 'reflect-metadata';
import { CliIo, runCli } from './run-cli';

/** Reads the password without echo on a terminal; reads everything when piped. */
function readStdin(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return new Promise((resolve, reject) => {
      let data = '';
      stdin.setEncoding('utf8');
      stdin.on('data', (chunk) => (data += chunk));
      stdin.on('end', () => resolve(data));
      stdin.on('error', reject);
    });
  }
  process.stderr.write('Password: ');
  return new Promise((resolve) => {
    let line = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const done = (value: string) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(line);
        if (ch === '\u0003') return done(''); // Ctrl-C: give up (empty password is refused)
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on('data', onData);
  });
}

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
};

runCli(process.argv.slice(2), io).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (e: Error) => {
    process.stderr.write(`Error: ${e?.message ?? e}\n`);
    process.exit(1);
  },
);
