/** This app is a process entry point (`src/main.ts`); its logic lives in @mge/pipeline (role "atomizer"). */
export const ROLE = 'atomizer' as const;
