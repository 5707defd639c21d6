import { recordOpenHandles } from './open-handles';

export default function leakCheckSetup(): void {
  recordOpenHandles();
}
