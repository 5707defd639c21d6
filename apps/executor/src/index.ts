/** This app is a process entry point (`src/main.ts`); its logic lives in @mge/pipeline (role "executor"). */
export const ROLE = 'executor' as const;
