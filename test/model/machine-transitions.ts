// The kit (uwe/testing) reads the machine's transitions the same way; one definition for both.
export { definedTransitions, transitionKey, type DefinedTransition } from '../../src/testing/machine-transitions.js';
