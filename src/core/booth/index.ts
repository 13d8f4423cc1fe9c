export { createBooth, CONSENT_VERSION, type Booth, type BoothOptions } from './booth';
export { BoothEvents, type BoothEventListener } from './events';
export { composeBooth, type ComposeOptions, type ComposedBooth } from './compose';
