export * from './expression.js';
