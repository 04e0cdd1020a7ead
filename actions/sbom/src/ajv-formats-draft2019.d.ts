// ajv-formats-draft2019 ships no types; this is the one call the schema validator makes.
declare module 'ajv-formats-draft2019' {
  import type { Ajv } from 'ajv';
  function addFormats(ajv: Ajv, options?: { formats?: string[] }): Ajv;
  export default addFormats;
}
