/** This app is a process entry point (`src/main.ts`); its logic lives in @mge/pipeline (role "graph-builder"). */
export const ROLE = 'graph-builder' as const;
