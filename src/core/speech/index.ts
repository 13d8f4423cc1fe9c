// Spoken guidance: the deployment's voice pack, checked at start-up (the generated voice ships with the renderer).
export {
  audioFormat,
  checkVoicePack,
  MAX_VOICE_FILE_BYTES,
  servableVoicePack,
  spokenKeys,
  VOICE_PACK_PREFIX,
  type CheckedVoicePack,
} from './voicePack';
