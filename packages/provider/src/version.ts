// Injected at build time by tsup (and by vitest) from package.json.
declare const __PACKAGE_VERSION__: string | undefined;

/** The version of `@alaya-code/ai-sdk-provider`, sent in the `User-Agent` suffix. */
export const VERSION: string =
  typeof __PACKAGE_VERSION__ !== 'undefined' ? __PACKAGE_VERSION__ : '0.0.0-test';
