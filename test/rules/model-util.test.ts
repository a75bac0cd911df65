import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerNode, ModelGraph } from '../../src/analysis/ir';
import { successors } from '../../src/rules/util/model';
import { functionalModel } from '../estimate/ir-builder';

/** What successors() answered before it had an index: a scan of every node per question. */
function scanned(model: ModelGraph, layer: LayerNode): LayerNode[] {
  const own = new Set(model.nodes.filter((n) => n.layer === layer.index).map((n) => n.id));
  const consumers = model.nodes.filter((n) => n.inputs.some((id) => own.has(id)));
  return [...new Set(consumers.map((n) => n.layer))].map((i) => model.layers[i]);
}

const dense = { factory: 'dense', config: { units: 4 } };

describe('successors', () => {
  it('lists consumers in the order of their first node, a shared layer once', () => {
    // a -> {b, c}; b and c share layer 3 (applied twice) and feed the merge layer 4.
    const model = functionalModel(
      { in: [null, 4] },
      [dense, dense, dense, dense, { factory: 'add' }],
      [
        { id: 'a', layer: 0, inputs: ['in'] },
        { id: 'c', layer: 2, inputs: ['a'] },
        { id: 'b', layer: 1, inputs: ['a'] },
        { id: 's1', layer: 3, inputs: ['b'] },
        { id: 's2', layer: 3, inputs: ['c'] },
        { id: 'm', layer: 4, inputs: ['s1', 's2', 's1'] },
      ],
      ['m'],
    );
    const indices = (i: number) => successors(model, model.layers[i]).map((l) => l.index);
    assert.deepEqual(indices(0), [2, 1]);
    assert.deepEqual(indices(1), [3]);
    assert.deepEqual(indices(3), [4]);
    assert.deepEqual(indices(4), []);
  });

  it('answers as a scan of every node does, on random graphs with shared layers', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let trial = 0; trial < 50; trial++) {
      const layerCount = 2 + random(12);
      const nodes: { id: string; layer: number; inputs: string[] }[] = [];
      for (let i = 0; i < layerCount + random(6); i++) {
        const from = ['in', ...nodes.map((n) => n.id)];
        const inputs = Array.from({ length: 1 + random(3) }, () => from[random(from.length)]);
        nodes.push({ id: `n${i}`, layer: random(layerCount), inputs });
      }
      const layers = Array.from({ length: layerCount }, () => dense);
      const model = functionalModel({ in: [null, 4] }, layers, nodes, [nodes.at(-1)!.id]);
      for (const layer of model.layers) {
        assert.deepEqual(
          successors(model, layer).map((l) => l.index),
          scanned(model, layer).map((l) => l.index),
          `trial ${trial}, layer ${layer.index}`,
        );
      }
    }
  });
});
