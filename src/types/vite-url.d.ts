// Vite's "?url" imports: the emitted file's URL (https://vite.dev/guide/assets#explicit-url-imports).
declare module '*?url' {
  const url: string;
  // eslint-disable-next-line no-restricted-syntax -- Vite's ?url modules have a default export
  export default url;
}
