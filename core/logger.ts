/** The logger type every component receives: one pino logger, bound per component with child(). */
export type { Logger } from 'pino';
