import { describe, expect, it } from 'vitest';
import * as scripts from './lua-scripts';

describe('the Lua scripts', () => {
  // Redis Cluster runs a script on the node that owns its keys' slot, and refuses one whose keys
  // span slots (CROSSSLOT): a script that touches KEYS[1] only can never be refused.
  it.each(Object.entries(scripts))(
    '%s touches KEYS[1] only (one slot in a Redis Cluster)',
    (_, lua) => {
      const calls = lua.match(/redis\.p?call\([^)]*\)?/g) ?? [];
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        expect(call).toMatch(/^redis\.call\('(TIME'\)|[A-Z]+', KEYS\[1\][,)])/);
      }
      expect(lua).not.toMatch(/KEYS\[[^1]|KEYS\[1\d/);
    },
  );
});
