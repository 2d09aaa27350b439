export { machineGraph } from './machine-graph.js';
export type { StateGraph, StateGraphEdge, StateGraphNode } from './machine-graph.js';
export { toMermaid } from './mermaid.js';
