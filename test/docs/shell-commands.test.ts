import { describe, expect, it } from 'vitest';
import { flagsOf, shellCommands, shellWords } from '../support/readme-commands';

const block = (code: string) => ({ readme: 'R.md', lang: 'sh', index: 1, line: 10, code });

describe('shell commands of README blocks', () => {
  it('splits words with quotes and drops comments, prompts and assignments', () => {
    expect(shellWords(`curl -H 'a b' -d "{\\"x\\"}"`)).toEqual([
      'curl',
      '-H',
      'a b',
      '-d',
      '{\\x\\}',
    ]);
    const commands = shellCommands(
      block(
        '$ npm test   # all\nBENCH_SECTION=x pnpm bench -- --quick\nKEY=k; URL=u\ncd a && npm run demo',
      ),
    );
    expect(commands.map(c => c.argv.join(' '))).toEqual([
      'npm test',
      'pnpm bench -- --quick',
      'cd a',
      'npm run demo',
    ]);
    expect(commands[1]!.line).toBe(11);
  });

  it('joins continuation lines', () => {
    const [command] = shellCommands(block('curl -i $URL \\\n  -d x'));
    expect(command!.argv).toEqual(['curl', '-i', '$URL', '-d', 'x']);
  });

  it('lists flags once, without values', () => {
    expect(flagsOf(['--', '--port', '3001', '--scene=a', '-h', '--port'])).toEqual([
      '--port',
      '--scene',
      '-h',
    ]);
  });
});
