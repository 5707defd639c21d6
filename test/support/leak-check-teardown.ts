import { assertNoOpenHandles } from './open-handles';

export default function leakCheckTeardown(): Promise<void> {
  return assertNoOpenHandles();
}
