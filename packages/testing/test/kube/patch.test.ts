import { describe, expect, test } from 'vitest';
import { jsonMergePatch, jsonPatch, strategicMerge, type Json } from '../../src/kube/index.js';

describe('JSON merge patch (RFC 7386 appendix A)', () => {
  test.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ] as [Json, Json, Json][])('%j + %j', (target, patch, result) => {
    expect(jsonMergePatch(target, patch)).toEqual(result);
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { baz: 'qux', foo: 'bar', list: ['a', 'c'] };

  test('add, remove, replace, move, copy, test', () => {
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/list/1', value: 'b' },
        { op: 'add', path: '/list/-', value: 'd' },
        { op: 'replace', path: '/baz', value: 'boo' },
        { op: 'remove', path: '/foo' },
        { op: 'copy', from: '/baz', path: '/copied' },
        { op: 'move', from: '/copied', path: '/moved' },
        { op: 'add', path: '/a~1b', value: 1 },
        { op: 'test', path: '/list/0', value: 'a' },
      ]),
    ).toEqual({ baz: 'boo', list: ['a', 'b', 'c', 'd'], moved: 'boo', 'a/b': 1 });
  });

  test('a failing operation changes nothing and names the problem', () => {
    expect(() =>
      jsonPatch(doc, [
        { op: 'replace', path: '/baz', value: 'x' },
        { op: 'test', path: '/foo', value: 'nope' },
      ]),
    ).toThrow('test operation does not apply');
    expect(doc.baz).toBe('qux');
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/missing' }])).toThrow(/nonexistent/);
    expect(() => jsonPatch(doc, [{ op: 'add', path: '/list/5', value: 1 }])).toThrow(/invalid index/);
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/nope/deeper', value: 1 }])).toThrow(/missing/);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(/array/);
  });
});

describe('strategic merge patch', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          tolerations: [{ key: 'a' }],
        },
      },
    },
  };

  test('containers merge by name, and $setElementOrder orders them (kubectl set image)', () => {
    const patch: Json = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
            containers: [{ name: 'app', image: 'app:2' }],
          },
        },
      },
    };
    const out = strategicMerge(deployment as unknown as Json, patch) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['sidecar', 'envoy:1'],
      ['app', 'app:2'],
    ]);
    expect(out.spec.template.spec.containers[1]).toMatchObject({
      env: [{ name: 'A', value: '1' }],
      ports: [{ containerPort: 8080 }],
    });
  });

  test('new items are appended, $patch: delete removes one, null removes a field', () => {
    const out = strategicMerge(deployment as unknown as Json, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', $patch: 'delete' },
              { name: 'init', image: 'busybox' },
              { name: 'app', env: [{ name: 'B', value: '2' }], image: null },
            ],
          },
        },
      },
    }) as typeof deployment;
    const containers = out.spec.template.spec.containers as Record<string, unknown>[];
    expect(containers.map((c) => c['name'])).toEqual(['app', 'init']);
    expect(containers[0]).toEqual({
      name: 'app',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      ports: [{ containerPort: 8080 }],
    });
  });

  test('lists without a merge key are replaced; $patch: replace replaces a map; $retainKeys keeps only listed keys', () => {
    const out = strategicMerge(deployment as unknown as Json, {
      spec: { template: { spec: { tolerations: [{ key: 'b' }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b' }]);
    expect(strategicMerge({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } })).toEqual({ a: { z: 3 } });
    expect(
      strategicMerge(
        { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
        { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
      ),
    ).toEqual({ strategy: { type: 'Recreate' } });
  });

  test('Service ports merge by port, container ports by containerPort; $deleteFromPrimitiveList', () => {
    expect(
      strategicMerge({ ports: [{ port: 80, name: 'http' }, { port: 443 }] }, { ports: [{ port: 443, name: 'https' }] }),
    ).toEqual({
      ports: [
        { port: 80, name: 'http' },
        { port: 443, name: 'https' },
      ],
    });
    expect(strategicMerge({ finalizers: ['a', 'b', 'c'] }, { '$deleteFromPrimitiveList/finalizers': ['b'] })).toEqual({
      finalizers: ['a', 'c'],
    });
  });

  test('an item without its merge key is an error', () => {
    expect(() =>
      strategicMerge(deployment as unknown as Json, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    ).toThrow(/merge key: name/);
  });
});
