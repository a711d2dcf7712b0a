// The tensor core: numbers, ops with their gradients, autodiff, randomness, optimisers.
// Pure TypeScript with no DOM, so the same code runs in Node, in a Web Worker and in the page.

export * from './tensor';
export { backward, noGrad, isGradEnabled, record, accumulate, topologicalOrder, type BackwardOptions } from './autodiff';
export { add, sub, mul, div, maximum, scale, neg, tanh, sigmoid, sigmoidScalar, exp, log, relu, eluPlusOne, eluPlusOneScalar, broadcastShapes } from './ops/elementwise';
export { layerNorm } from './ops/norm';
export { reshape, transpose, concat, slice, split, gather, stridesOf } from './ops/shape';
export { sum, mean, softmax, logSoftmax, crossEntropy, type Mask, type CrossEntropyOptions } from './ops/reduce';
export { matmul, linear, type MatmulOptions } from './ops/matmul';
export { gruCell, additiveScore } from './ops/fused';
export { withConstantOperands } from './kernels/gemm';
export { Rng, hashString } from './random';
export * from './init';
export * from './optim';
export { gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckFailure } from './gradcheck';
