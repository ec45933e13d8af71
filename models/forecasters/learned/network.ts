import type { LayersModel } from '@tensorflow/tfjs';
import { tf } from '../../tf.js';
import { pinballLoss } from './pinball-loss.js';

/** Weights as plain arrays (JSON), in `getWeights()` order. */
export type WeightsJson = { shape: number[]; values: number[] }[];

/**
 * inputs → dense(relu) → dense(relu) → dense(3, zero-initialised): the zero output layer makes an
 * untrained network predict exactly the base (Holt-Winters) with a fixed band, a safe start.
 * Seeded Glorot initialisers keep training reproducible.
 */
export function buildNetwork(
  inputs: number,
  hidden: readonly [number, number],
  learningRate: number,
  seed: number,
): LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [inputs],
        units: hidden[0],
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({
        units: hidden[1],
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
      tf.layers.dense({ units: 3, kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: pinballLoss });
  return model;
}

export function readWeights(model: LayersModel): WeightsJson {
  return model.getWeights().map((w) => ({ shape: [...w.shape], values: Array.from(w.dataSync()) }));
}

export function writeWeights(model: LayersModel, weights: WeightsJson): void {
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  try {
    model.setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}
