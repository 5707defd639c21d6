/** This app is a process entry point (`src/main.ts`); its logic lives in @mge/pipeline (role "validator"). */
export const ROLE = 'validator' as const;
