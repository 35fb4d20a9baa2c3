// The code version recorded in every model card and report (kept equal to package.json by a test).
export const CODE_VERSION = '0.1.0';
