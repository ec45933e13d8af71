import { backtestCommand } from './backtest.js';
import type { CliCommand } from './command.js';
import { demoCommand } from './demo.js';
import { demoFleetCommand } from './demo-fleet.js';
import { detectCommand } from './detect.js';
import { retrainCommand } from './retrain.js';
import { simulateScalingCommand } from './simulate-scaling.js';
import { startCommand } from './start.js';

/** Every `headroom` subcommand, sorted by name. Lazy imports keep `detect` free of tfjs etc. */
export const COMMANDS: readonly CliCommand[] = [
  backtestCommand,
  demoCommand,
  demoFleetCommand,
  detectCommand,
  retrainCommand,
  simulateScalingCommand,
  startCommand,
];
