import { z } from 'zod';

/** A silence: incidents whose tags match every matcher are not notified until `endsMs`. */
export const silenceBodySchema = z.object({
  matchers: z.record(z.string(), z.string()),
  startsMs: z.number(),
  endsMs: z.number(),
  createdBy: z.string(),
  comment: z.string(),
});
export type SilenceBody = z.infer<typeof silenceBodySchema>;
