export * from './alexnet.js';
export * from './ce.js';
export * from './table.js';
