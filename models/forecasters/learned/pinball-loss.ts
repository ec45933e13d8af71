import { tf } from '../../tf.js';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * Turns the network's three raw outputs into ordered quantiles: the middle one is p50, and p10 /
 * p90 sit softplus(·) below / above it, so p10 <= p50 <= p90 holds by construction.
 */
export function orderedQuantiles(raw: Tensor): Tensor {
  return tf.tidy(() => {
    const [a, m, b] = tf.split(raw, 3, 1) as [Tensor, Tensor, Tensor];
    return tf.concat([tf.sub(m, tf.softplus(a)), m, tf.add(m, tf.softplus(b))], 1);
  });
}

/**
 * Mean pinball (quantile) loss of p10/p50/p90 against `yTrue` ([n, 3], the target repeated; [n, 1] broadcasts too); minimising it makes the
 * outputs the conditional 10th, 50th and 90th percentiles (Koenker & Bassett 1978).
 */
export function pinballLoss(yTrue: Tensor, yPredRaw: Tensor): Tensor {
  return tf.tidy(() => {
    const q = tf.tensor2d([[0.1, 0.5, 0.9]]);
    const err = tf.sub(yTrue, orderedQuantiles(yPredRaw));
    return tf.mean(tf.maximum(tf.mul(q, err), tf.mul(tf.sub(q, 1), err)));
  });
}
