import { MemoryStore } from '../../../src/storage/memory.js';
import { runStoreSuite } from './store-suite.js';

runStoreSuite('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});
