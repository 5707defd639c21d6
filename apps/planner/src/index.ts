/** This app is a process entry point (`src/main.ts`); its logic lives in @mge/pipeline (role "planner"). */
export const ROLE = 'planner' as const;
