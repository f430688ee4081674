/** Model params are checked when a descriptor is made, with messages naming field and value. */
import assert from "node:assert/strict";
import { PluginParamError } from "../../../lib/plugin/define.ts";
import { cnnLstm, densenet, lstm, resnet, wrn } from "../../../plugins/models/mod.ts";

function rejects(make: () => unknown, message: string) {
  assert.throws(make, (e: unknown) => {
    assert.ok(e instanceof PluginParamError, String(e));
    assert.ok(e.message.includes(message), `"${e.message}" lacks "${message}"`);
    return true;
  });
}

Deno.test("resnet rejects a depth that is not 6n+2 and names it", () => {
  rejects(() => resnet({ depth: 21 }), "depth must be 6n+2: got 21");
  rejects(() => resnet({ depth: 2 }), "depth must be 6n+2: got 2");
  rejects(() => resnet({ depth: 16, channels: [16, 32] }), "depth must be 4n+2: got 16");
  for (const depth of [20, 32, 44, 56, 110]) assert.equal(resnet({ depth }).params.depth, depth);
});

Deno.test("resnet rejects an unknown shortcut option and option A narrowing channels", () => {
  rejects(() => resnet({ shortcut: "C" }), 'shortcut must be one of "A", "B": got "C"');
  rejects(() => resnet({ stemChannels: 24 }), 'shortcut "A" pads channels and cannot narrow');
  assert.equal(resnet({ stemChannels: 24, shortcut: "B" }).params.stemChannels, 24);
});

Deno.test("wrn rejects a depth that is not 6n+4 and a dropout outside [0, 1)", () => {
  rejects(() => wrn({ depth: 27 }), "depth must be 6n+4: got 27");
  rejects(() => wrn({ dropout: 1 }), "dropout must be in [0, 1): got 1");
  rejects(() => wrn({ widen: 0 }), "widen must be a positive integer: got 0");
});

Deno.test("densenet rejects a negative growth rate, a bad compression and too shallow a depth", () => {
  rejects(() => densenet({ growthRate: -12 }), "growthRate must be a positive integer: got -12");
  rejects(() => densenet({ compression: 0 }), "compression must be in (0, 1]: got 0");
  rejects(() => densenet({ depth: 8 }), "depth 8 leaves no layer in a dense block");
  // The paper's names whose depth is not 3n+4 or 6n+4 are accepted, as the reference rounds down.
  for (const depth of [80, 90, 112]) assert.equal(densenet({ depth }).params.depth, depth);
});

Deno.test("lstm rejects an unknown preset and invalid overrides", () => {
  rejects(() => lstm({ preset: "huge" }), 'preset must be one of "small", "medium", "large"');
  rejects(() => lstm({ units: 0 }), "units must be a positive integer: got 0");
  rejects(() => lstm({ dropout: 1.5 }), "dropout must be in [0, 1): got 1.5");
});

Deno.test("cnnLstm rejects filters that do not match widths", () => {
  rejects(() => cnnLstm({ widths: [1, 2], filters: [5] }), "2 widths, 1 filters");
  rejects(() => cnnLstm({ preset: "tiny" }), 'preset must be one of "small", "large"');
});
