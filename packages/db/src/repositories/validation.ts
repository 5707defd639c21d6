import { asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { validationResults, type ValidationResult } from '../schema/index.js';

export type NewValidationResult = typeof validationResults.$inferInsert;

export async function recordValidation(db: Db, results: NewValidationResult[]): Promise<void> {
  if (results.length > 0) await db.insert(validationResults).values(results);
}

export function listValidation(db: Db, planId: string): Promise<ValidationResult[]> {
  return db
    .select()
    .from(validationResults)
    .where(eq(validationResults.masterplanId, planId))
    .orderBy(asc(validationResults.createdAt));
}
