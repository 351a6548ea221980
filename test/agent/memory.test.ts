/** The agent's V8 memory settings: which flags each configuration sets for the process. */
import { applyMemorySettings } from '../../src/agent/memory.js';
import { defaultConfig } from '../../src/config/load.js';

function flagsFor(memory: Parameters<typeof applyMemorySettings>[0]): string[] {
  const set: string[] = [];
  applyMemorySettings(memory, (flags) => set.push(flags));
  return set;
}

it('bounds the heap growth and optimizes for size by default', () => {
  expect(flagsFor(defaultConfig().memory)).toEqual(['--heap-growing-percent=15', '--optimize-for-size']);
});

it('leaves each choice to V8 when configured so', () => {
  expect(flagsFor({ heapGrowthPercent: 0, youngGenerationMb: 16, optimizeForSize: false })).toEqual([]);
  expect(flagsFor({ heapGrowthPercent: 40, youngGenerationMb: 16, optimizeForSize: false })).toEqual(['--heap-growing-percent=40']);
  expect(flagsFor({ heapGrowthPercent: 0, youngGenerationMb: 16, optimizeForSize: true })).toEqual(['--optimize-for-size']);
});
