// The self-test's pictures, by file name in the core models folder, in the
// order of selfTestExpected.json (scripts/models/selfTestPictures.ts makes them).
export const SELF_TEST_FILES = [
  { file: 'selftest-citizen0.jpg', citizen: 0, format: 'jpeg' },
  { file: 'selftest-citizen0.j2k', citizen: 0, format: 'jpeg2000' },
  { file: 'selftest-citizen1.jpg', citizen: 1, format: 'jpeg' },
] as const;
