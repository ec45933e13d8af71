import { z } from 'zod';

/** A point in time in a query or body: epoch milliseconds, or an ISO 8601 date-time. */
export const apiTimeSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);
